//! Handlers that receive the decoded data: [`data_handler`], narrowed by where the event
//! happened (a Firestore document or Datastore entity path pattern, a Pub/Sub topic, a Cloud
//! Storage bucket).

use std::collections::BTreeMap;
use std::future::Future;
use std::marker::PhantomData;

use super::GoogleEventData;
use crate::{async_trait, Event, EventHandler, HandlerError, HandlerResult};

/// What a [`data_handler`] closure receives: the event, its decoded data and, when the
/// handler was narrowed by a path pattern, what the pattern's `{name}` segments captured.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct TypedEvent<T> {
    /// The event (kind, reference, CloudEvent attributes, claims…).
    pub event: Event,
    /// Its data, decoded as `T`.
    pub data: T,
    /// The path pattern's captures by name (`users/{id}` on `users/ada`: `id` → `ada`).
    pub captures: BTreeMap<String, String>,
}

/// Makes a handler that decodes each event's data as `T` (see
/// [`Event::data`](crate::Event::data)) and hands it to `f`. Register it for the CloudEvent
/// types that carry `T` (`kind_handler`, `kind_prefix_handler`). Data that does not decode is
/// a handler error (the event is not acknowledged), unless
/// [`discard_undecodable`](DataHandler::discard_undecodable) says to acknowledge it.
///
/// ```
/// use gcp_events_core::cloudevents::types;
/// use gcp_events_core::google_events::{data_handler, firestore::DocumentEventData, TypedEvent};
/// use gcp_events_core::EventService;
///
/// let users = data_handler(|e: TypedEvent<DocumentEventData>| async move {
///     let id = &e.captures["id"];
///     if let Some(document) = e.data.value {
///         println!("user {id}: {}", document.to_json());
///     }
///     Ok(())
/// })
/// .path("users/{id}"); // only documents of the users collection
/// let service = EventService::builder()
///     .allow_unauthenticated()
///     .cloud_events_path("/")
///     .kind_prefix_handler("google.cloud.firestore.document.v1.", users)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn data_handler<T, F, Fut>(f: F) -> DataHandler<T, F>
where
    T: GoogleEventData,
    F: Fn(TypedEvent<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    DataHandler {
        f,
        path: None,
        topic: None,
        bucket: None,
        discard_undecodable: false,
        data: PhantomData,
    }
}

/// The handler made by [`data_handler`].
pub struct DataHandler<T, F> {
    f: F,
    path: Option<PathPattern>,
    topic: Option<String>,
    bucket: Option<String>,
    discard_undecodable: bool,
    data: PhantomData<fn() -> T>,
}

impl<T, F> std::fmt::Debug for DataHandler<T, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataHandler")
            .field("path", &self.path)
            .field("topic", &self.topic)
            .field("bucket", &self.bucket)
            .field("discard_undecodable", &self.discard_undecodable)
            .finish_non_exhaustive()
    }
}

impl<T, F> DataHandler<T, F> {
    /// Runs only for events about a document (or Datastore entity) whose path matches
    /// `pattern`: segments separated by `/`, each a literal, `*` (any one segment), `{name}`
    /// (any one segment, captured as `name`), or a last `**` (any number of segments). The path
    /// is the event's `document` (or `entity`) attribute, else its subject without
    /// `documents/`. Other events pass this handler by (the next handlers still run).
    pub fn path(mut self, pattern: &str) -> Self {
        self.path = Some(PathPattern::new(pattern));
        self
    }

    /// Runs only for Pub/Sub messages of this topic (read from the event's source):
    /// `projects/P/topics/T`, or just `T`. Other events pass this handler by.
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = Some(topic.into());
        self
    }

    /// Runs only for Cloud Storage events of this bucket (read from the event's source). Other
    /// events pass this handler by.
    pub fn bucket(mut self, bucket: impl Into<String>) -> Self {
        self.bucket = Some(bucket.into());
        self
    }

    /// Acknowledges (`200`, logged at warn) an event whose data does not decode as `T`,
    /// instead of failing it: for poison data that no retry can fix.
    pub fn discard_undecodable(mut self) -> Self {
        self.discard_undecodable = true;
        self
    }

    /// Whether `event` is one this handler takes, and the path's captures.
    fn select(&self, event: &Event) -> Option<BTreeMap<String, String>> {
        let attributes = event.context().cloud_event.as_ref();
        if let Some(topic) = &self.topic {
            let got = attributes.and_then(|a| a.pubsub_topic())?;
            let short = got.rsplit('/').next().unwrap_or_default();
            if got != topic && short != topic {
                return None;
            }
        }
        if let Some(bucket) = &self.bucket {
            if attributes.and_then(|a| a.storage_bucket()) != Some(bucket.as_str()) {
                return None;
            }
        }
        match &self.path {
            None => Some(BTreeMap::new()),
            Some(pattern) => {
                let attributes = attributes?;
                let path = attributes
                    .extensions
                    .get("document")
                    .or_else(|| attributes.extensions.get("entity"))
                    .map(String::as_str)
                    .or_else(|| {
                        let subject = attributes.subject.as_deref()?;
                        Some(subject.strip_prefix("documents/").unwrap_or(subject))
                    })?;
                pattern.captures(path)
            }
        }
    }
}

#[async_trait]
impl<T, F, Fut> EventHandler for DataHandler<T, F>
where
    T: GoogleEventData + Send + 'static,
    F: Fn(TypedEvent<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    async fn handle(&self, event: &Event) -> HandlerResult {
        let Some(captures) = self.select(event) else {
            return Ok(());
        };
        let data = match event.data::<T>() {
            Ok(data) => data,
            Err(e) if self.discard_undecodable => return Err(HandlerError::discard(e)),
            Err(e) => return Err(e.into()),
        };
        (self.f)(TypedEvent {
            event: event.clone(),
            data,
            captures,
        })
        .await
    }
}

/// A document path pattern: `users/{id}`, `rooms/*/messages/{message}`, `logs/**`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PathPattern(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Any,
    Capture(String),
    Rest,
}

impl PathPattern {
    fn new(pattern: &str) -> Self {
        let segments = pattern.trim_matches('/').split('/');
        Self(
            segments
                .map(|s| match s {
                    "*" => Segment::Any,
                    "**" => Segment::Rest,
                    s if s.len() > 2 && s.starts_with('{') && s.ends_with('}') => {
                        Segment::Capture(s[1..s.len() - 1].to_owned())
                    }
                    s => Segment::Literal(s.to_owned()),
                })
                .collect(),
        )
    }

    /// The captures when `path` matches, else `None`.
    fn captures(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let mut parts = path.trim_matches('/').split('/');
        let mut captures = BTreeMap::new();
        for segment in &self.0 {
            match segment {
                Segment::Rest => return Some(captures),
                Segment::Literal(literal) => {
                    if parts.next()? != literal {
                        return None;
                    }
                }
                Segment::Any => {
                    parts.next().filter(|p| !p.is_empty())?;
                }
                Segment::Capture(name) => {
                    let part = parts.next().filter(|p| !p.is_empty())?;
                    captures.insert(name.clone(), part.to_owned());
                }
            }
        }
        parts.next().is_none().then_some(captures)
    }
}

#[cfg(test)]
mod tests {
    use super::PathPattern;

    #[test]
    fn path_patterns_match_whole_paths_and_capture_names() {
        let users = PathPattern::new("users/{id}");
        assert_eq!(users.captures("users/ada").unwrap()["id"], "ada");
        assert!(users.captures("users").is_none());
        assert!(users.captures("users/ada/posts/1").is_none());
        assert!(users.captures("teams/ada").is_none());
        let nested = PathPattern::new("rooms/*/messages/{m}");
        assert_eq!(nested.captures("rooms/r1/messages/7").unwrap()["m"], "7");
        assert!(nested.captures("rooms//messages/7").is_none());
        let rest = PathPattern::new("logs/**");
        assert!(rest.captures("logs/2026/12/06").is_some());
        assert!(rest.captures("other/1").is_none());
    }
}

//! The context attributes of a CloudEvent, and the Google-specific views of them.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

/// The context attributes of a CloudEvent (CloudEvents 1.0 §3), as given by
/// [`from_binary`](super::from_binary) or [`from_structured`](super::from_structured).
///
/// Values are kept as sent (after the binding's decoding): `source` and `dataschema` are opaque
/// strings, not parsed as URIs, because Google's sources such as
/// `//pubsub.googleapis.com/projects/P/topics/T` are network-path references, not absolute URIs.
///
/// It serializes as the attribute part of a JSON-format CloudEvent: `time` as an RFC 3339
/// string, absent optional attributes omitted, and extensions as top-level members.
///
/// ```
/// use gcp_events_core::cloudevents::from_structured;
///
/// let body = br#"{"specversion": "1.0", "id": "42", "type": "com.example.ping",
///                 "source": "//storage.googleapis.com/projects/_/buckets/my-bucket",
///                 "subject": "objects/photos/cat.jpg", "bucket": "my-bucket"}"#;
/// let (attributes, _data) = from_structured(body)?;
/// assert_eq!(attributes.storage_bucket(), Some("my-bucket"));
/// assert_eq!(attributes.storage_object(), Some("photos/cat.jpg"));
/// assert_eq!(attributes.extensions["bucket"], "my-bucket");
/// assert_eq!(
///     serde_json::to_value(&attributes)?,
///     serde_json::json!({"specversion": "1.0", "id": "42", "type": "com.example.ping",
///                        "source": "//storage.googleapis.com/projects/_/buckets/my-bucket",
///                        "subject": "objects/photos/cat.jpg", "bucket": "my-bucket"}),
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CloudEventAttributes {
    /// `id`: identifies the event; `source` + `id` is unique per distinct event, so a
    /// redelivery repeats both. Never empty.
    pub id: String,
    /// `source`: the context in which the event happened, e.g.
    /// `//pubsub.googleapis.com/projects/my-project/topics/my-topic`. Never empty.
    pub source: String,
    /// `specversion`: always `1.0`.
    pub specversion: String,
    /// `type`: the kind of occurrence, e.g. `google.cloud.storage.object.v1.finalized`.
    /// Never empty.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `time`: when the occurrence happened, converted to UTC.
    #[serde(
        serialize_with = "serialize_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<DateTime<Utc>>,
    /// `subject`: the subject of the event within its source, e.g. `objects/my-file.txt` for
    /// Cloud Storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `dataschema`: the schema the data adheres to, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataschema: Option<String>,
    /// `datacontenttype`: the media type of the data, e.g. `application/json; charset=utf-8`.
    /// In binary mode this is the request's `Content-Type` header, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datacontenttype: Option<String>,
    /// Every other attribute (extension), by name, e.g. `topic`, `bucket`, `servicename`.
    /// Extension values that were JSON numbers or booleans (structured mode) are kept as their
    /// JSON text, e.g. `"42"`, `"true"`.
    #[serde(flatten)]
    pub extensions: BTreeMap<String, String>,
}

/// Serializes `time` as RFC 3339 in UTC with `Z` and as many fractional digits as needed.
fn serialize_time<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => s.serialize_none(),
    }
}

/// A path segment: non-empty and without `/`.
fn is_segment(s: &str) -> bool {
    !s.is_empty() && !s.contains('/')
}

impl CloudEventAttributes {
    /// The Pub/Sub topic of a `google.cloud.pubsub.topic.v1.messagePublished` event, read from
    /// `source`: `//pubsub.googleapis.com/projects/P/topics/T` gives
    /// `Some("projects/P/topics/T")`; any other source gives `None`.
    ///
    /// ```
    /// # use gcp_events_core::cloudevents::from_structured;
    /// let (attributes, _) = from_structured(br#"{"specversion": "1.0", "id": "1",
    ///     "type": "google.cloud.pubsub.topic.v1.messagePublished",
    ///     "source": "//pubsub.googleapis.com/projects/my-project/topics/my-topic"}"#)?;
    /// assert_eq!(attributes.pubsub_topic(), Some("projects/my-project/topics/my-topic"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pubsub_topic(&self) -> Option<&str> {
        let path = self.source.strip_prefix("//pubsub.googleapis.com/")?;
        let mut parts = path.split('/');
        match (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (Some("projects"), Some(project), Some("topics"), Some(topic), None)
                if is_segment(project) && is_segment(topic) =>
            {
                Some(path)
            }
            _ => None,
        }
    }

    /// The Cloud Storage bucket of a storage event, read from `source`:
    /// `//storage.googleapis.com/projects/_/buckets/B` gives `Some("B")`; any other source
    /// gives `None`.
    pub fn storage_bucket(&self) -> Option<&str> {
        let path = self
            .source
            .strip_prefix("//storage.googleapis.com/projects/")?;
        let (project, rest) = path.split_once('/')?;
        let bucket = rest.strip_prefix("buckets/")?;
        (is_segment(project) && is_segment(bucket)).then_some(bucket)
    }

    /// The Cloud Storage object name of a storage event, read from `subject`: `objects/NAME`
    /// gives `Some("NAME")` (the name may contain `/`, e.g. `folder/file.txt`); a missing
    /// subject, another shape or an empty name gives `None`.
    ///
    /// Only the subject is looked at; combine with [`storage_bucket`](Self::storage_bucket)
    /// to be sure the event comes from Cloud Storage.
    pub fn storage_object(&self) -> Option<&str> {
        self.subject
            .as_deref()?
            .strip_prefix("objects/")
            .filter(|name| !name.is_empty())
    }

    /// The reference the event gets when it is received at the CloudEvents path (no reference in
    /// the URL): `subject` when present and non-empty, else `id`.
    pub fn reference(&self) -> &str {
        match self.subject.as_deref() {
            Some(subject) if !subject.is_empty() => subject,
            _ => &self.id,
        }
    }
}

/// Gathers the attributes one at a time, then checks the required ones.
#[derive(Debug, Default)]
pub(super) struct AttributesBuilder {
    pub(super) id: Option<String>,
    pub(super) source: Option<String>,
    pub(super) specversion: Option<String>,
    pub(super) event_type: Option<String>,
    pub(super) time: Option<String>,
    pub(super) subject: Option<String>,
    pub(super) dataschema: Option<String>,
    pub(super) datacontenttype: Option<String>,
    pub(super) extensions: BTreeMap<String, String>,
}

impl AttributesBuilder {
    /// Stores one attribute by its name; unknown names become extensions.
    pub(super) fn set(&mut self, name: &str, value: String) {
        let slot = match name {
            "id" => &mut self.id,
            "source" => &mut self.source,
            "specversion" => &mut self.specversion,
            "type" => &mut self.event_type,
            "time" => &mut self.time,
            "subject" => &mut self.subject,
            "dataschema" => &mut self.dataschema,
            "datacontenttype" => &mut self.datacontenttype,
            _ => {
                self.extensions.insert(name.to_owned(), value);
                return;
            }
        };
        *slot = Some(value);
    }

    /// Checks the required attributes (`specversion` first, as its value decides what the
    /// others mean) and parses `time`.
    pub(super) fn finish(self) -> Result<CloudEventAttributes, super::CloudEventError> {
        use super::CloudEventError as E;

        fn required(value: Option<String>, name: &'static str) -> Result<String, E> {
            value
                .filter(|v| !v.is_empty())
                .ok_or(E::MissingAttribute(name))
        }

        let specversion = required(self.specversion, "specversion")?;
        if specversion != super::SPEC_VERSION {
            return Err(E::UnsupportedSpecVersion(specversion));
        }
        let id = required(self.id, "id")?;
        let source = required(self.source, "source")?;
        let event_type = required(self.event_type, "type")?;
        let time = match self.time {
            None => None,
            Some(text) => Some(
                DateTime::parse_from_rfc3339(&text)
                    .map_err(|_| E::InvalidTime("time".to_owned()))?
                    .with_timezone(&Utc),
            ),
        };
        Ok(CloudEventAttributes {
            id,
            source,
            specversion,
            event_type,
            time,
            subject: self.subject,
            dataschema: self.dataschema,
            datacontenttype: self.datacontenttype,
            extensions: self.extensions,
        })
    }
}

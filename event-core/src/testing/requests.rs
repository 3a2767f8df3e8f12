//! Requests shaped exactly as Google sends them, for testing handlers in-process: build one
//! with [`TestPush`], give it to [`EventService::handle`](crate::EventService::handle) (no
//! socket, no framework), and look at the answer and at what a [`Recorder`](super::Recorder)
//! received.
//!
//! ```
//! use gcp_events_core::pubsub::AttributeHeaders;
//! use gcp_events_core::testing::{requests::TestPush, Recorder};
//! use gcp_events_core::{DeliveryFormat, EventService};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let seen = Recorder::new();
//! let service = EventService::builder()
//!     .allow_unauthenticated()
//!     .cloud_events_path("/")
//!     .unwrapped_attribute_headers(AttributeHeaders::only(["tenant"])) // attributes are headers there
//!     .handler(seen.clone())
//!     .build()?;
//! let push = TestPush::json(&serde_json::json!({"order": 17}))?.attribute("tenant", "acme");
//! for request in [
//!     push.wrapped("/gcp-events/events/order/17"),
//!     push.unwrapped("/gcp-events/events/order/17"),
//!     push.cloud_event_binary("/"),
//!     push.cloud_event_structured("/"),
//! ] {
//!     assert_eq!(service.handle(request).await.status(), 201);
//! }
//! // The same message, whatever the format.
//! for event in seen.events() {
//!     let message = event.pubsub()?;
//!     assert_eq!(message.data_as::<serde_json::Value>()?["order"], 17);
//!     assert_eq!(message.attributes["tenant"], "acme");
//! }
//! assert_eq!(seen.events()[2].context().format, DeliveryFormat::CloudEventBinary);
//! # Ok(())
//! # }
//! ```

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use http_body_util::Full;
use serde_json::{json, Value};

use crate::pubsub::PushEnvelope;
pub use crate::testing::tasks::{TestSchedulerRun, TestTask};

/// A Pub/Sub message, ready to be delivered in any of Google's formats.
///
/// Defaults: subscription `projects/test-project/subscriptions/test-sub`, topic
/// `projects/test-project/topics/test-topic`, message id `1`, publish time now, no
/// attributes, no ordering key, first delivery attempt; every request carries
/// `Host: localhost`.
#[derive(Debug, Clone)]
pub struct TestPush {
    data: Bytes,
    attributes: Vec<(String, String)>,
    message_id: String,
    ordering_key: Option<String>,
    publish_time: DateTime<Utc>,
    subscription: String,
    topic: String,
    delivery_attempt: Option<u32>,
    headers: Vec<(String, String)>,
}

impl TestPush {
    /// A message whose data is these bytes.
    pub fn data(data: impl Into<Bytes>) -> Self {
        Self {
            data: data.into(),
            attributes: Vec::new(),
            message_id: "1".to_owned(),
            ordering_key: None,
            publish_time: Utc::now(),
            subscription: "projects/test-project/subscriptions/test-sub".to_owned(),
            topic: "projects/test-project/topics/test-topic".to_owned(),
            delivery_attempt: None,
            headers: Vec::new(),
        }
    }

    /// A message whose data is this value as JSON.
    pub fn json(value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        Ok(Self::data(serde_json::to_vec(value)?))
    }

    /// Adds a message attribute.
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((key.into(), value.into()));
        self
    }

    /// The message id (what idempotency keys on, with the subscription).
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = id.into();
        self
    }

    /// The ordering key.
    pub fn ordering_key(mut self, key: impl Into<String>) -> Self {
        self.ordering_key = Some(key.into());
        self
    }

    /// The publish time.
    pub fn publish_time(mut self, at: DateTime<Utc>) -> Self {
        self.publish_time = at;
        self
    }

    /// The subscription, `projects/P/subscriptions/S`.
    pub fn subscription(mut self, subscription: impl Into<String>) -> Self {
        self.subscription = subscription.into();
        self
    }

    /// The topic, `projects/P/topics/T` (the CloudEvent source names it).
    pub fn topic(mut self, topic: impl Into<String>) -> Self {
        self.topic = topic.into();
        self
    }

    /// A redelivery: `deliveryAttempt` in the wrapped envelope (set by Pub/Sub only with a
    /// dead-letter policy).
    pub fn delivery_attempt(mut self, attempt: u32) -> Self {
        self.delivery_attempt = Some(attempt);
        self
    }

    /// An `Authorization: Bearer` token, as an authenticated push subscription sends (mint one
    /// with [`LocalOidc`](super::auth::LocalOidc)).
    pub fn bearer(self, token: impl AsRef<str>) -> Self {
        let value = format!("Bearer {}", token.as_ref());
        self.header("authorization", value)
    }

    /// Any other request header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn envelope(&self) -> PushEnvelope {
        let mut envelope = PushEnvelope::builder(self.subscription.clone())
            .bytes(&self.data)
            .message_id(self.message_id.clone())
            .publish_time(self.publish_time);
        for (k, v) in &self.attributes {
            envelope = envelope.attribute(k.clone(), v.clone());
        }
        if let Some(key) = &self.ordering_key {
            envelope = envelope.ordering_key(key.clone());
        }
        if let Some(attempt) = self.delivery_attempt {
            envelope = envelope.delivery_attempt(attempt);
        }
        envelope.build()
    }

    fn time(&self) -> String {
        self.publish_time
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    fn request(
        &self,
        path: &str,
        mut headers: Vec<(String, String)>,
        body: Bytes,
    ) -> http::Request<Full<Bytes>> {
        headers.extend(self.headers.iter().cloned());
        crate::testing::post_request(path, &headers, body)
    }

    /// A wrapped push (the default push format): the JSON envelope, data in base64.
    pub fn wrapped(&self, path: &str) -> http::Request<Full<Bytes>> {
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        self.request(path, headers, self.envelope().to_bytes().into())
    }

    /// An unwrapped push with metadata (`--push-no-wrapper --push-no-wrapper-write-metadata`):
    /// the body is the data; message id, publish time, subscription and ordering key in
    /// `x-goog-pubsub-*` headers; each attribute a header of its own.
    pub fn unwrapped(&self, path: &str) -> http::Request<Full<Bytes>> {
        let mut headers = vec![
            (
                "x-goog-pubsub-message-id".to_owned(),
                self.message_id.clone(),
            ),
            ("x-goog-pubsub-publish-time".to_owned(), self.time()),
            (
                "x-goog-pubsub-subscription-name".to_owned(),
                self.subscription.clone(),
            ),
        ];
        if let Some(key) = &self.ordering_key {
            headers.push(("x-goog-pubsub-ordering-key".to_owned(), key.clone()));
        }
        headers.extend(self.attributes.iter().cloned());
        self.request(path, headers, self.data.clone())
    }

    /// An unwrapped push without metadata: only the data and the attribute headers (the
    /// service must be built with
    /// [`unwrapped_push`](crate::EventServiceBuilder::unwrapped_push) to know it).
    pub fn unwrapped_without_metadata(&self, path: &str) -> http::Request<Full<Bytes>> {
        self.request(path, self.attributes.clone(), self.data.clone())
    }

    fn source(&self) -> String {
        format!("//pubsub.googleapis.com/{}", self.topic)
    }

    /// An Eventarc CloudEvent in binary mode (`ce-*` headers), type
    /// `google.cloud.pubsub.topic.v1.messagePublished`, the envelope as data; Eventarc posts
    /// it to `/`.
    pub fn cloud_event_binary(&self, path: &str) -> http::Request<Full<Bytes>> {
        let headers = [
            ("ce-id", self.message_id.clone()),
            ("ce-source", self.source()),
            ("ce-specversion", "1.0".to_owned()),
            ("ce-type", PUBSUB_TYPE.to_owned()),
            ("ce-time", self.time()),
            ("content-type", "application/json".to_owned()),
        ];
        let headers = headers
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        self.request(path, headers, self.envelope().to_bytes().into())
    }

    /// The same CloudEvent in structured mode (`application/cloudevents+json`).
    pub fn cloud_event_structured(&self, path: &str) -> http::Request<Full<Bytes>> {
        let data: Value =
            serde_json::from_slice(&self.envelope().to_bytes()).expect("the envelope is JSON");
        let event = json!({
            "specversion": "1.0",
            "id": self.message_id,
            "source": self.source(),
            "type": PUBSUB_TYPE,
            "time": self.time(),
            "datacontenttype": "application/json",
            "data": data,
        });
        let headers = vec![(
            "content-type".to_owned(),
            "application/cloudevents+json".to_owned(),
        )];
        self.request(path, headers, event.to_string().into())
    }
}

const PUBSUB_TYPE: &str = "google.cloud.pubsub.topic.v1.messagePublished";

#[cfg(test)]
mod tests {
    use super::TestPush;
    use crate::pubsub::AttributeHeaders;
    use crate::testing::Recorder;
    use crate::{DeliveryFormat, EventService};

    /// Without metadata the service must be told the format; data and attributes still arrive,
    /// and the ordering key and message id (header-only metadata) do not.
    #[tokio::test]
    async fn unwrapped_without_metadata_carries_data_and_attributes_only() {
        let seen = Recorder::new();
        let service = EventService::builder()
            .allow_unauthenticated()
            .unwrapped_push(true)
            .unwrapped_attribute_headers(AttributeHeaders::only(["tenant"]))
            .handler(seen.clone())
            .build()
            .unwrap();
        let push = TestPush::data("plain text")
            .attribute("tenant", "acme")
            .ordering_key("k")
            .message_id("77");
        let request = push.unwrapped_without_metadata("/gcp-events/events/k/r");
        assert_eq!(service.handle(request).await.status(), 201);
        let event = seen.single();
        assert_eq!(event.context().format, DeliveryFormat::UnwrappedPush);
        let message = event.pubsub().unwrap();
        assert_eq!(&message.data[..], b"plain text");
        assert_eq!(message.attributes["tenant"], "acme");
        assert_eq!(
            (
                message.message_id.as_deref(),
                message.ordering_key.as_deref()
            ),
            (None, None)
        );
    }
}

//! [`DeliveryFormat`]: the one answer to "how did this event arrive?".

/// How an event reached the endpoint; in [`EventContext::format`](crate::EventContext::format).
/// Decided once, from the request head, for every adapter.
///
/// | format | recognised by | payload | [`Event::pubsub`](crate::Event::pubsub) |
/// |---|---|---|---|
/// | `JsonBody` | anything else: a JSON body (a wrapped Pub/Sub push, or any JSON) | the body | the body decoded as a push envelope |
/// | `UnwrappedPush` | an `x-goog-pubsub-message-id` header, or the service configured for it | the raw message data | data = body, metadata and attributes from headers |
/// | `CloudEventBinary` | a `ce-id`/`ce-source`/`ce-specversion`/`ce-type` header | the body (the event's data) | for `…pubsub.topic.v1.messagePublished`: the data decoded as a push envelope, topic from `ce-source` |
/// | `CloudEventStructured` | `Content-Type: application/cloudevents+json` | the `data` (or decoded `data_base64`) member | as binary mode |
/// | `CloudTasks` | `X-CloudTasks-QueueName` and `X-CloudTasks-TaskName` (no `ce-*` headers) | the body, any type | not a message; [`EventContext::cloud_tasks`](crate::EventContext::cloud_tasks) |
/// | `CloudScheduler` | `X-CloudScheduler: true` and `X-CloudScheduler-JobName` | the body, any type | not a message; [`EventContext::scheduler`](crate::EventContext::scheduler) |
///
/// A batch (`application/cloudevents-batch+json`) is no format: it is refused with 415.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFormat {
    /// A JSON body: a wrapped Pub/Sub push, or any JSON posted to an event URL.
    #[default]
    JsonBody,
    /// A Pub/Sub push with payload unwrapping: the body is the message data.
    UnwrappedPush,
    /// A CloudEvent in binary content mode (Eventarc's choice): attributes in `ce-*` headers.
    CloudEventBinary,
    /// A CloudEvent in structured content mode: the whole event is the JSON body.
    CloudEventStructured,
    /// A Cloud Tasks HTTP target's task (see [`tasks`](crate::tasks)).
    CloudTasks,
    /// A Cloud Scheduler HTTP job's run (see [`tasks`](crate::tasks)).
    CloudScheduler,
}

impl DeliveryFormat {
    /// Whether the event arrived as a CloudEvent (binary or structured mode).
    pub(crate) fn is_cloud_event(self) -> bool {
        matches!(self, Self::CloudEventBinary | Self::CloudEventStructured)
    }
}

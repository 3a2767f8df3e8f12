//! The event handlers receive.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::payload::Payload;
use crate::pubsub::{DecodeError, DecodedMessage};

/// One received event: what the URL named (kind, reference, parameters), the payload, and
/// context about the delivery.
///
/// Every matching handler sees the same `Event`. Cloning is cheap (reference-counted).
///
/// ```
/// use gcp_events_core::{Event, Payload};
///
/// let event = Event::builder("order-paid", "order-17")
///     .parameter("tenant", "acme")
///     .payload(Payload::from_json(r#"{"amount": 12}"#)?)
///     .build();
/// assert_eq!(event.kind(), "order-paid");
/// assert_eq!(event.parameter("tenant"), Some("acme"));
/// assert_eq!(event.payload().value()["amount"], 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Event {
    inner: Arc<Inner>,
}

struct Inner {
    kind: String,
    reference: String,
    parameters: BTreeMap<String, String>,
    payload: Payload,
    context: EventContext,
    pubsub_source: PubSubSource,
    pubsub: OnceLock<Result<DecodedMessage, DecodeError>>,
}

/// Where [`Event::pubsub`] finds the Pub/Sub message: decided once, when the event is built,
/// from the delivery format and CloudEvent type. Decoding itself waits for the
/// first call, so a handler that never asks pays nothing.
enum PubSubSource {
    /// Given already decoded (an unwrapped push: data = body, metadata from headers).
    Decoded,
    /// The payload is a push envelope (a wrapped push, or any JSON body).
    Envelope,
    /// A `messagePublished` CloudEvent: its data is a push envelope, its source names the topic.
    PublishedCloudEvent(Option<String>),
    /// Another CloudEvent type: no Pub/Sub message.
    None,
}

impl PubSubSource {
    fn decide(context: &EventContext, decoded: bool) -> Self {
        match &context.cloud_event {
            _ if decoded => Self::Decoded,
            None => Self::Envelope,
            Some(ce) if ce.event_type == crate::cloudevents::PUBSUB_MESSAGE_PUBLISHED => {
                Self::PublishedCloudEvent(ce.pubsub_topic().map(str::to_owned))
            }
            Some(_) => Self::None,
        }
    }

    fn decode(&self, payload: &Payload) -> Result<DecodedMessage, DecodeError> {
        match self {
            Self::Envelope | Self::Decoded => DecodedMessage::from_slice(payload.bytes()),
            Self::PublishedCloudEvent(topic) => {
                let mut message = DecodedMessage::from_slice(payload.bytes())?;
                message.topic.clone_from(topic);
                Ok(message)
            }
            Self::None => Err(DecodeError::NotAPubSubEvent),
        }
    }
}

impl Event {
    /// Starts building an event by hand — for testing handlers without a server.
    pub fn builder(kind: impl Into<String>, reference: impl Into<String>) -> EventBuilder {
        EventBuilder {
            kind: kind.into(),
            reference: reference.into(),
            parameters: BTreeMap::new(),
            payload: None,
            context: EventContext::default(),
            pubsub: None,
        }
    }

    /// The event kind: the first path segment after `{prefix}/events/`, percent-decoded; at the
    /// CloudEvents path, the CloudEvent's `type`.
    pub fn kind(&self) -> &str {
        &self.inner.kind
    }

    /// The event reference: the second path segment, percent-decoded; at the CloudEvents path,
    /// the CloudEvent's `subject`, or its `id` when it has none.
    pub fn reference(&self) -> &str {
        &self.inner.reference
    }

    /// The query parameters, form-urlencoded-decoded; a repeated key keeps its last value.
    pub fn parameters(&self) -> &BTreeMap<String, String> {
        &self.inner.parameters
    }

    /// One query parameter.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.inner.parameters.get(key).map(String::as_str)
    }

    /// The body, exactly as sent.
    pub fn payload(&self) -> &Payload {
        &self.inner.payload
    }

    /// What the library knows about how the event was delivered.
    pub fn context(&self) -> &EventContext {
        &self.inner.context
    }

    /// Sets the trace of an event just built, before anyone else holds it.
    pub(crate) fn set_trace(&mut self, trace: Option<crate::TraceContext>) {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.context.trace = trace;
        }
    }

    /// The payload decoded as a Pub/Sub push envelope, decoded on first call and cached.
    ///
    /// This is the one accessor for the Pub/Sub message whatever the delivery format:
    /// - a wrapped push: the body decoded as a push envelope;
    /// - an unwrapped push: the data is the body, metadata and attributes come from headers
    ///   (see [`decode_unwrapped`](crate::pubsub::decode_unwrapped));
    /// - an Eventarc `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent: its data decoded
    ///   with the same decoder, with [`topic`](DecodedMessage::topic) from `ce-source`.
    ///
    /// Anything else gives the decoder's error (whose text starts with
    /// `Failed to decode Pub/Sub message`); another CloudEvent type gives
    /// [`DecodeError::NotAPubSubEvent`].
    ///
    /// ```
    /// use gcp_events_core::{pubsub::PushEnvelope, Event, Payload};
    ///
    /// let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
    ///     .json(&serde_json::json!({"x": 1}))?
    ///     .message_id("42")
    ///     .build();
    /// let event = Event::builder("k", "r")
    ///     .payload(Payload::from_json(envelope.to_bytes())?)
    ///     .build();
    /// let message = event.pubsub()?;
    /// assert_eq!(message.message_id.as_deref(), Some("42"));
    /// assert_eq!(message.data_as::<serde_json::Value>()?, serde_json::json!({"x": 1}));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pubsub(&self) -> Result<&DecodedMessage, DecodeError> {
        let inner = &*self.inner;
        inner
            .pubsub
            .get_or_init(|| inner.pubsub_source.decode(&inner.payload))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Parameters may carry secrets (SPEC A5): show their names only.
        f.debug_struct("Event")
            .field("kind", &self.inner.kind)
            .field("reference", &self.inner.reference)
            .field(
                "parameters",
                &self.inner.parameters.keys().collect::<Vec<_>>(),
            )
            .field("payload", &self.inner.payload)
            .field("context", &self.inner.context)
            .finish()
    }
}

/// Builds an [`Event`] by hand (see [`Event::builder`]).
#[derive(Debug)]
pub struct EventBuilder {
    kind: String,
    reference: String,
    parameters: BTreeMap<String, String>,
    payload: Option<Payload>,
    context: EventContext,
    pubsub: Option<DecodedMessage>,
}

impl EventBuilder {
    /// Sets the Pub/Sub message [`Event::pubsub`] returns, instead of decoding it from the
    /// payload (what the pipeline does for an unwrapped push).
    pub fn pubsub_message(mut self, message: DecodedMessage) -> Self {
        self.pubsub = Some(message);
        self
    }

    /// Adds one parameter (a repeated key keeps the last value).
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.insert(key.into(), value.into());
        self
    }

    /// Replaces all parameters.
    pub fn parameters(mut self, parameters: BTreeMap<String, String>) -> Self {
        self.parameters = parameters;
        self
    }

    /// Sets the payload (default: JSON `null`).
    pub fn payload(mut self, payload: Payload) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Sets the delivery context.
    pub fn context(mut self, context: EventContext) -> Self {
        self.context = context;
        self
    }

    /// Finishes the event.
    pub fn build(self) -> Event {
        Event::assemble(
            self.kind,
            self.reference,
            self.parameters,
            self.payload
                .unwrap_or_else(|| Payload::from_value(serde_json::Value::Null)),
            self.context,
            self.pubsub,
        )
    }
}

impl Event {
    /// The event from its parts, in one step: the pipeline's way, since every by-value builder
    /// step copies the whole (large) event state (issue 13).
    pub(crate) fn assemble(
        kind: String,
        reference: String,
        parameters: BTreeMap<String, String>,
        payload: Payload,
        context: EventContext,
        pubsub: Option<DecodedMessage>,
    ) -> Event {
        let pubsub_source = PubSubSource::decide(&context, pubsub.is_some());
        Event {
            inner: Arc::new(Inner {
                kind,
                reference,
                parameters,
                payload,
                context,
                pubsub_source,
                pubsub: match pubsub {
                    Some(message) => OnceLock::from(Ok(message)),
                    None => OnceLock::new(),
                },
            }),
        }
    }
}

/// How an event was delivered: filled in by the pipeline, grown by later features
/// (CloudEvent attributes, verified caller) without breaking handlers.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventContext {
    /// The trace the delivery continues: from the `traceparent` header, a CloudEvent
    /// `traceparent` extension, the `googclient_traceparent` message attribute, or
    /// `X-Cloud-Trace-Context`, in that order (see [`TraceContext`](crate::TraceContext)).
    pub trace: Option<crate::TraceContext>,
    /// The verified caller, when the service authenticates with OIDC. `None` when
    /// requests are authenticated otherwise (signed URLs) or not at all.
    pub claims: Option<crate::auth::VerifiedClaims>,
    /// The CloudEvent attributes (id, source, type, time, subject, extensions…) when the event
    /// arrived as a CloudEvent (Eventarc), decoded from headers or the structured body.
    pub cloud_event: Option<crate::cloudevents::CloudEventAttributes>,
    /// How the event was delivered (wrapped push JSON, unwrapped push, CloudEvent binary or
    /// structured, Cloud Tasks, Cloud Scheduler).
    pub format: crate::DeliveryFormat,
    /// The task's queue, name, retry and execution counts…, when Cloud Tasks delivered it.
    pub cloud_tasks: Option<crate::tasks::CloudTasksContext>,
    /// The job's name and the run's schedule time, when Cloud Scheduler delivered it.
    pub scheduler: Option<crate::tasks::SchedulerContext>,
}

impl EventContext {
    /// A context with a trace.
    pub fn with_trace(mut self, trace: crate::TraceContext) -> Self {
        self.trace = Some(trace);
        self
    }

    /// A context with CloudEvent attributes.
    pub fn with_cloud_event(
        mut self,
        attributes: crate::cloudevents::CloudEventAttributes,
    ) -> Self {
        self.cloud_event = Some(attributes);
        self
    }

    /// A context with a delivery format.
    pub fn with_format(mut self, format: crate::DeliveryFormat) -> Self {
        self.format = format;
        self
    }

    /// A context with verified claims.
    pub fn with_claims(mut self, claims: crate::auth::VerifiedClaims) -> Self {
        self.claims = Some(claims);
        self
    }
}

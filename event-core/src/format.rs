//! Which delivery format a request uses, and turning its body into the event's payload
//! (SPEC C1–C5). Decided once here, for every adapter.

use bytes::Bytes;
use http::HeaderMap;

use crate::cloudevents::{self, CloudEventAttributes, Mode, StructuredData};
use crate::error::RequestError;
use crate::payload::{Payload, PayloadError};
use crate::pubsub::{self, DecodedMessage};

/// How an event reached the endpoint; in [`EventContext::format`](crate::EventContext::format).
///
/// | format | recognised by | payload | [`Event::pubsub`](crate::Event::pubsub) |
/// |---|---|---|---|
/// | `JsonBody` | anything else: a JSON body (a wrapped Pub/Sub push, or any JSON) | the body | the body decoded as a push envelope |
/// | `UnwrappedPush` | an `x-goog-pubsub-message-id` header, or the service configured for it | the raw message data | data = body, metadata and attributes from headers |
/// | `CloudEventBinary` | a `ce-id`/`ce-source`/`ce-specversion`/`ce-type` header | the body (the event's data) | for `…pubsub.topic.v1.messagePublished`: the data decoded as a push envelope, topic from `ce-source` |
/// | `CloudEventStructured` | `Content-Type: application/cloudevents+json` | the `data` (or decoded `data_base64`) member | as binary mode |
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
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
}

/// What the head of the request says the body is; decided before the body is read, so a bad
/// CloudEvent header or a batch is refused without reading it.
pub(crate) enum Plan {
    JsonBody,
    Unwrapped,
    Binary(Box<CloudEventAttributes>),
    Structured,
}

impl Plan {
    pub(crate) fn is_cloud_event(&self) -> bool {
        matches!(self, Self::Binary(_) | Self::Structured)
    }
}

pub(crate) fn plan(headers: &HeaderMap, unwrapped_configured: bool) -> Result<Plan, RequestError> {
    match cloudevents::detect_mode(headers) {
        Mode::Batch => Err(RequestError::BatchNotSupported),
        Mode::Structured => Ok(Plan::Structured),
        Mode::Binary => cloudevents::from_binary(headers)
            .map(|attrs| Plan::Binary(Box::new(attrs)))
            .map_err(RequestError::InvalidCloudEvent),
        _ if unwrapped_configured || pubsub::is_unwrapped_push(headers) => Ok(Plan::Unwrapped),
        _ => Ok(Plan::JsonBody),
    }
}

/// The body, turned into what the event carries.
pub(crate) struct Delivered {
    pub(crate) payload: Payload,
    pub(crate) format: DeliveryFormat,
    pub(crate) cloud_event: Option<CloudEventAttributes>,
    pub(crate) pubsub: Option<DecodedMessage>,
}

fn json_payload(bytes: Bytes) -> Result<Payload, RequestError> {
    Payload::from_json(bytes).map_err(|e| match e {
        PayloadError::Empty => RequestError::EmptyBody,
        PayloadError::InvalidJson(e) => RequestError::InvalidJson(e),
    })
}

/// Whether a media type is JSON (`application/json`, `text/json`, `*/*+json`), parameters
/// ignored, case-insensitively.
fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

/// A CloudEvent's data as the payload: JSON when the data content type says so (validated;
/// bad JSON is a 400), else bytes. No data gives an empty bytes payload.
fn data_payload(bytes: Bytes, content_type: Option<&str>) -> Result<Payload, RequestError> {
    if bytes.is_empty() {
        return Ok(Payload::from_bytes(bytes, content_type));
    }
    match content_type {
        Some(ct) if is_json_media_type(ct) => Ok(json_payload(bytes)?.with_content_type(Some(ct))),
        Some(ct) => Ok(Payload::from_bytes(bytes, Some(ct))),
        // The binding's default when absent is JSON; accept it when it parses.
        None => Ok(Payload::from_json_or_bytes(bytes, None)),
    }
}

pub(crate) fn deliver(
    plan: Plan,
    headers: &HeaderMap,
    bytes: Bytes,
    attribute_headers: &pubsub::AttributeHeaders,
) -> Result<Delivered, RequestError> {
    match plan {
        Plan::JsonBody => Ok(Delivered {
            payload: json_payload(bytes)?,
            format: DeliveryFormat::JsonBody,
            cloud_event: None,
            pubsub: None,
        }),
        Plan::Unwrapped => {
            let content_type = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let payload = Payload::from_json_or_bytes(bytes.clone(), content_type);
            let message = pubsub::decode_unwrapped(headers, bytes, attribute_headers)
                .map_err(RequestError::InvalidUnwrappedPush)?;
            Ok(Delivered {
                payload,
                format: DeliveryFormat::UnwrappedPush,
                cloud_event: None,
                pubsub: Some(message),
            })
        }
        Plan::Binary(attrs) => Ok(Delivered {
            payload: data_payload(bytes, attrs.datacontenttype.as_deref())?,
            format: DeliveryFormat::CloudEventBinary,
            cloud_event: Some(*attrs),
            pubsub: None,
        }),
        Plan::Structured => {
            let (attrs, data) =
                cloudevents::from_structured(&bytes).map_err(RequestError::InvalidCloudEvent)?;
            let content_type = attrs.datacontenttype.as_deref();
            let payload = match data {
                StructuredData::Json(raw) => json_payload(raw)?.with_content_type(content_type),
                StructuredData::Binary(raw) => Payload::from_bytes(raw, content_type),
                _ => Payload::from_bytes(Bytes::new(), content_type),
            };
            Ok(Delivered {
                payload,
                format: DeliveryFormat::CloudEventStructured,
                cloud_event: Some(attrs),
                pubsub: None,
            })
        }
    }
}

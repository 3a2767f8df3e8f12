//! Phase 2, delivery: which format the request uses, its body read under the limit, and the
//! event's payload and metadata. Decided once here, for every adapter.

use bytes::Bytes;
use http::HeaderMap;
use http_body::Body;

use crate::auth::VerifiedClaims;
use crate::body;
use crate::cloudevents::{self, CloudEventAttributes, StructuredData};
use crate::error::{BoxError, RequestError};
use crate::format::DeliveryFormat;
use crate::payload::{Payload, PayloadError};
use crate::pubsub::{self, AttributeHeaders, DecodedMessage};
use crate::tasks::{self, CloudTasksContext, SchedulerContext, Source, SourceTrust};

/// The body, turned into what the event carries.
pub(crate) struct Delivered {
    pub(crate) format: DeliveryFormat,
    pub(crate) payload: Payload,
    /// Present exactly for the CloudEvent formats.
    pub(crate) cloud_event: Option<CloudEventAttributes>,
    /// Present for an unwrapped push, whose message is made from headers and body.
    pub(crate) pubsub: Option<DecodedMessage>,
    /// Present exactly for a Cloud Tasks delivery.
    pub(crate) cloud_tasks: Option<CloudTasksContext>,
    /// Present exactly for a Cloud Scheduler delivery.
    pub(crate) scheduler: Option<SchedulerContext>,
}

/// What the delivery phase needs from the service's configuration.
pub(crate) struct Settings<'a> {
    pub(crate) body_limit: usize,
    pub(crate) unwrapped_push: bool,
    pub(crate) attribute_headers: &'a AttributeHeaders,
    /// Who may be taken for Cloud Tasks or Scheduler.
    pub(crate) sources: &'a SourceTrust,
    /// The verified caller, if the service authenticates with OIDC.
    pub(crate) caller: Option<&'a VerifiedClaims>,
}

/// Tells the format from the head (a batch is 415, broken `ce-*` headers 400, both before the
/// body is read; once told, it is also left in `detected`, for the metrics of a refusal), then
/// reads the body and makes the payload.
pub(crate) async fn deliver<B>(
    settings: &Settings<'_>,
    headers: &HeaderMap,
    body: B,
    cloud_events_only: bool,
    detected: &mut Option<DeliveryFormat>,
) -> Result<Delivered, RequestError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let format = detect(headers, settings)?;
    *detected = Some(format);
    if cloud_events_only && !format.is_cloud_event() {
        return Err(RequestError::NotACloudEvent);
    }
    let binary = match format {
        DeliveryFormat::CloudEventBinary => {
            Some(cloudevents::from_binary(headers).map_err(RequestError::InvalidCloudEvent)?)
        }
        _ => None,
    };
    // A Cloud Tasks or Scheduler head is read (and refused if malformed) before the body.
    let source_context = match format {
        DeliveryFormat::CloudTasks => (
            Some(tasks::cloud_tasks(headers).map_err(RequestError::InvalidSourceHeader)?),
            None,
        ),
        DeliveryFormat::CloudScheduler => (
            None,
            Some(tasks::scheduler(headers).map_err(RequestError::InvalidSourceHeader)?),
        ),
        _ => (None, None),
    };
    let bytes = body::read(body, settings.body_limit, body::declared_length(headers)).await?;
    if let Some(attributes) = binary {
        return Ok(Delivered {
            payload: data_payload(bytes, attributes.datacontenttype.as_deref())?,
            format,
            cloud_event: Some(attributes),
            pubsub: None,
            cloud_tasks: None,
            scheduler: None,
        });
    }
    match format {
        DeliveryFormat::CloudEventStructured => structured(bytes),
        DeliveryFormat::UnwrappedPush => {
            let content_type = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let payload = Payload::from_json_or_bytes(bytes.clone(), content_type);
            let message = pubsub::decode_unwrapped(headers, bytes, settings.attribute_headers)
                .map_err(RequestError::InvalidUnwrappedPush)?;
            Ok(Delivered {
                format,
                payload,
                cloud_event: None,
                pubsub: Some(message),
                cloud_tasks: None,
                scheduler: None,
            })
        }
        DeliveryFormat::CloudTasks | DeliveryFormat::CloudScheduler => {
            let content_type = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            Ok(Delivered {
                format,
                payload: Payload::from_json_or_bytes(bytes, content_type),
                cloud_event: None,
                pubsub: None,
                cloud_tasks: source_context.0,
                scheduler: source_context.1,
            })
        }
        _ => Ok(Delivered {
            format: DeliveryFormat::JsonBody,
            payload: json_payload(bytes)?,
            cloud_event: None,
            pubsub: None,
            cloud_tasks: None,
            scheduler: None,
        }),
    }
}

/// The format, from the head alone. Pub/Sub's unwrapped-push metadata decides first: with
/// write-metadata every message attribute is a header too, so a publisher could add `ce-*` or
/// Cloud Tasks headers; a request carrying `x-goog-pubsub-*` is an unwrapped push whatever else
/// it carries. Cloud Tasks and Scheduler headers count only as those services send them
/// ([`SourceTrust`]).
fn detect(headers: &HeaderMap, settings: &Settings<'_>) -> Result<DeliveryFormat, RequestError> {
    if pubsub::is_unwrapped_push(headers) {
        return Ok(DeliveryFormat::UnwrappedPush);
    }
    if let Some(format) = cloudevents::detect(headers).map_err(RequestError::InvalidCloudEvent)? {
        return Ok(format);
    }
    Ok(match settings.sources.source(headers, settings.caller) {
        Some(Source::CloudTasks) => DeliveryFormat::CloudTasks,
        Some(Source::CloudScheduler) => DeliveryFormat::CloudScheduler,
        None if settings.unwrapped_push => DeliveryFormat::UnwrappedPush,
        None => DeliveryFormat::JsonBody,
    })
}

fn structured(bytes: Bytes) -> Result<Delivered, RequestError> {
    let (attributes, data) =
        cloudevents::from_structured(&bytes).map_err(RequestError::InvalidCloudEvent)?;
    let content_type = attributes.datacontenttype.as_deref();
    let payload = match data {
        StructuredData::Json(raw) => json_payload(raw)?.with_content_type(content_type),
        StructuredData::Binary(raw) => Payload::from_bytes(raw, content_type),
        _ => Payload::from_bytes(Bytes::new(), content_type),
    };
    Ok(Delivered {
        format: DeliveryFormat::CloudEventStructured,
        payload,
        cloud_event: Some(attributes),
        pubsub: None,
        cloud_tasks: None,
        scheduler: None,
    })
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

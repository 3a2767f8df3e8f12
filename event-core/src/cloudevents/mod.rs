//! CloudEvents 1.0 over HTTP, as Eventarc delivers them: a pure parser, usable
//! with no web framework.
//!
//! The [HTTP protocol binding] carries an event in one of three ways, which the
//! [`EventService`](crate::EventService) tells apart by the request head
//! ([`crate::DeliveryFormat`]):
//!
//! - **binary** (what Eventarc sends): the attributes are `ce-*` headers (`ce-id`,
//!   `ce-source`, `ce-specversion`, `ce-type`, `ce-time`, `ce-subject`, extensions such as
//!   `ce-topic`), the body is the event data as is, and its `Content-Type` is the data's media
//!   type. Parse the headers with [`from_binary`].
//! - **structured** (`Content-Type: application/cloudevents+json`): the body is one JSON
//!   object holding the attributes and the data (`data`, or `data_base64` for bytes). Parse it
//!   with [`from_structured`].
//! - **batch** (`application/cloudevents-batch+json`): a JSON array of events. Not supported:
//!   answered [`CloudEventError::BatchNotSupported`] (415), nothing of it parsed, rather than
//!   handle part of a batch.
//!
//! The attributes come out as [`CloudEventAttributes`], which also reads Google's conventions:
//! the Pub/Sub topic of a `messagePublished` event ([`CloudEventAttributes::pubsub_topic`]),
//! the bucket and object of a Cloud Storage event ([`CloudEventAttributes::storage_bucket`],
//! [`CloudEventAttributes::storage_object`]). The data of a
//! [`PUBSUB_MESSAGE_PUBLISHED`] event is a Pub/Sub push envelope, decoded with
//! [`DecodedMessage::from_slice`](crate::pubsub::DecodedMessage::from_slice); the data of a Cloud Storage object event deserializes
//! into [`StorageObjectData`].
//!
//! ```
//! use gcp_events_core::cloudevents::{from_binary, PUBSUB_MESSAGE_PUBLISHED};
//! use http::{HeaderMap, HeaderValue};
//!
//! let mut headers = HeaderMap::new();
//! headers.insert("ce-id", HeaderValue::from_static("2070443601311540"));
//! headers.insert("ce-source", HeaderValue::from_static("//pubsub.googleapis.com/projects/my-project/topics/my-topic"));
//! headers.insert("ce-specversion", HeaderValue::from_static("1.0"));
//! headers.insert("ce-type", HeaderValue::from_static(PUBSUB_MESSAGE_PUBLISHED));
//! headers.insert("ce-time", HeaderValue::from_static("2020-12-20T13:37:33.647Z"));
//! headers.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
//!
//! let attributes = from_binary(&headers)?;
//! assert_eq!(attributes.event_type, PUBSUB_MESSAGE_PUBLISHED);
//! assert_eq!(attributes.pubsub_topic(), Some("projects/my-project/topics/my-topic"));
//! assert_eq!(attributes.datacontenttype.as_deref(), Some("application/json; charset=utf-8"));
//! // The request body is the data: here a Pub/Sub push envelope, for `DecodedMessage::from_slice`.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [HTTP protocol binding]: https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md

mod attributes;
mod binary;
mod error;
mod storage;
mod structured;
pub mod types;

pub use attributes::CloudEventAttributes;
pub use error::CloudEventError;
pub use storage::StorageObjectData;
pub use structured::StructuredData;

use crate::format::DeliveryFormat;

/// The only CloudEvents `specversion` accepted: `1.0`.
pub(crate) const SPEC_VERSION: &str = "1.0";

/// The CloudEvent `type` of a Pub/Sub message delivered by Eventarc; its data is a Pub/Sub push
/// envelope (`{"message": {...}, "subscription": "..."}`) and its `source` names the topic
/// (see [`CloudEventAttributes::pubsub_topic`]).
pub const PUBSUB_MESSAGE_PUBLISHED: &str = "google.cloud.pubsub.topic.v1.messagePublished";

/// The headers whose presence marks a binary-mode request.
const REQUIRED_HEADERS: [http::HeaderName; 4] = [
    http::HeaderName::from_static("ce-id"),
    http::HeaderName::from_static("ce-source"),
    http::HeaderName::from_static("ce-specversion"),
    http::HeaderName::from_static("ce-type"),
];

/// Tells how a request carries a CloudEvent, from its headers alone (HTTP binding §3):
///
/// - a `Content-Type` whose media type (compared case-insensitively, parameters such as
///   `charset` ignored) starts with `application/cloudevents-batch` →
///   [`CloudEventError::BatchNotSupported`] (415): a batch is refused whole, never half-parsed;
/// - one that starts with `application/cloudevents` → structured mode;
/// - otherwise, when *any* of `ce-id`, `ce-source`, `ce-specversion`, `ce-type` is present →
///   binary mode, so a request with only some of them is rejected by [`from_binary`] with a
///   clear [`CloudEventError::MissingAttribute`] rather than silently treated as something else;
/// - otherwise `None`: no sign of a CloudEvent.
///
/// When several `Content-Type` headers are present, the first one is looked at.
pub(crate) fn detect(headers: &http::HeaderMap) -> Result<Option<DeliveryFormat>, CloudEventError> {
    if let Some(content_type) = headers.get(http::header::CONTENT_TYPE) {
        let bytes = content_type.as_bytes();
        let media_type = bytes
            .iter()
            .position(|&b| b == b';')
            .map_or(bytes, |end| &bytes[..end]);
        let media_type = media_type.trim_ascii();
        if starts_with_ignore_case(media_type, b"application/cloudevents-batch") {
            return Err(CloudEventError::BatchNotSupported);
        }
        if starts_with_ignore_case(media_type, b"application/cloudevents") {
            return Ok(Some(DeliveryFormat::CloudEventStructured));
        }
    }
    // One walk over the names (a request has a handful) costs less than hashing four.
    if headers
        .keys()
        .any(|name| name.as_str().starts_with("ce-") && REQUIRED_HEADERS.contains(name))
    {
        Ok(Some(DeliveryFormat::CloudEventBinary))
    } else {
        Ok(None)
    }
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Reads the attributes of a binary-mode CloudEvent from the request headers (HTTP binding
/// §3.1). The body, untouched, is the event's data.
///
/// - Every `ce-<name>` header is the attribute `<name>` (header names are case-insensitive;
///   [`http::HeaderMap`] already lower-cases them): `ce-id`, `ce-source`, `ce-specversion`,
///   `ce-type` are required, `ce-time`, `ce-subject`, `ce-dataschema` optional, and any other
///   one is an extension ([`CloudEventAttributes::extensions`], e.g. `topic` from `ce-topic`).
/// - Each value is decoded as the binding says: surrounding spaces and tabs trimmed, an RFC 7230
///   quoted-string (`"..."`) unquoted with its backslash escapes resolved, then
///   percent-decoded exactly **once** (`%2F` → `/`, `%252F` → `%2F`; upper- or lower-case hex;
///   unnecessary encoding accepted), and the result must be UTF-8. The raw header bytes are
///   decoded, so values with non-ASCII bytes are read too when they are UTF-8.
/// - The required attributes must be non-empty and `specversion` must be `1.0`; `time` must be
///   RFC 3339 and is converted to UTC; `source` and `dataschema` are kept as opaque strings.
/// - `datacontenttype` is the `Content-Type` header, as sent. A `ce-datacontenttype` header is
///   used only when there is no `Content-Type`; both together are an error.
///
/// # Errors
/// - [`CloudEventError::MissingAttribute`] when a required attribute is absent or empty
///   (`specversion` is checked first);
/// - [`CloudEventError::UnsupportedSpecVersion`] when `ce-specversion` is not `1.0`;
/// - [`CloudEventError::InvalidTime`] when `ce-time` is not RFC 3339;
/// - [`CloudEventError::InvalidHeaderEncoding`] when a value is a malformed quoted-string, has
///   a `%` not followed by two hex digits, or is not UTF-8 once decoded (e.g. the overlong
///   `%C0%AF`, or `%FF`); also a `Content-Type` that is not UTF-8;
/// - [`CloudEventError::DuplicateHeader`] when a `ce-*` (or the `Content-Type`) header is
///   repeated;
/// - [`CloudEventError::DataContentTypeConflict`] when both `ce-datacontenttype` and
///   `Content-Type` are present.
///
/// ```
/// use gcp_events_core::cloudevents::from_binary;
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("ce-id", HeaderValue::from_static("projects/p/logs/cloudaudit.googleapis.com%2Factivity-1"));
/// headers.insert("ce-source", HeaderValue::from_static("//storage.googleapis.com/projects/_/buckets/my-bucket"));
/// headers.insert("ce-specversion", HeaderValue::from_static("1.0"));
/// headers.insert("ce-type", HeaderValue::from_static("google.cloud.storage.object.v1.finalized"));
/// headers.insert("ce-subject", HeaderValue::from_static("\"objects/caf%C3%A9 menu.txt\""));
/// headers.insert("ce-bucket", HeaderValue::from_static("my-bucket"));
///
/// let attributes = from_binary(&headers)?;
/// assert_eq!(attributes.id, "projects/p/logs/cloudaudit.googleapis.com/activity-1");
/// assert_eq!(attributes.storage_bucket(), Some("my-bucket"));
/// assert_eq!(attributes.storage_object(), Some("café menu.txt"));
/// assert_eq!(attributes.extensions["bucket"], "my-bucket");
/// assert_eq!(attributes.datacontenttype, None);
/// # Ok::<(), gcp_events_core::cloudevents::CloudEventError>(())
/// ```
pub fn from_binary(headers: &http::HeaderMap) -> Result<CloudEventAttributes, CloudEventError> {
    binary::from_binary(headers)
}

/// Parses a structured-mode CloudEvent: the body is one JSON object in the JSON event format
/// (HTTP binding §3.2).
///
/// - `id`, `source`, `specversion` (`"1.0"`) and `type` are required non-empty JSON strings;
///   `time`, `subject`, `dataschema`, `datacontenttype` are optional JSON strings (`time` must
///   be RFC 3339 and is converted to UTC). A `null` attribute counts as absent.
/// - Any other member is an extension: a string is kept as is, a number or a boolean as its
///   JSON text (`42` → `"42"`, `1e3` → `"1e3"`, `true` → `"true"`).
/// - The data is the `data` member's JSON text exactly as sent ([`StructuredData::Json`]), or
///   the bytes decoded from `data_base64` (standard base64, padding optional;
///   [`StructuredData::Binary`]), or [`StructuredData::None`].
/// - When a member is repeated, the last one counts.
///
/// Binary-mode `ce-*` headers that may come along are not looked at.
///
/// # Errors
/// - [`CloudEventError::InvalidJson`] when the body is not valid JSON or not an object, or
///   when `data` nests arrays and objects more than [`MAX_DEPTH`](crate::MAX_DEPTH) levels
///   deep (the limit of every payload);
/// - [`CloudEventError::MissingAttribute`], [`CloudEventError::UnsupportedSpecVersion`],
///   [`CloudEventError::InvalidTime`] as for [`from_binary`];
/// - [`CloudEventError::InvalidAttribute`] when a context attribute is not a string, or an
///   extension is an object or an array;
/// - [`CloudEventError::BothDataAndDataBase64`] when both `data` and `data_base64` are present
///   (and not `null`);
/// - [`CloudEventError::InvalidDataBase64`] when `data_base64` is not a string of standard
///   base64.
///
/// ```
/// use gcp_events_core::cloudevents::{from_structured, StructuredData};
///
/// let body = br#"{
///     "specversion": "1.0", "id": "1234567", "type": "google.cloud.storage.object.v1.finalized",
///     "source": "//storage.googleapis.com/projects/_/buckets/sample-bucket",
///     "subject": "objects/MyFile", "time": "2021-11-25T21:04:32.279744Z",
///     "datacontenttype": "application/json",
///     "data": {"bucket": "sample-bucket", "name": "MyFile", "size": 123456789012345678901234567890}
/// }"#;
/// let (attributes, data) = from_structured(body)?;
/// assert_eq!(attributes.storage_bucket(), Some("sample-bucket"));
/// assert_eq!(attributes.reference(), "objects/MyFile");
/// assert_eq!(
///     data,
///     StructuredData::Json(r#"{"bucket": "sample-bucket", "name": "MyFile", "size": 123456789012345678901234567890}"#.into())
/// );
/// # Ok::<(), gcp_events_core::cloudevents::CloudEventError>(())
/// ```
pub fn from_structured(
    body: &[u8],
) -> Result<(CloudEventAttributes, StructuredData), CloudEventError> {
    structured::from_structured(body)
}

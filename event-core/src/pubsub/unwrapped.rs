//! Unwrapped push ("payload unwrapping", `NoWrapper`): the body is the message data itself and,
//! with write-metadata, the metadata and attributes arrive as headers.

use std::collections::BTreeMap;

use bytes::Bytes;

use super::error::DecodeError;
use super::message::DecodedMessage;
use super::wire;

/// Header with the full subscription name (write-metadata).
pub(crate) const SUBSCRIPTION_HEADER: &str = "x-goog-pubsub-subscription-name";
/// Header with the message id (write-metadata); its presence marks an unwrapped push.
pub(crate) const MESSAGE_ID_HEADER: &str = "x-goog-pubsub-message-id";
/// Header with the publish time, RFC 3339 (write-metadata).
pub(crate) const PUBLISH_TIME_HEADER: &str = "x-goog-pubsub-publish-time";
/// Header with the ordering key, when the message has one (write-metadata).
pub(crate) const ORDERING_KEY_HEADER: &str = "x-goog-pubsub-ordering-key";

/// Headers that belong to the transport (or carry credentials), never to the message: even
/// [`AttributeHeaders::AllExceptTransport`] does not read them as attributes.
const TRANSPORT_HEADERS: &[&str] = &[
    "accept",
    "cookie",
    "set-cookie",
    "x-api-key",
    "x-serverless-authorization",
    "accept-encoding",
    "authorization",
    "cache-control",
    "connection",
    "content-length",
    "expect",
    "forwarded",
    "from",
    "host",
    "keep-alive",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "via",
    "x-cloud-trace-context",
];

/// Prefixes of infrastructure headers (load balancers, proxies, Google front ends), also never
/// read as attributes; `x-goog-pubsub-` holds the metadata itself.
const TRANSPORT_HEADER_PREFIXES: &[&str] = &[
    "x-goog-",
    "x-google-",
    "x-forwarded-",
    "x-envoy-",
    "x-cloud-",
    "x-real-ip",
    "ce-",
];

/// Which request headers an unwrapped push's attributes are read from.
///
/// With write-metadata Pub/Sub sends each attribute as its own header, indistinguishable from
/// headers that proxies, load balancers or clients add — some of which carry credentials. So
/// nothing is read as an attribute unless configured.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AttributeHeaders {
    /// No header becomes an attribute (the default): attributes are empty.
    #[default]
    None,
    /// Exactly these header names (compared case-insensitively) become attributes, under their
    /// lower-case names.
    Only(Vec<String>),
    /// Every header except transport and credential headers (`authorization`, `cookie`,
    /// `user-agent`, `host`, `traceparent`, `x-forwarded-*`, `x-goog-*`, `x-cloud-*`, `ce-*`,
    /// …). Anything else a proxy adds then shows up as an attribute.
    AllExceptTransport,
}

impl AttributeHeaders {
    /// Exactly these header names.
    pub fn only<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::Only(
            names
                .into_iter()
                .map(|n| n.into().to_ascii_lowercase())
                .collect(),
        )
    }

    fn includes(&self, name: &str) -> bool {
        match self {
            Self::None => false,
            Self::Only(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
            Self::AllExceptTransport => !is_transport_header(name),
        }
    }
}

/// Whether the request carries an unwrapped push's metadata (an `x-goog-pubsub-message-id`
/// or `x-goog-pubsub-subscription-name` header).
pub(crate) fn is_unwrapped_push(headers: &http::HeaderMap) -> bool {
    // Names made once, not parsed from text on every request.
    const ID: http::HeaderName = http::HeaderName::from_static(MESSAGE_ID_HEADER);
    const SUBSCRIPTION: http::HeaderName = http::HeaderName::from_static(SUBSCRIPTION_HEADER);
    headers.contains_key(ID) || headers.contains_key(SUBSCRIPTION)
}

/// Whether a header is transport, not a message attribute.
fn is_transport_header(name: &str) -> bool {
    TRANSPORT_HEADERS.contains(&name)
        || TRANSPORT_HEADER_PREFIXES
            .iter()
            .any(|p| name.starts_with(p))
}

fn text(headers: &http::HeaderMap, name: &str) -> Result<Option<String>, DecodeError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let mut out = std::str::from_utf8(first.as_bytes())
        .map_err(|_| DecodeError::InvalidHeader {
            name: name.to_owned(),
        })?
        .to_owned();
    for more in values {
        out.push_str(", ");
        out.push_str(std::str::from_utf8(more.as_bytes()).map_err(|_| {
            DecodeError::InvalidHeader {
                name: name.to_owned(),
            }
        })?);
    }
    Ok(Some(out))
}

/// Decodes an unwrapped push into the same [`DecodedMessage`] a wrapped push gives.
///
/// - `data` is the body, as is.
/// - With write-metadata: `subscription` from `x-goog-pubsub-subscription-name`, `message_id`
///   from `x-goog-pubsub-message-id`, `publish_time` from `x-goog-pubsub-publish-time`
///   (RFC 3339), `ordering_key` from `x-goog-pubsub-ordering-key`. Without it they are empty /
///   `None` — nothing in the request can tell them.
/// - `attributes`: each attribute arrives as its own header; which headers count is up to
///   `attribute_headers` (none by default, see [`AttributeHeaders`]). Metadata headers
///   (`x-goog-pubsub-*`) never do.
///   **HTTP folds header names to lower case**, so an attribute published as `Origin` arrives
///   as `origin`; names that are not valid HTTP header names cannot arrive at all; a header
///   repeated by a proxy is joined with `", "`. `Content-Type` is an attribute when the
///   publisher set one (Pub/Sub writes none of its own). Publishers who need exact attribute
///   names should keep them lower-case.
/// - `delivery_attempt` is `None`: Pub/Sub writes no header for it.
///
/// ```
/// use gcp_events_core::pubsub::{decode_unwrapped, AttributeHeaders};
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-goog-pubsub-message-id", "42".parse()?);
/// headers.insert("x-goog-pubsub-subscription-name", "projects/p/subscriptions/s".parse()?);
/// headers.insert("x-goog-pubsub-publish-time", "2021-02-26T19:13:55.749Z".parse()?);
/// headers.insert("origin", "web".parse()?);
/// headers.insert("user-agent", "CloudPubSub-Google".parse()?);
/// let attributes = AttributeHeaders::only(["origin"]);
/// let message = decode_unwrapped(&headers, bytes::Bytes::from_static(b"hello"), &attributes)?;
/// assert_eq!(message.data.as_ref(), b"hello");
/// assert_eq!(message.message_id.as_deref(), Some("42"));
/// assert_eq!(message.subscription, "projects/p/subscriptions/s");
/// assert_eq!(message.attributes.get("origin").map(String::as_str), Some("web"));
/// assert!(!message.attributes.contains_key("user-agent"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_unwrapped(
    headers: &http::HeaderMap,
    body: Bytes,
    attribute_headers: &AttributeHeaders,
) -> Result<DecodedMessage, DecodeError> {
    let publish_time =
        match text(headers, PUBLISH_TIME_HEADER)? {
            Some(t) => Some(wire::parse_timestamp(&t).map_err(|reason| {
                DecodeError::InvalidPublishTime {
                    field: PUBLISH_TIME_HEADER,
                    value: t.clone(),
                    reason,
                }
            })?),
            None => None,
        };
    let mut attributes = BTreeMap::new();
    for name in headers.keys() {
        let name = name.as_str();
        if name.starts_with("x-goog-pubsub-") || !attribute_headers.includes(name) {
            continue;
        }
        if let Some(value) = text(headers, name)? {
            attributes.insert(name.to_owned(), value);
        }
    }
    Ok(DecodedMessage {
        data: body,
        attributes,
        message_id: text(headers, MESSAGE_ID_HEADER)?,
        ordering_key: text(headers, ORDERING_KEY_HEADER)?.filter(|k| !k.is_empty()),
        publish_time,
        subscription: text(headers, SUBSCRIPTION_HEADER)?.unwrap_or_default(),
        delivery_attempt: None,
        topic: None,
    })
}

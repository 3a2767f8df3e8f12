//! Why a request was refused (crate-private: every refusal becomes a response), and why a
//! configuration was refused (public).

use http::StatusCode;

use crate::auth::{AuthConfigError, AuthError};
use crate::cloudevents::CloudEventError;

/// The boxed error type handlers and bodies report.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why the events endpoint refused a request.
///
/// Each variant knows its HTTP status ([`RequestError::status`]) and the short public text
/// put in the response body ([`RequestError::public_message`]). The `Display` text may hold
/// internal detail (parser messages, handler error text): it goes to logs, and to the response's
/// `detail` field only in debug mode.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RequestError {
    /// No event route matches the path: missing or extra segments, an empty segment, `.`/`..`.
    #[error("no event route matches this path")]
    NotFound,
    /// A method other than POST on an event route.
    #[error("method {0} is not allowed; use POST")]
    MethodNotAllowed(http::Method),
    /// Path plus query longer than the configured bound.
    #[error("request URI is longer than the limit of {limit} bytes")]
    UriTooLong {
        /// The configured bound in bytes.
        limit: usize,
    },
    /// No `Host` where one is required, more than one, or an invalid one (RFC 9112 §3.2).
    #[error("the request needs exactly one valid Host header")]
    InvalidHost,
    /// A path segment is not valid UTF-8 once percent-decoded.
    #[error("a path segment is not valid UTF-8 once percent-decoded")]
    InvalidPathEncoding,
    /// The query string is not valid UTF-8 once percent-decoded.
    #[error("the query string is not valid UTF-8 once percent-decoded")]
    InvalidQueryEncoding,
    /// The body is over the limit, declared or while read.
    #[error("request body exceeds the limit of {limit} bytes")]
    PayloadTooLarge {
        /// The configured body limit in bytes.
        limit: usize,
    },
    /// The body could not be read to its end (connection lost, truncated body).
    #[error("request body could not be read completely: {0}")]
    BodyRead(String),
    /// The body is empty or only white space.
    #[error("request body is empty; expected a JSON document")]
    EmptyBody,
    /// The body is not one valid JSON document, or nests deeper than the bound.
    #[error("request body is not valid JSON: {0}")]
    InvalidJson(String),
    /// No registered handler's filter matches this kind, so nothing could handle it.
    #[error("no handler is registered for events of kind {kind:?}")]
    NoHandler {
        /// The event kind from the path.
        kind: String,
    },
    /// A CloudEvent whose attributes or structure break the HTTP binding: 400; a
    /// batch (`application/cloudevents-batch+json`), refused whole and never half-parsed: 415.
    #[error("invalid CloudEvent: {0}")]
    InvalidCloudEvent(CloudEventError),
    /// The CloudEvents path received something that is not a CloudEvent: 400.
    #[error("expected a CloudEvent (ce-* headers, or Content-Type application/cloudevents+json)")]
    NotACloudEvent,
    /// An unwrapped push whose metadata headers cannot be read: 400.
    #[error("invalid unwrapped push: {0}")]
    InvalidUnwrappedPush(crate::pubsub::DecodeError),
    /// A Cloud Tasks or Cloud Scheduler header that cannot be read: 400, naming the header.
    #[error("{0}")]
    InvalidSourceHeader(crate::tasks::HeaderError),
    /// The request failed authentication: 401, 403 or 503.
    #[error("authentication failed: {0}")]
    Unauthenticated(AuthError),
    /// `max_in_flight` events are being handled: 503 with `Retry-After`, before the body is
    /// read.
    #[error("overloaded: {limit} events in flight")]
    Overloaded {
        /// The configured bound.
        limit: usize,
    },
    /// The idempotency store could not claim the delivery and the policy is to refuse: 503
    /// with `Retry-After`.
    /// It holds the store's error, boxed: the store contract (`idempotency`) builds on this
    /// module, not the other way round.
    #[error("{0}")]
    StoreUnavailable(BoxError),
    /// The same delivery is being handled now (here or on another instance): 409 with
    /// `Retry-After`, so Pub/Sub retries later.
    #[error("delivery of kind {kind:?} with reference {reference:?} is already being handled")]
    InProgress {
        /// The event kind.
        kind: String,
        /// The event reference.
        reference: String,
    },
    /// The handlers did not finish within the handler timeout: 504; their future is dropped
    ///.
    #[error(
        "handlers for kind {kind:?} with reference {reference:?} did not finish in {timeout:?}"
    )]
    TimedOut {
        /// The event kind.
        kind: String,
        /// The event reference.
        reference: String,
        /// The configured timeout.
        timeout: std::time::Duration,
    },
    /// A handler returned an error or panicked.
    #[error("handler failed for event of kind {kind:?} with reference {reference:?}: {detail}")]
    HandlerFailed {
        /// The event kind.
        kind: String,
        /// The event reference.
        reference: String,
        /// The handler's error text or panic message (logged; returned only in debug mode).
        detail: String,
    },
}

impl RequestError {
    /// The HTTP status this refusal answers with. `failure_status` is the endpoint's configured
    /// status for handler failures; every other variant has a fixed status.
    pub(crate) fn status(&self, failure_status: StatusCode) -> StatusCode {
        match self {
            Self::NotFound | Self::NoHandler { .. } => StatusCode::NOT_FOUND,
            Self::InvalidCloudEvent(CloudEventError::BatchNotSupported) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidPathEncoding
            | Self::InvalidHost
            | Self::InvalidQueryEncoding
            | Self::BodyRead(_)
            | Self::EmptyBody
            | Self::InvalidJson(_)
            | Self::InvalidCloudEvent(_)
            | Self::NotACloudEvent
            | Self::InvalidUnwrappedPush(_)
            | Self::InvalidSourceHeader(_) => StatusCode::BAD_REQUEST,
            Self::HandlerFailed { .. } => failure_status,
            Self::Overloaded { .. } | Self::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::InProgress { .. } => StatusCode::CONFLICT,
            Self::TimedOut { .. } => StatusCode::GATEWAY_TIMEOUT,
            Self::Unauthenticated(e) => e.status(),
        }
    }

    /// The text put in the response's `error` field: short, stable, and free of internals.
    pub(crate) fn public_message(&self) -> String {
        match self {
            Self::NotFound => "Not found".to_owned(),
            Self::MethodNotAllowed(_) => "Method not allowed".to_owned(),
            Self::UriTooLong { .. } => "Request URI too long".to_owned(),
            Self::InvalidPathEncoding => "Invalid percent-encoding in path".to_owned(),
            Self::InvalidHost => "Exactly one valid Host header is required".to_owned(),
            Self::InvalidQueryEncoding => "Invalid percent-encoding in query string".to_owned(),
            Self::PayloadTooLarge { .. } => "Request body too large".to_owned(),
            Self::BodyRead(_) => "Request body could not be read".to_owned(),
            Self::EmptyBody => "Request body is empty".to_owned(),
            Self::InvalidJson(_) => "Request body is not valid JSON".to_owned(),
            Self::InvalidCloudEvent(CloudEventError::BatchNotSupported) => {
                "Batched CloudEvents are not supported; send one event per request".to_owned()
            }
            // The binding errors name attributes, never their values.
            Self::InvalidCloudEvent(e) => format!("Invalid CloudEvent: {e}"),
            Self::NotACloudEvent => "Expected a CloudEvent".to_owned(),
            Self::InvalidUnwrappedPush(_) => "Invalid Pub/Sub push metadata".to_owned(),
            // The header's name, never its value.
            Self::InvalidSourceHeader(e) => format!("Invalid {} header", e.0),
            Self::Unauthenticated(e) => match e.status() {
                StatusCode::FORBIDDEN => "Forbidden".to_owned(),
                StatusCode::SERVICE_UNAVAILABLE => "Service unavailable".to_owned(),
                _ => "Unauthorized".to_owned(),
            },
            Self::NoHandler { kind } => format!("No handler for events of kind {kind}"),
            Self::HandlerFailed {
                kind, reference, ..
            } => format!("Unable to handle event of kind {kind} with reference {reference}"),
            Self::Overloaded { .. } => "Too many events in flight; retry later".to_owned(),
            Self::StoreUnavailable(_) => "Service unavailable".to_owned(),
            Self::InProgress { kind, reference } => format!(
                "Event of kind {kind} with reference {reference} is already being handled; retry later"
            ),
            Self::TimedOut {
                kind, reference, ..
            } => format!("Timed out handling event of kind {kind} with reference {reference}"),
        }
    }

    /// Internal detail worth showing in debug mode, if any.
    pub(crate) fn detail(&self) -> Option<String> {
        match self {
            Self::BodyRead(d) | Self::InvalidJson(d) => Some(d.clone()),
            Self::HandlerFailed { detail, .. } => Some(detail.clone()),
            Self::Unauthenticated(e) => Some(e.reason().to_owned()),
            Self::InvalidUnwrappedPush(e) => Some(e.to_string()),
            Self::StoreUnavailable(e) => Some(e.to_string()),
            _ => None,
        }
    }
}

/// A configuration mistake found by [`EventServiceBuilder::build`](crate::EventServiceBuilder::build).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The prefix is not a plain path (`/a/b`): it holds a character that would need
    /// percent-encoding in a URL path (`?`, `#`, `%`, space, non-ASCII…), a `.`/`..` segment,
    /// or a segment starting with `:` or `*` (routers read those as parameters).
    #[error(
        "invalid prefix {0:?}: use a plain path such as \"/gcp-events\" (no '?', '#', '%', spaces)"
    )]
    InvalidPrefix(String),
    /// The CloudEvents path is the events path or below it, where every path is an event route.
    #[error("invalid CloudEvents path {0:?}: it must lie outside the events path")]
    CloudEventsPathInsideEventsPath(String),
    /// The failure status would acknowledge failed events (it must be 4xx or 5xx).
    #[error("invalid failure status {0}: it must be a 4xx or 5xx status so Pub/Sub redelivers")]
    InvalidFailureStatus(u16),
    /// An authentication setting is missing or contradictory.
    #[error("authentication: {0}")]
    Auth(#[from] AuthConfigError),
    /// No authentication was chosen: secure by default, the service needs an OIDC
    /// configuration, a signed-URL key, or an explicit `allow_unauthenticated()`.
    #[error(
        "no authentication configured: call .oidc(..), .signed_urls(..), or, to accept unauthenticated requests knowingly, .allow_unauthenticated()"
    )]
    NoAuthentication,
    /// `body_limit(0)`: no request could ever be accepted.
    #[error("invalid body_limit: it must be greater than zero")]
    ZeroBodyLimit,
    /// `max_in_flight(0)`: no request could ever be accepted.
    #[error("invalid max_in_flight: it must be greater than zero")]
    ZeroMaxInFlight,
    /// `handler_timeout(0)`: every handler would time out.
    #[error("invalid handler_timeout: it must be greater than zero")]
    ZeroHandlerTimeout,
    /// An idempotency lease shorter than the handler timeout + 1 s (or than 2 s without a
    /// timeout): a claim could expire while its holder is still handling or settling, letting
    /// a duplicate run alongside.
    #[error("the idempotency lease ({lease:?}) must be at least the handler timeout ({timeout:?}) plus 1 s, and at least 2 s")]
    LeaseShorterThanTimeout {
        /// The lease.
        lease: std::time::Duration,
        /// The handler timeout.
        timeout: std::time::Duration,
    },
    /// `max_uri_length(0)`: no request could ever be accepted.
    #[error("invalid max_uri_length: it must be greater than zero")]
    ZeroMaxUriLength,
    /// Transactional handlers were added (feature `postgres`) but no inbox to run them in.
    #[error("transactional handlers need an inbox: call `inbox(PgInbox)` on the builder")]
    TransactionalWithoutInbox,
}

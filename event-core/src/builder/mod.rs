//! [`EventServiceBuilder`]: every setting of an [`EventService`], checked once by `build`.

#[cfg(feature = "postgres")]
mod inbox;
mod sources;

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::auth::signed_url::UrlSigningKey;
use crate::auth::{AuthConfigError, Clock, OidcConfig, SystemClock};
use crate::config::Inner;
use crate::error::ConfigError;
use crate::event_url::DEFAULT_PREFIX;
use crate::handler::{EventHandler, KindFilter, Route};
use crate::idempotency::{
    deadline_within, Idempotency, DEFAULT_LEASE, LEASE_MARGIN, MAX_TIME, MIN_SETTLE_TIME,
};
use crate::pubsub::AttributeHeaders;
use crate::route;
use crate::service::EventService;
use crate::tasks::SourceTrust;
use tokio::sync::Semaphore;

/// Default body limit: 16 MiB. A 10 MB Pub/Sub message is about 13.4 MB once base64-encoded
/// in a push envelope.
pub(crate) const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Default bound on the request target (path and query), in bytes.
pub(crate) const DEFAULT_MAX_URI_LENGTH: usize = 8 * 1024;

impl EventService {
    /// Starts configuring a service (prefix `/gcp-events`, 16 MiB body limit, failure status
    /// 400); see [`EventServiceBuilder`].
    pub fn builder() -> EventServiceBuilder {
        EventServiceBuilder::new()
    }
}

/// Configures an [`EventService`] (see [`EventService::builder`]).
pub struct EventServiceBuilder {
    prefix: String,
    pub(crate) routes: Vec<(KindFilter, Route)>,
    body_limit: usize,
    max_uri_length: usize,
    failure_status: StatusCode,
    debug: bool,
    oidc: Option<OidcConfig>,
    url_keys: Vec<UrlSigningKey>,
    allow_unauthenticated: bool,
    clock: Arc<dyn Clock>,
    cloud_events_path: Option<String>,
    unwrapped_push: bool,
    attribute_headers: AttributeHeaders,
    sources: SourceTrust,
    handler_timeout: Option<Duration>,
    max_in_flight: Option<usize>,
    idempotency: Option<Idempotency>,
    metrics_labels: Vec<(String, String)>,
    #[cfg(feature = "postgres")]
    pub(crate) inbox: Option<crate::inbox::PgInbox>,
}

impl std::fmt::Debug for EventServiceBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventServiceBuilder")
            .field("prefix", &self.prefix)
            .field("handlers", &self.routes.len())
            .finish_non_exhaustive()
    }
}

impl EventServiceBuilder {
    pub(crate) fn new() -> Self {
        Self {
            prefix: DEFAULT_PREFIX.to_owned(),
            routes: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            max_uri_length: DEFAULT_MAX_URI_LENGTH,
            failure_status: StatusCode::BAD_REQUEST,
            debug: false,
            oidc: None,
            url_keys: Vec::new(),
            allow_unauthenticated: false,
            clock: Arc::new(SystemClock),
            cloud_events_path: None,
            unwrapped_push: false,
            attribute_headers: AttributeHeaders::None,
            sources: SourceTrust::default(),
            handler_timeout: None,
            max_in_flight: None,
            idempotency: None,
            metrics_labels: Vec::new(),
            #[cfg(feature = "postgres")]
            inbox: None,
        }
    }

    /// Where the endpoint lives: events arrive at `{prefix}/events/{kind}/{reference}`.
    /// Default `/gcp-events`; `""` or `"/"` mounts at the root. Leading, trailing and repeated
    /// slashes are normalised, exactly as [`event_url`](crate::event_url) normalises them.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Adds a handler for every event kind. Handlers run in the order they are added.
    pub fn handler(self, handler: impl EventHandler) -> Self {
        self.handler_for(KindFilter::Any, handler)
    }

    /// Adds a handler for events of exactly this kind.
    pub fn kind_handler(self, kind: impl Into<String>, handler: impl EventHandler) -> Self {
        self.handler_for(KindFilter::Kind(kind.into()), handler)
    }

    /// Adds a handler for every kind starting with `prefix`.
    pub fn kind_prefix_handler(
        self,
        prefix: impl Into<String>,
        handler: impl EventHandler,
    ) -> Self {
        self.handler_for(KindFilter::Prefix(prefix.into()), handler)
    }

    fn handler_for(mut self, filter: KindFilter, handler: impl EventHandler) -> Self {
        self.routes.push((filter, Route::Plain(Arc::new(handler))));
        self
    }

    /// The most body bytes accepted (default 16 MiB: a 10 MB Pub/Sub message is about 13.4 MB once base64-encoded); more answers 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The longest request target (path and query) accepted (default
    /// 8 KiB); longer answers 414.
    pub fn max_uri_length(mut self, bytes: usize) -> Self {
        self.max_uri_length = bytes;
        self
    }

    /// The status answered when a handler fails (default 400, as django-gcp; 500 suits
    /// Eventarc Advanced, which retries only 408/409/429/5xx). Must be 4xx or 5xx.
    pub fn failure_status(mut self, status: StatusCode) -> Self {
        self.failure_status = status;
        self
    }

    /// Debug mode: error responses gain a `detail` field with the internal reason (a handler's
    /// error text, the JSON parser's message). Off by default; never enable it in production.
    pub fn debug(mut self, on: bool) -> Self {
        self.debug = on;
        self
    }

    /// Authenticates every request with a Google-signed OIDC token (Pub/Sub authenticated
    /// push, Eventarc): see [`crate::auth`]. Combined with [`signed_urls`](Self::signed_urls),
    /// both must pass on the event routes; at the CloudEvents path
    /// ([`cloud_events_path`](Self::cloud_events_path)), which has no kind in its URL, OIDC
    /// alone.
    pub fn oidc(mut self, config: OidcConfig) -> Self {
        self.oidc = Some(config);
        self
    }

    /// Requires a valid signed-URL token made with this key; call again to accept
    /// more keys (rotation). The token is checked in constant time against the service's
    /// [`clock`](Self::clock), then removed from the parameters handlers see. See
    /// [`crate::auth::signed_url`].
    pub fn signed_urls(mut self, key: UrlSigningKey) -> Self {
        self.url_keys.push(key);
        self
    }

    /// Accepts requests without any authentication. Anyone who can reach the endpoint can
    /// then inject events; building logs a warning. Only for local development, or behind
    /// something that authenticates for you (and then prefer
    /// [`OidcMode::TrustCloudRunIam`](crate::auth::OidcMode::TrustCloudRunIam)).
    pub fn allow_unauthenticated(mut self) -> Self {
        self.allow_unauthenticated = true;
        self
    }

    /// The time source for every time check: signed-URL expiry, and OIDC token times and key
    /// cache unless [`OidcConfig::clock`] chose another (default: the system clock). Inject a
    /// fixed clock in tests.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Accepts CloudEvents at exactly this path (Eventarc posts to `/` unless the trigger names
    /// a path): the event's kind is the CloudEvent `type` (e.g.
    /// `google.cloud.storage.object.v1.finalized`) and its reference the `subject`, or the `id`
    /// when there is no subject, so the same handlers and filters serve push and Eventarc.
    /// Anything that is not a CloudEvent there answers 400. CloudEvents posted to the usual
    /// `{prefix}/events/{kind}/{reference}` URLs are accepted too, named by their URL.
    ///
    /// This path needs OIDC (or `allow_unauthenticated`): a signed URL cannot name a kind there.
    pub fn cloud_events_path(mut self, path: impl Into<String>) -> Self {
        self.cloud_events_path = Some(path.into());
        self
    }

    /// The handler deadline: when the matching handlers have not all finished this
    /// long after dispatch began, the delivery is answered `504` at once (not acknowledged, so
    /// Pub/Sub redelivers) and the handlers' future is dropped.
    ///
    /// Set it below the subscription's ack deadline (10 s by default, 10–600 s): past that
    /// deadline Pub/Sub redelivers anyway, possibly to another instance while this one is still
    /// working, and nobody reads the answer. A few seconds of margin covers the time the body
    /// takes to arrive.
    ///
    /// Dropping the future cancels the handler at its current `.await`: code after it never
    /// runs, local values are dropped, and anything it spawned keeps running. Write handlers so
    /// that stopping at any `.await` leaves nothing half-done that a redelivery cannot repair
    /// (commit at the end, or make each step idempotent). Needs a Tokio runtime with its time
    /// driver (any `#[tokio::main]`). With [`idempotency`](Self::idempotency) and no timeout,
    /// the claim's lease sets one (see [`crate::idempotency`]).
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = Some(timeout);
        self
    }

    /// Load shedding: at most `n` events handled at once. One more is answered
    /// `503` with `Retry-After: 1` and `Connection: close` as soon as its head has passed the
    /// checks — before its body is read, nothing dispatched. A fast non-ack is the right answer
    /// to overload: Pub/Sub backs the whole subscription off (100 ms – 60 s) instead of queueing.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = Some(n);
        self
    }

    /// De-duplicates deliveries: each is claimed in `store` before dispatch, and
    /// a duplicate is acknowledged (when done) or answered `409` (while in progress) without
    /// running the handlers. See [`crate::idempotency`] for the keys, the answers and the
    /// store's failure policy. Takes a store ([`MemoryStore`](crate::idempotency::MemoryStore),
    /// `RedisStore`, your own) or [`Idempotency`] settings.
    pub fn idempotency(mut self, settings: impl Into<Idempotency>) -> Self {
        self.idempotency = Some(settings.into());
        self
    }

    /// A label put on every metric series of this service, e.g. `("service", "orders")` when
    /// one process runs several services (feature `metrics`; see [`EventService`] for the
    /// metrics). The value is yours, never the request's, so the series stay bounded.
    ///
    /// ```
    /// let service = gcp_events_core::EventService::builder()
    ///     .allow_unauthenticated()
    ///     .metrics_label("service", "orders")
    ///     .build()?;
    /// # Ok::<(), gcp_events_core::ConfigError>(())
    /// ```
    #[cfg(feature = "metrics")]
    pub fn metrics_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metrics_labels.push((key.into(), value.into()));
        self
    }

    /// Checks the configuration and builds the service.
    ///
    /// Secure by default: fails with [`ConfigError::NoAuthentication`] unless
    /// [`oidc`](Self::oidc), [`signed_urls`](Self::signed_urls) or
    /// [`allow_unauthenticated`](Self::allow_unauthenticated) was chosen.
    pub fn build(self) -> Result<EventService, ConfigError> {
        let authenticated = self.oidc.is_some() || !self.url_keys.is_empty();
        if !authenticated && !self.allow_unauthenticated {
            return Err(ConfigError::NoAuthentication);
        }
        if authenticated && self.allow_unauthenticated {
            return Err(AuthConfigError::Contradictory.into());
        }
        let prefix = route::normalise_prefix(&self.prefix)
            .map_err(|_| ConfigError::InvalidPrefix(self.prefix.clone()))?;
        if !(self.failure_status.is_client_error() || self.failure_status.is_server_error()) {
            return Err(ConfigError::InvalidFailureStatus(
                self.failure_status.as_u16(),
            ));
        }
        if self.body_limit == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        if self.max_uri_length == 0 {
            return Err(ConfigError::ZeroMaxUriLength);
        }
        if self.max_in_flight == Some(0) {
            return Err(ConfigError::ZeroMaxInFlight);
        }
        #[cfg(feature = "postgres")]
        self.check_inbox()?;
        if self.handler_timeout == Some(Duration::ZERO) {
            return Err(ConfigError::ZeroHandlerTimeout);
        }
        // Past a year a time is as good as forever, and stays clear of overflow everywhere.
        // (A timeout stops at half of that, so that a lease can always outlive it.)
        let mut handler_timeout = self.handler_timeout.map(|t| t.min(MAX_TIME / 2));
        #[cfg(feature = "postgres")]
        let inbox = inbox::bounded(self.inbox, &mut handler_timeout);
        let idempotency = match self.idempotency {
            Some(mut settings) => {
                settings.retention = settings.retention.min(MAX_TIME);
                let lease = settings
                    .lease
                    .unwrap_or(match handler_timeout {
                        Some(timeout) => timeout.saturating_add(LEASE_MARGIN),
                        None => DEFAULT_LEASE,
                    })
                    .min(MAX_TIME);
                match handler_timeout {
                    Some(timeout) if lease < timeout.saturating_add(MIN_SETTLE_TIME) => {
                        return Err(ConfigError::LeaseShorterThanTimeout { lease, timeout });
                    }
                    Some(_) => {}
                    // Handlers never outlive their claim: the lease sets their deadline.
                    None if lease < MIN_SETTLE_TIME * 2 => {
                        return Err(ConfigError::LeaseShorterThanTimeout {
                            lease,
                            timeout: Duration::ZERO,
                        });
                    }
                    None => handler_timeout = Some(deadline_within(lease)),
                }
                Some((settings, lease))
            }
            None => None,
        };
        let events_path = route::events_path(&prefix);
        let cloud_events_path = match &self.cloud_events_path {
            Some(path) => {
                if self.oidc.is_none() && !self.allow_unauthenticated {
                    return Err(AuthConfigError::CloudEventsPathNeedsOidc.into());
                }
                let normal = route::normalise_prefix(path)
                    .map_err(|_| ConfigError::InvalidPrefix(path.clone()))?;
                let normal = if normal.is_empty() {
                    "/".into()
                } else {
                    normal
                };
                if route::owns_path(&events_path, &normal) {
                    return Err(ConfigError::CloudEventsPathInsideEventsPath(path.clone()));
                }
                Some(normal)
            }
            None => None,
        };
        let clock = self.clock;
        let oidc = self
            .oidc
            .map(|config| config.or_clock(&clock).build())
            .transpose()?;
        if self.allow_unauthenticated {
            tracing::warn!(
                prefix = %prefix,
                "gcp-events endpoint accepts UNAUTHENTICATED requests: anyone who can reach it can inject events"
            );
        }
        Ok(EventService::from_inner(Inner {
            prefix,
            events_path,
            cloud_events_path,
            routes: self.routes,
            body_limit: self.body_limit,
            max_uri_length: self.max_uri_length,
            failure_status: self.failure_status,
            debug: self.debug,
            oidc,
            url_keys: self.url_keys,
            clock,
            unwrapped_push: self.unwrapped_push,
            attribute_headers: self.attribute_headers,
            sources: self.sources,
            handler_timeout,
            in_flight: self
                .max_in_flight
                .map(|n| (Arc::new(Semaphore::new(n.min(Semaphore::MAX_PERMITS))), n)),
            idempotency,
            meter: crate::meter::Meter::new(self.metrics_labels),
            #[cfg(feature = "postgres")]
            inbox,
        }))
    }
}

//! [`EventService`]: the one pipeline from `http::Request` to `http::Response`.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use tracing::Instrument;

use crate::auth::{AuthError, OidcConfig, OidcVerifier};
use crate::body;
use crate::dispatch::{self, Dispatch};
use crate::error::{BoxError, ConfigError, RequestError};
use crate::event::{Event, EventContext};
use crate::event_url::DEFAULT_PREFIX;
use crate::format;
use crate::handler::{EventHandler, KindFilter};
use crate::pubsub::AttributeHeaders;
use crate::respond;
use crate::route;
use crate::signed_url::{self, UrlSigningKey, SIGNATURE_PARAMETER};

/// Default body limit: 16 MiB. A 10 MB Pub/Sub message is about 13.4 MB once base64-encoded
/// in a push envelope (SPEC E9).
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Default bound on the request target (path and query), in bytes.
pub const DEFAULT_MAX_URI_LENGTH: usize = 8 * 1024;

/// The events endpoint: routes, reads, decodes and dispatches requests to handlers.
///
/// Build it once with [`EventService::builder`], mount it with an adapter crate
/// (`gcp-events-axum`, `gcp-events-warp`, `gcp-events-poem`), or call [`handle`](Self::handle)
/// yourself with any `http::Request` whose body implements [`http_body::Body`]. Cloning is cheap.
///
/// ```
/// use gcp_events_core::{handler_fn, EventService};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let service = EventService::builder()
///     .allow_unauthenticated() // for the example; see `auth` for OIDC and signed URLs
///     .handler(handler_fn(|event| async move {
///         println!("{}/{}: {}", event.kind(), event.reference(), event.payload().raw());
///         Ok(())
///     }))
///     .build()?;
///
/// let request = http::Request::post("/gcp-events/events/order-paid/17?tenant=acme")
///     .body(http_body_util::Full::new(bytes::Bytes::from(r#"{"amount": 12}"#)))?;
/// let response = service.handle(request).await;
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.body().as_ref(), b"{}");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct EventService {
    inner: Arc<Inner>,
}

struct Inner {
    prefix: String,
    root: String,
    routes: Vec<(KindFilter, Arc<dyn EventHandler>)>,
    body_limit: usize,
    max_uri_length: usize,
    failure_status: StatusCode,
    debug: bool,
    oidc: Option<OidcVerifier>,
    url_keys: Vec<UrlSigningKey>,
    ce_mount: Option<String>,
    unwrapped_push: bool,
    attribute_headers: AttributeHeaders,
}

impl std::fmt::Debug for EventService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventService")
            .field("prefix", &self.inner.prefix)
            .field(
                "filters",
                &self.inner.routes.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            )
            .field("body_limit", &self.inner.body_limit)
            .field("max_uri_length", &self.inner.max_uri_length)
            .field("failure_status", &self.inner.failure_status)
            .field("debug", &self.inner.debug)
            .field("oidc", &self.inner.oidc)
            .field("signed_url_keys", &self.inner.url_keys.len())
            .field("cloud_events_at", &self.inner.ce_mount)
            .field("unwrapped_push", &self.inner.unwrapped_push)
            .finish()
    }
}

impl EventService {
    /// Starts configuring a service (prefix `/gcp-events`, 16 MiB body limit, failure status 400).
    pub fn builder() -> EventServiceBuilder {
        EventServiceBuilder {
            prefix: DEFAULT_PREFIX.to_owned(),
            routes: Vec::new(),
            body_limit: DEFAULT_BODY_LIMIT,
            max_uri_length: DEFAULT_MAX_URI_LENGTH,
            failure_status: StatusCode::BAD_REQUEST,
            debug: false,
            oidc: None,
            url_keys: Vec::new(),
            allow_unauthenticated: false,
            ce_mount: None,
            unwrapped_push: false,
            attribute_headers: AttributeHeaders::None,
        }
    }

    /// The normalised prefix the service is mounted under (`""` for the root, else `/a/b`).
    pub fn prefix(&self) -> &str {
        &self.inner.prefix
    }

    /// The path under which all event routes live: `"{prefix}/events"`. Adapters send every
    /// request at or below it to [`handle`](Self::handle) (see [`owns_path`](Self::owns_path)).
    pub fn events_path(&self) -> &str {
        &self.inner.root
    }

    /// Whether the service answers for `path` (the events path itself or anything below it).
    /// Everything else belongs to the application's other routes.
    pub fn owns_path(&self, path: &str) -> bool {
        route::owns_path(&self.inner.root, path) || self.inner.ce_mount.as_deref() == Some(path)
    }

    /// The path of the CloudEvents mount, when one is configured (see
    /// [`EventServiceBuilder::cloud_events_at`]). Adapters route it to the service too.
    pub fn cloud_events_path(&self) -> Option<&str> {
        self.inner.ce_mount.as_deref()
    }

    /// The body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// Handles one request, start to finish; never panics and never fails: every outcome is a
    /// response (SPEC E1–E9).
    ///
    /// The head is checked before the body is touched (route, method, a handler for the kind,
    /// query, declared length), so an over-limit `Content-Length` is refused with 413 before
    /// any byte is read — and before hyper sends `100 Continue`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let span = tracing::info_span!(
            "gcp_event",
            kind = tracing::field::Empty,
            reference = tracing::field::Empty,
            message_id = tracing::field::Empty,
            status = tracing::field::Empty,
            outcome = tracing::field::Empty,
            latency_us = tracing::field::Empty,
        );
        let started = Instant::now();
        let (response, outcome) = self.pipeline(request, &span).instrument(span.clone()).await;
        let latency = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        span.record("status", response.status().as_u16());
        span.record("outcome", outcome);
        span.record("latency_us", latency);
        span.in_scope(|| {
            tracing::info!(
                status = response.status().as_u16(),
                outcome,
                latency_us = latency,
                "event request done"
            );
        });
        response
    }

    async fn pipeline<B>(
        &self,
        request: Request<B>,
        span: &tracing::Span,
    ) -> (Response<Bytes>, &'static str)
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let inner = &*self.inner;
        let reject = |err: RequestError| {
            tracing::info!(error = %err, "request refused");
            (
                respond::error(&err, inner.failure_status, inner.debug),
                "refused",
            )
        };
        let (parts, body) = request.into_parts();

        // Head first: nothing below reads the body until the request is known to be wanted.
        let path = parts.uri.path();
        let query = parts.uri.query().unwrap_or("");
        if path.len() + query.len() > inner.max_uri_length {
            return reject(RequestError::UriTooLong {
                limit: inner.max_uri_length,
            });
        }
        // The CloudEvents mount takes kind and reference from the event itself (C5).
        let at_mount = inner.ce_mount.as_deref() == Some(path);
        let named = if at_mount {
            None
        } else {
            match route::match_path(&inner.root, path) {
                Ok((kind, reference)) => {
                    span.record("kind", kind.as_str());
                    span.record("reference", reference.as_str());
                    Some((kind, reference))
                }
                Err(e) => return reject(e),
            }
        };
        if parts.method != Method::POST {
            return reject(RequestError::MethodNotAllowed(parts.method));
        }
        // Authentication before anything reveals which kinds are handled or reads the body.
        let claims = match &inner.oidc {
            Some(verifier) => match verifier.verify_headers(&parts.headers).await {
                Ok(claims) => Some(claims),
                Err(e) => return reject(RequestError::Unauthenticated(e)),
            },
            None => None,
        };
        let mut parameters = match route::parse_query(query) {
            Ok(p) => p,
            Err(e) => return reject(e),
        };
        if let (Some((kind, reference)), false) = (&named, inner.url_keys.is_empty()) {
            // The token is checked and then removed: handlers never see it (U3, A5).
            let token = parameters.remove(SIGNATURE_PARAMETER);
            if let Err(e) = signed_url::verify(
                &inner.url_keys,
                kind,
                reference,
                token.as_deref(),
                std::time::SystemTime::now(),
            ) {
                return reject(RequestError::Unauthenticated(AuthError::SignedUrl {
                    reason: e.reason(),
                }));
            }
        }
        let plan = match format::plan(&parts.headers, inner.unwrapped_push) {
            Ok(plan) => plan,
            Err(e) => return reject(e),
        };
        if at_mount && !plan.is_cloud_event() {
            return reject(RequestError::NotACloudEvent);
        }
        let handlers_for = |kind: &str| -> Vec<&dyn EventHandler> {
            inner
                .routes
                .iter()
                .filter(|(filter, _)| filter.matches(kind))
                .map(|(_, h)| &**h)
                .collect()
        };
        if let Some((kind, _)) = &named {
            if handlers_for(kind).is_empty() {
                return reject(RequestError::NoHandler { kind: kind.clone() });
            }
        }
        let declared = body::declared_length(&parts.headers);
        if declared.is_some_and(|len| len > inner.body_limit as u64) {
            return reject(RequestError::PayloadTooLarge {
                limit: inner.body_limit,
            });
        }

        let bytes = match body::read(body, inner.body_limit, declared).await {
            Ok(b) => b,
            Err(e) => return reject(e),
        };
        let delivered = match format::deliver(plan, &parts.headers, bytes, &inner.attribute_headers)
        {
            Ok(d) => d,
            Err(e) => return reject(e),
        };
        let (kind, reference) = match (named, &delivered.cloud_event) {
            (Some(kr), _) => kr,
            (None, Some(ce)) => {
                span.record("kind", ce.event_type.as_str());
                span.record("reference", ce.reference());
                (ce.event_type.clone(), ce.reference().to_owned())
            }
            (None, None) => return reject(RequestError::NotACloudEvent),
        };
        let handlers = handlers_for(&kind);
        if handlers.is_empty() {
            return reject(RequestError::NoHandler { kind });
        }

        let mut context = EventContext::default().with_format(delivered.format);
        if let Some(trace) = trace_header(&parts.headers) {
            context = context.with_trace(trace);
        }
        if let Some(claims) = claims {
            context = context.with_claims(claims);
        }
        if let Some(ce) = delivered.cloud_event {
            context = context.with_cloud_event(ce);
        }
        let mut event = Event::builder(kind, reference)
            .parameters(parameters)
            .payload(delivered.payload)
            .context(context);
        if let Some(message) = delivered.pubsub {
            event = event.pubsub_message(message);
        }
        let event = event.build();

        let dispatched = dispatch::run(handlers, &event).await;
        if !span.is_disabled() {
            // Only decode for the log line when something records it (the handler may already have).
            let message = match event.pubsub_if_decoded() {
                Some(m) => Some(m),
                None => event.pubsub().ok(),
            };
            if let Some(id) = message.and_then(|m| m.message_id.as_deref()) {
                span.record("message_id", id);
            }
        }
        match dispatched {
            Dispatch::Handled => (respond::handled(), "handled"),
            Dispatch::Discarded(reason) => {
                tracing::warn!(%reason, "handler discarded the event; acknowledging without retry");
                (respond::discarded(), "discarded")
            }
            Dispatch::Failed(detail) => {
                tracing::error!(error = %detail, "handler failed");
                let err = RequestError::HandlerFailed {
                    kind: event.kind().to_owned(),
                    reference: event.reference().to_owned(),
                    detail,
                };
                (
                    respond::error(&err, inner.failure_status, inner.debug),
                    "failed",
                )
            }
        }
    }
}

fn trace_header(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("traceparent")
        .or_else(|| headers.get("x-cloud-trace-context"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Configures an [`EventService`] (see [`EventService::builder`]).
pub struct EventServiceBuilder {
    prefix: String,
    routes: Vec<(KindFilter, Arc<dyn EventHandler>)>,
    body_limit: usize,
    max_uri_length: usize,
    failure_status: StatusCode,
    debug: bool,
    oidc: Option<OidcConfig>,
    url_keys: Vec<UrlSigningKey>,
    allow_unauthenticated: bool,
    ce_mount: Option<String>,
    unwrapped_push: bool,
    attribute_headers: AttributeHeaders,
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
    /// Where the endpoint lives: events arrive at `{prefix}/events/{kind}/{reference}`.
    /// Default `/gcp-events`; `""` or `"/"` mounts at the root. Leading and trailing slashes
    /// are normalised.
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

    /// Adds a handler with an explicit filter.
    pub fn handler_for(mut self, filter: KindFilter, handler: impl EventHandler) -> Self {
        self.routes.push((filter, Arc::new(handler)));
        self
    }

    /// The most body bytes accepted (default [`DEFAULT_BODY_LIMIT`]); more answers 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The longest request target (path and query) accepted (default
    /// [`DEFAULT_MAX_URI_LENGTH`]); longer answers 414.
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
    /// both must pass on the event routes; at the CloudEvents mount
    /// ([`cloud_events_at`](Self::cloud_events_at)), which has no kind in its URL, OIDC alone.
    pub fn oidc(mut self, config: OidcConfig) -> Self {
        self.oidc = Some(config);
        self
    }

    /// Requires a valid signed-URL token (SPEC U3) made with this key; call again to accept
    /// more keys (rotation). The token is checked in constant time, then removed from the
    /// parameters handlers see. See [`crate::signed_url`].
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

    /// Accepts CloudEvents at exactly this path (Eventarc posts to `/` unless the trigger names
    /// a path): the event's kind is the CloudEvent `type` (e.g.
    /// `google.cloud.storage.object.v1.finalized`) and its reference the `subject`, or the `id`
    /// when there is no subject, so the same handlers and filters serve push and Eventarc.
    /// Anything that is not a CloudEvent there answers 400. CloudEvents posted to the usual
    /// `{prefix}/events/{kind}/{reference}` URLs are accepted too, named by their URL.
    ///
    /// The mount needs OIDC (or `allow_unauthenticated`): a signed URL cannot name a kind there.
    pub fn cloud_events_at(mut self, path: impl Into<String>) -> Self {
        self.ce_mount = Some(path.into());
        self
    }

    /// Treats every request on the event routes as an unwrapped Pub/Sub push (payload
    /// unwrapping), even without metadata headers: the body is the message data. Without this,
    /// an unwrapped push is recognised by its `x-goog-pubsub-message-id` header (subscriptions
    /// with write-metadata); one without metadata cannot be told from a JSON post.
    pub fn unwrapped_push(mut self, on: bool) -> Self {
        self.unwrapped_push = on;
        self
    }

    /// Which headers of an unwrapped push become message attributes (default: none). Pub/Sub
    /// sends each attribute as its own header, but so do proxies and clients, some carrying
    /// credentials: name the attributes you publish
    /// (`AttributeHeaders::only(["origin"])`), or take everything but transport headers
    /// (`AttributeHeaders::AllExceptTransport`).
    pub fn unwrapped_attribute_headers(mut self, headers: AttributeHeaders) -> Self {
        self.attribute_headers = headers;
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
            return Err(ConfigError::Auth(
                "allow_unauthenticated() contradicts the oidc/signed_urls settings: choose one",
            ));
        }
        let prefix = normalise_prefix(&self.prefix)?;
        if !(self.failure_status.is_client_error() || self.failure_status.is_server_error()) {
            return Err(ConfigError::InvalidFailureStatus(
                self.failure_status.as_u16(),
            ));
        }
        if self.body_limit == 0 {
            return Err(ConfigError::ZeroLimit { name: "body_limit" });
        }
        if self.max_uri_length == 0 {
            return Err(ConfigError::ZeroLimit {
                name: "max_uri_length",
            });
        }
        let ce_mount = match self.ce_mount {
            Some(path) => {
                if self.oidc.is_none() && !self.allow_unauthenticated {
                    return Err(ConfigError::Auth(
                        "the CloudEvents mount needs .oidc(..) (Eventarc sends OIDC tokens): a signed URL cannot name a kind there",
                    ));
                }
                let normal = normalise_prefix(&path)?;
                let normal = if normal.is_empty() {
                    "/".to_owned()
                } else {
                    normal
                };
                if route::owns_path(&route::events_root(&prefix), &normal) {
                    return Err(ConfigError::InvalidPrefix(path));
                }
                Some(normal)
            }
            None => None,
        };
        let oidc = self.oidc.map(OidcConfig::build).transpose()?;
        if self.allow_unauthenticated {
            tracing::warn!(
                prefix = %prefix,
                "gcp-events endpoint accepts UNAUTHENTICATED requests: anyone who can reach it can inject events"
            );
        }
        Ok(EventService {
            inner: Arc::new(Inner {
                root: route::events_root(&prefix),
                prefix,
                routes: self.routes,
                body_limit: self.body_limit,
                max_uri_length: self.max_uri_length,
                failure_status: self.failure_status,
                debug: self.debug,
                oidc,
                url_keys: self.url_keys,
                ce_mount,
                unwrapped_push: self.unwrapped_push,
                attribute_headers: self.attribute_headers,
            }),
        })
    }
}

fn normalise_prefix(raw: &str) -> Result<String, ConfigError> {
    // Only characters that stand for themselves in a request path: the prefix is compared
    // with the raw (still percent-encoded) path, so anything needing encoding could never match.
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c);
    if !raw.chars().all(plain) {
        return Err(ConfigError::InvalidPrefix(raw.to_owned()));
    }
    let segments: Vec<&str> = raw.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == "." || *s == "..") {
        return Err(ConfigError::InvalidPrefix(raw.to_owned()));
    }
    Ok(segments.iter().map(|s| format!("/{s}")).collect())
}

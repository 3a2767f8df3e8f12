//! [`EventService`]: the one pipeline from `http::Request` to `http::Response`, also a
//! [`tower::Service`](tower_service::Service).

use std::sync::Arc;
use std::time::Instant;

use http::{Request, Response};
use http_body::Body;
use tracing::Instrument;

use crate::config::Inner;
use crate::error::BoxError;
use crate::event_url::EventUrlBuilder;
use crate::pipeline;
use crate::respond::ResponseBody;
use crate::route;

/// The events endpoint: routes, authenticates, reads, decodes and dispatches requests to
/// handlers.
///
/// Build it once with [`EventService::builder`], then either mount it with an adapter crate
/// (`gcp-events-axum`, `gcp-events-warp`, `gcp-events-poem`), call [`handle`](Self::handle)
/// with any `http::Request` whose body implements [`http_body::Body`], or use it as a
/// [`tower::Service`](tower_service::Service) (feature `tower`, on by default), behind any tower
/// layers you like. Cloning is cheap.
///
/// ```
/// use gcp_events_core::{handler_fn, EventService};
/// use tower::ServiceExt as _; // oneshot
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), gcp_events_core::BoxError> {
/// let service = EventService::builder()
///     .allow_unauthenticated() // for the example; see `auth` for OIDC and signed URLs
///     .handler(handler_fn(|event| async move {
///         println!("{}/{}: {}", event.kind(), event.reference(), event.payload().raw());
///         Ok(())
///     }))
///     .build()?;
///
/// let request = http::Request::post("/gcp-events/events/order-paid/17?tenant=acme").header("host", "localhost")
///     .body(String::from(r#"{"amount": 12}"#))?;
/// let response = service.clone().oneshot(request).await?; // as a tower::Service
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.body().as_bytes(), b"{}");
///
/// // Behind tower layers: here a deadline for the whole request.
/// let timed = tower::ServiceBuilder::new()
///     .timeout(std::time::Duration::from_secs(8))
///     .service(service);
/// let request = http::Request::post("/gcp-events/events/order-paid/18").header("host", "localhost").body(String::from("{}"))?;
/// assert_eq!(timed.oneshot(request).await?.status(), 201);
/// # Ok(())
/// # }
/// ```
///
/// # Metrics
///
/// With the feature `metrics`, every request is counted through the
/// [`metrics`](https://docs.rs/metrics) facade, so any exporter you install (Prometheus,
/// StatsD, OpenTelemetry) sees them. Install the recorder before the first request.
///
/// | metric | kind | labels | |
/// |---|---|---|---|
/// | `gcp_events_requests_total` | counter | `outcome`, `format` | one per answered request |
/// | `gcp_events_handler_duration_seconds` | histogram | `outcome`, `format` | handlers' time, for dispatched events |
/// | `gcp_events_in_flight` | gauge | | events being claimed or handled now (the count [`max_in_flight`](crate::EventServiceBuilder::max_in_flight) bounds) |
///
/// `outcome` is `handled` (201), `discarded` (200, the handler asked), `failed` (the handler
/// failed or panicked), `refused` (a 4xx/5xx before dispatch: route, auth, body…),
/// `duplicate` (acknowledged or `409`, not dispatched), `shed` (`503`, too many in
/// flight) or `timeout` (`504`, past the handler timeout). `format` is `json_body`,
/// `unwrapped_push`, `cloud_event_binary`, `cloud_event_structured`, or `none` for a request
/// refused before its format was known. No label carries request text (kind, reference,
/// path), so a sender cannot multiply the series; add your own fixed labels with
/// `EventServiceBuilder::metrics_label` (feature `metrics`).
#[derive(Clone)]
pub struct EventService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EventService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("EventService")
            .field("prefix", &inner.prefix)
            .field("cloud_events_path", &inner.cloud_events_path)
            .field(
                "filters",
                &inner.routes.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            )
            .field("body_limit", &inner.body_limit)
            .field("max_uri_length", &inner.max_uri_length)
            .field("failure_status", &inner.failure_status)
            .field("debug", &inner.debug)
            .field("oidc", &inner.oidc)
            .field("signed_url_keys", &inner.url_keys.len())
            .field("unwrapped_push", &inner.unwrapped_push)
            .finish_non_exhaustive()
    }
}

impl EventService {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The path under which all event routes live: `"{prefix}/events"`. Adapters send every
    /// request at or below it to the service (see [`owns_path`](Self::owns_path)).
    pub fn events_path(&self) -> &str {
        &self.inner.events_path
    }

    /// The CloudEvents path, when one is configured (see
    /// [`EventServiceBuilder::cloud_events_path`](crate::EventServiceBuilder::cloud_events_path)).
    /// Adapters route it to the service too.
    pub fn cloud_events_path(&self) -> Option<&str> {
        self.inner.cloud_events_path.as_deref()
    }

    /// Whether the service answers for `path`: the events path or anything below it, or the
    /// CloudEvents path. Everything else belongs to the application's other routes.
    pub fn owns_path(&self, path: &str) -> bool {
        route::owns_path(&self.inner.events_path, path)
            || self.inner.cloud_events_path.as_deref() == Some(path)
    }

    /// Whether a request for `path` the service owns is offered to the application first: a
    /// method other than POST at the CloudEvents path. Eventarc posts to a path an application
    /// often uses itself (`/`, e.g. `GET /` for a page), so there the service takes POST and
    /// answers the other methods (405 with `Allow: POST`) only when the application has no
    /// route for them. Everywhere else it owns, the service answers every method.
    ///
    /// ```
    /// use gcp_events_core::{handler_fn, EventService};
    /// use http::Method;
    ///
    /// let service = EventService::builder()
    ///     .allow_unauthenticated()
    ///     .cloud_events_path("/")
    ///     .handler(handler_fn(|_| async { Ok(()) }))
    ///     .build()
    ///     .unwrap();
    /// assert!(service.app_first(&Method::GET, "/"));
    /// assert!(!service.app_first(&Method::POST, "/"));
    /// assert!(!service.app_first(&Method::GET, "/gcp-events/events/k/r"));
    /// ```
    pub fn app_first(&self, method: &http::Method, path: &str) -> bool {
        method != http::Method::POST && self.inner.cloud_events_path.as_deref() == Some(path)
    }

    /// The URL of an event on this service, under its own prefix: the same builder as
    /// [`event_url`](crate::event_url::event_url), with the prefix already set.
    ///
    /// ```
    /// use gcp_events_core::{handler_fn, EventService};
    ///
    /// let service = EventService::builder()
    ///     .allow_unauthenticated()
    ///     .prefix("hooks/")
    ///     .handler(handler_fn(|_event| async { Ok(()) }))
    ///     .build()?;
    /// let url = service.event_url("order-paid", "17").base_url("https://example.com").build()?;
    /// assert_eq!(url, "https://example.com/hooks/events/order-paid/17/");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn event_url(
        &self,
        kind: impl Into<String>,
        reference: impl Into<String>,
    ) -> EventUrlBuilder {
        crate::event_url::event_url(kind, reference).prefix(self.inner.prefix.clone())
    }

    /// Handles one request, start to finish; never panics and never fails: every outcome is a
    /// response. The same as calling the service as a `tower::Service`. Like any
    /// HTTP/1.1 server it needs exactly one valid `Host` header: a request built by
    /// hand needs `.header("host", …)` too.
    ///
    /// The head is checked before the body is touched (target length, route, method,
    /// authentication, query, signed URL, a handler for the kind, declared length, a place
    /// among the events in flight), so an over-limit `Content-Length` is refused with 413
    /// before any byte is read — and before hyper sends `100 Continue`.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<ResponseBody>
    where
        B: Body,
        B::Error: Into<BoxError>,
    {
        let span = tracing::info_span!(
            "gcp_event",
            kind = tracing::field::Empty,
            reference = tracing::field::Empty,
            message_id = tracing::field::Empty,
            trace_id = tracing::field::Empty,
            status = tracing::field::Empty,
            outcome = tracing::field::Empty,
            format = tracing::field::Empty,
            latency_us = tracing::field::Empty,
        );
        let started = Instant::now();
        // The pipeline's state (about 2.6 KB) lives on the heap, so the future returned here
        // stays small: the layers a framework wraps around it (warp's filters, hyper's
        // service call) move a pointer instead of copying the state at every level (issue 13).
        let (response, outcome, format) =
            Box::pin(pipeline::run(&self.inner, request, span.clone()).instrument(span.clone()))
                .await;
        self.inner.meter.request(outcome, format);
        let latency = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let (status, outcome) = (response.status().as_u16(), outcome.as_str());
        span.record("status", status);
        span.record("outcome", outcome);
        span.record("format", crate::meter::format_label(format));
        span.record("latency_us", latency);
        span.in_scope(|| {
            tracing::info!(status, outcome, latency_us = latency, "event request done");
        });
        response
    }
}

#[cfg(feature = "tower")]
mod tower_impl {
    use std::convert::Infallible;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use http::{Request, Response};
    use http_body::Body;

    use super::EventService;
    use crate::error::BoxError;
    use crate::respond::ResponseBody;

    /// The future a [`EventService`] returns as a `tower::Service`.
    pub type ResponseFuture =
        Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>>;

    /// The service is always ready (it keeps no queue or connection of its own) and never
    /// fails: every outcome, refusals included, is a response.
    impl<B> tower_service::Service<Request<B>> for EventService
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        type Response = Response<ResponseBody>;
        type Error = Infallible;
        type Future = ResponseFuture;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request<B>) -> ResponseFuture {
            let service = self.clone();
            Box::pin(async move { Ok(service.handle(request).await) })
        }
    }
}

#[cfg(feature = "tower")]
pub use tower_impl::ResponseFuture;

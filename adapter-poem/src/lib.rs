#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use gcp_events_core::EventService;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

pub use gcp_events_core;

/// Mounts `service` as a poem endpoint. Mount it at the service's events path, with or without
/// stripping (`.nest(service.events_path(), endpoint(service))`): it always hands the service
/// the request target as the client sent it (poem's `original_uri`), so the service's prefix is
/// the full public path.
pub fn endpoint(service: EventService) -> EventEndpoint {
    EventEndpoint { service }
}

/// Serves `service` in front of the rest of your app: requests at or below the service's events
/// path (or at its CloudEvents path) go straight to the service, everything else to `app`.
/// Prefer this to `Route::nest`: poem's router decodes the path itself and answers a segment
/// that is not UTF-8 with its own `text/plain` 400, while `mount` lets the core answer it like
/// every adapter.
///
/// ```no_run
/// # async fn run(service: gcp_events_core::EventService) -> std::io::Result<()> {
/// use poem::{get, handler, listener::TcpListener, Route, Server};
///
/// #[handler]
/// fn health() -> &'static str { "ok" }
///
/// let app = gcp_events_poem::mount(service, Route::new().at("/healthz", get(health)));
/// Server::new(TcpListener::bind("127.0.0.1:8080")).run(app).await
/// # }
/// ```
pub fn mount<E: Endpoint>(service: EventService, app: E) -> Mounted<E> {
    Mounted {
        events: endpoint(service),
        app,
    }
}

/// The endpoint made by [`mount`].
#[derive(Debug)]
pub struct Mounted<E> {
    events: EventEndpoint,
    app: E,
}

impl<E: Endpoint> Endpoint for Mounted<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        if self.events.service.owns_path(req.original_uri().path()) {
            self.events.call(req).await
        } else {
            self.app.call(req).await.map(IntoResponse::into_response)
        }
    }
}

/// The endpoint made by [`endpoint`].
#[derive(Clone, Debug)]
pub struct EventEndpoint {
    service: EventService,
}

impl Endpoint for EventEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        if !self.service.owns_path(req.original_uri().path()) {
            return Err(poem::error::NotFoundError.into());
        }
        let uri = req.original_uri().clone();
        // poem's own conversion keeps method, headers and the unread body; the target is
        // put back as sent (a `nest` strips it).
        let mut request = poem::http::Request::from(req);
        *request.uri_mut() = uri;
        let (parts, body) = self.service.handle(request).await.into_parts();
        let mut response = Response::from(body.into_bytes());
        response.set_status(parts.status);
        *response.headers_mut() = parts.headers;
        Ok(response)
    }
}

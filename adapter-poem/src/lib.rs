#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

use gcp_events_core::EventService;
use poem::{Endpoint, IntoResponse, Request, Response, Result, Route};

pub use gcp_events_core;

/// Mounts `service` as a poem endpoint. Mount it at the service's events path, with or without
/// stripping (`.nest(service.events_path(), endpoint(service))`): it always hands the service
/// the request target as the client sent it (poem's `original_uri`), so the service's prefix is
/// the full public path.
pub fn endpoint(service: EventService) -> EventEndpoint {
    mount(service, Route::new())
}

/// Serves `service` in front of the rest of your app: requests at or below the service's events
/// path (or POSTs at its CloudEvents path) go straight to the service, everything else to `app`.
/// Other methods at the CloudEvents path go to `app` first, and to the service (405) when `app`
/// answers them 404 or 405, so an app keeps e.g. `GET /` beside Eventarc's `POST /`.
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
    Mounted { service, app }
}

/// The endpoint made by [`mount`].
#[derive(Debug)]
pub struct Mounted<E> {
    service: EventService,
    app: E,
}

impl<E: Endpoint> Endpoint for Mounted<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let (service, path) = (&self.service, req.original_uri().path());
        if !service.owns_path(path) {
            return self.app.call(req).await.map(IntoResponse::into_response);
        } else if !service.app_first(req.method(), path) {
            return Ok(serve(service, req).await);
        }
        // The app's own route at the CloudEvents path first; the service's 405 if it has none.
        let mut again = Request::builder().uri(req.original_uri().clone()).finish();
        again.set_method(req.method().clone());
        *again.headers_mut() = req.headers().clone();
        let response = self.app.get_response(req).await;
        if matches!(response.status().as_u16(), 404 | 405) {
            return Ok(serve(service, again).await);
        }
        Ok(response)
    }
}

/// The endpoint made by [`endpoint`]: the service in front of an empty [`Route`], so a path
/// the service does not own is poem's 404.
pub type EventEndpoint = Mounted<Route>;

/// Hands the request to the service with its target as sent (poem's `original_uri`: a `nest`
/// strips it); poem's own conversions keep method, headers and the unread body.
async fn serve(service: &EventService, mut req: Request) -> Response {
    *req.uri_mut() = req.original_uri().clone();
    let (parts, body) = service.handle(req.into()).await.into_parts();
    let mut response = Response::from((parts.status, body.into_bytes()));
    *response.headers_mut() = parts.headers;
    response
}

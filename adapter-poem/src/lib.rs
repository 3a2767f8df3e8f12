#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bytes::Bytes;
use gcp_events_core::EventService;
use http_body_util::combinators::BoxBody;
use poem::{http, Body, Endpoint, Request, Response, ResponseParts, Result};

pub use gcp_events_core;

/// Mounts `service` as a poem endpoint. Mount it at the service's events path, with or without
/// stripping (`.nest(service.events_path(), endpoint(service))`): it always hands
/// [`EventService::handle`] the request target as the client sent it (poem's `original_uri`),
/// so the service's prefix is the full public path.
pub fn endpoint(service: EventService) -> EventEndpoint {
    EventEndpoint { service }
}

/// The endpoint made by [`endpoint`].
#[derive(Clone, Debug)]
pub struct EventEndpoint {
    service: EventService,
}

impl Endpoint for EventEndpoint {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Response> {
        if !self.service.owns_path(req.original_uri().path()) {
            return Err(poem::error::NotFoundError.into());
        }
        let body: BoxBody<Bytes, std::io::Error> = req.take_body().into();
        let mut request = http::Request::new(body);
        *request.method_mut() = req.method().clone();
        *request.uri_mut() = req.original_uri().clone();
        *request.headers_mut() = std::mem::take(req.headers_mut());
        let (parts, body) = self.service.handle(request).await.into_parts();
        let parts = ResponseParts {
            status: parts.status,
            version: parts.version,
            headers: parts.headers,
            extensions: parts.extensions,
        };
        Ok(Response::from_parts(parts, Body::from(body)))
    }
}

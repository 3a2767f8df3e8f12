#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use gcp_events_core::EventService;

pub use gcp_events_core;

/// Mounts `service` into a new [`Router`] that answers every request at or below
/// [`EventService::events_path`] (and the CloudEvents mount, when configured) and nothing else,
/// so it merges into an application's router.
///
/// The request goes to [`EventService::handle`] untouched (body unread, so axum's
/// `DefaultBodyLimit` does not apply: the service enforces its own limit).
pub fn router<S>(service: EventService) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let root = service.events_path().to_owned();
    let mount = service.cloud_events_path().map(str::to_owned);
    let endpoint = any(move |request: Request| {
        let service = service.clone();
        async move { service.handle(request).await.map(Body::from) as Response }
    });
    let mut router = Router::new()
        .route(&root, endpoint.clone())
        .route(&format!("{root}/"), endpoint.clone());
    if let Some(mount) = &mount {
        router = router.route(mount, endpoint.clone());
    }
    router.route(&format!("{root}/{{*rest}}"), endpoint)
}

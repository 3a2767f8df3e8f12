#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

use axum::{routing::post_service, Router};
use gcp_events_core::EventService;

pub use gcp_events_core;

/// Mounts `service` into a new [`Router`] that answers every request at or below
/// [`EventService::events_path`] (and the CloudEvents path, when configured) and nothing
/// else, so it merges into an application's router.
///
/// The service is mounted as the `tower::Service` it is (`route_service`), with the request
/// untouched: path not stripped, body unread (so axum's `DefaultBodyLimit` does not apply: the
/// service enforces its own limit). axum routes by pattern and its `{*rest}` does not match an
/// empty tail, so the events path takes three patterns, exactly as axum's own `nest_service`
/// registers them (which would strip the path the service matches on). At the CloudEvents path
/// the application keeps its own methods: `Router::new().route("/", get(page))` merges with it.
pub fn router<S>(service: EventService) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let events = service.events_path();
    let mut router = Router::new()
        .route_service(events, service.clone())
        .route_service(&format!("{events}/"), service.clone())
        .route_service(&format!("{events}/{{*rest}}"), service.clone());
    // The CloudEvents path (often `/`) is shared with the application (`app_first`): POST is
    // the service's; other methods reach the application's own route there when it has one
    // (axum merges method routers on one path) and the service's 405 when it has none.
    if let Some(path) = service.cloud_events_path().map(str::to_owned) {
        router = router.route(
            &path,
            post_service(service.clone()).fallback_service(service),
        );
    }
    router
}

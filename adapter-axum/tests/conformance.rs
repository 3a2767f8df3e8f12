//! The shared conformance suite (every HTTP rule of SPEC), run against axum over real HTTP.
#![allow(clippy::expect_used)] // a test that cannot bind should fail loudly

use std::net::SocketAddr;

use gcp_events_core::EventService;

/// Serves `service` mounted with `gcp_events_axum::router` on 127.0.0.1, next to the application's own
/// routes (`/healthz`, and `GET /`, which the suite expects to answer `home`).
async fn start(service: EventService) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let app = axum::Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/", axum::routing::get(|| async { "home" }))
        .merge(gcp_events_axum::router(service));
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

gcp_events_core::conformance_suite!(start);

/// The real Google Pub/Sub emulator pushing to this adapter (research `delivery.md`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_emulator_delivers_every_push_shape_exactly_once() {
    gcp_events_core::testing::emulator::pubsub_emulator_delivers_every_push_shape_exactly_once(
        start,
    )
    .await;
}

/// The real Pub/Sub emulator pushing to this adapter with the transactional inbox (R7).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_emulator_with_the_inbox_commits_one_row_per_message() {
    gcp_events_core::testing::inbox::pubsub_emulator_with_the_inbox_commits_one_row_per_message(
        start,
    )
    .await;
}

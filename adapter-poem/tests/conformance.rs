//! The shared conformance suite (every HTTP rule of SPEC), run against poem over real HTTP.
#![allow(clippy::expect_used)] // a test that cannot bind should fail loudly

use std::net::SocketAddr;

use gcp_events_core::EventService;
use poem::listener::{Acceptor, Listener};

#[poem::handler]
fn health() -> &'static str {
    "ok"
}

#[poem::handler]
fn home() -> &'static str {
    "home"
}

/// Serves `service` with `gcp_events_poem::mount` on 127.0.0.1, in front of the
/// application's own routes (`/healthz`, and `GET /`, which the suite expects to answer `home`).
async fn start(service: EventService) -> SocketAddr {
    let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind 127.0.0.1:0");
    let addr = acceptor.local_addr()[0]
        .as_socket_addr()
        .copied()
        .expect("a TCP address");
    let app = gcp_events_poem::mount(
        service,
        poem::Route::new()
            .at("/healthz", poem::get(health))
            .at("/", poem::get(home)),
    );
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
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

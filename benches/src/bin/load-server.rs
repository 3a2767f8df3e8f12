//! One server of the load benchmark (issue 13), chosen by its first argument; prints
//! `listening on ADDR` on stdout, then serves on 127.0.0.1 (port 0) until killed. The
//! benchmark (`src/bin/load.rs`) starts each pinned to one core.
//!
//! | name | what answers `POST /gcp-events/events/{kind}/{reference}` |
//! |---|---|
//! | `bare-axum`, `bare-warp`, `bare-poem` | the framework alone: body parsed into `serde_json::Value`, `201 {}` |
//! | `hand-axum` | axum with a hand-written serde push decoder: typed envelope, base64, data into `Value` |
//! | `lib-axum`, `lib-warp`, `lib-poem` | the library through its adapter, a no-op handler |
//! | `lib-axum-typed`, `lib-warp-typed`, `lib-poem-typed` | the same with `event.pubsub()?.data_as::<Value>()` |
//!
//! Every server runs on a current-thread tokio runtime (one core), with no log subscriber.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use gcp_events_core::{handler_fn, EventService};
use serde_json::Value;

const ROUTE: &str = "/gcp-events/events/{kind}/{reference}";

fn service(typed: bool) -> EventService {
    let builder = EventService::builder().allow_unauthenticated();
    let builder = if typed {
        builder.handler(handler_fn(|event| async move {
            let data: Value = event.pubsub()?.data_as()?;
            std::hint::black_box(data);
            Ok(())
        }))
    } else {
        builder.handler(handler_fn(|_event| async { Ok(()) }))
    };
    builder.build().unwrap()
}

/// The hand-written decoder's whole job: the envelope, base64, the data into a `Value`.
fn hand_decode(body: &[u8]) -> Option<Value> {
    let (envelope, data) = gcp_events_benches::hand_decode(body)?;
    std::hint::black_box(&envelope.message.attributes);
    serde_json::from_slice(&data).ok()
}

async fn serve_axum(listener: tokio::net::TcpListener, name: &str) {
    use axum::http::StatusCode;
    use axum::routing::post;
    let created = |ok: bool| {
        if ok {
            (
                StatusCode::CREATED,
                [("content-type", "application/json")],
                "{}",
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                [("content-type", "application/json")],
                "{}",
            )
        }
    };
    let app = match name {
        "bare-axum" => axum::Router::new().route(
            ROUTE,
            post(move |body: axum::body::Bytes| async move {
                created(serde_json::from_slice::<Value>(&body).is_ok())
            }),
        ),
        "hand-axum" => axum::Router::new().route(
            ROUTE,
            post(move |body: axum::body::Bytes| async move {
                created(std::hint::black_box(hand_decode(&body)).is_some())
            }),
        ),
        "lib-axum" => gcp_events_axum::router(service(false)),
        _ => gcp_events_axum::router(service(true)),
    };
    axum::serve(listener, app).await.unwrap();
}

async fn serve_warp(listener: tokio::net::TcpListener, name: &str) {
    use warp::Filter as _;
    if name == "bare-warp" {
        let route = warp::post()
            .and(warp::path!("gcp-events" / "events" / String / String))
            .and(warp::body::bytes())
            .map(|_kind: String, _reference: String, body: bytes::Bytes| {
                let ok = serde_json::from_slice::<Value>(&body).is_ok();
                let status = if ok {
                    warp::http::StatusCode::CREATED
                } else {
                    warp::http::StatusCode::BAD_REQUEST
                };
                warp::reply::with_status(
                    warp::reply::with_header("{}", "content-type", "application/json"),
                    status,
                )
            });
        warp::serve(route).incoming(listener).run().await;
    } else {
        let filter = gcp_events_warp::filter(service(name == "lib-warp-typed"));
        warp::serve(filter).incoming(listener).run().await;
    }
}

async fn serve_poem(listener: tokio::net::TcpListener, name: &str) {
    use poem::listener::TcpAcceptor;
    let acceptor = TcpAcceptor::from_tokio(listener).unwrap();
    if name == "bare-poem" {
        #[poem::handler]
        fn bare(body: bytes::Bytes) -> poem::Response {
            let ok = serde_json::from_slice::<Value>(&body).is_ok();
            poem::Response::builder()
                .status(if ok {
                    poem::http::StatusCode::CREATED
                } else {
                    poem::http::StatusCode::BAD_REQUEST
                })
                .content_type("application/json")
                .body("{}")
        }
        let app = poem::Route::new().at("/gcp-events/events/:kind/:reference", poem::post(bare));
        poem::Server::new_with_acceptor(acceptor)
            .run(app)
            .await
            .unwrap();
    } else {
        let service = service(name == "lib-poem-typed");
        let app = gcp_events_poem::mount(service, poem::Route::new());
        poem::Server::new_with_acceptor(acceptor)
            .run(app)
            .await
            .unwrap();
    }
}

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("listening on {}", listener.local_addr().unwrap());
        match name.as_str() {
            "bare-axum" | "hand-axum" | "lib-axum" | "lib-axum-typed" => {
                serve_axum(listener, &name).await
            }
            "bare-warp" | "lib-warp" | "lib-warp-typed" => serve_warp(listener, &name).await,
            "bare-poem" | "lib-poem" | "lib-poem-typed" => serve_poem(listener, &name).await,
            other => {
                eprintln!("unknown server {other:?}; see the module docs for the names");
                std::process::exit(2);
            }
        }
    });
}

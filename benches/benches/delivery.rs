//! What the delivery guarantees cost, in one run: a wrapped push with no guarantees (the floor),
//! with a handler timeout, with in-memory idempotency (a new message: claim + complete), a
//! duplicate of a handled message (acknowledged unrun), and a request shed by `max_in_flight`
//! (503 before the body is read: the "well under a millisecond of server time").
//!
//! `cargo bench -p gcp-events-benches --bench delivery -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use gcp_events_core::idempotency::MemoryStore;
use gcp_events_core::pubsub::PushEnvelope;
use gcp_events_core::{handler_fn, EventService, EventServiceBuilder};
use http_body_util::Full;

fn push(message_id: u64) -> http::Request<Full<Bytes>> {
    let body = PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&serde_json::json!({"order": 17, "status": "paid", "items": [1, 2, 3]}))
        .unwrap()
        .message_id(message_id.to_string())
        .build()
        .to_bytes();
    http::Request::post("/gcp-events/events/order-paid/17")
        .header("host", "localhost")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

fn builder() -> EventServiceBuilder {
    EventService::builder()
        .allow_unauthenticated()
        .handler(handler_fn(|event| async move {
            std::hint::black_box(event.pubsub()?.data.len());
            Ok(())
        }))
}

fn delivery(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let plain = builder().build().unwrap();
    let timed = builder()
        .handler_timeout(Duration::from_secs(8))
        .build()
        .unwrap();
    let deduplicated = builder()
        .idempotency(MemoryStore::new(1_000_000))
        .build()
        .unwrap();
    // One event parked forever holds the only place: every other request is shed.
    let shedding = EventService::builder()
        .allow_unauthenticated()
        .max_in_flight(1)
        .handler(handler_fn(|_event| std::future::pending()))
        .build()
        .unwrap();
    let parked = shedding.clone();
    rt.spawn(async move { parked.handle(push(0)).await });
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
    assert_eq!(rt.block_on(shedding.handle(push(1))).status(), 503);

    let next = AtomicU64::new(1);
    let mut group = c.benchmark_group("delivery");
    group.bench_function("wrapped_push_no_guarantees", |b| {
        b.iter(|| rt.block_on(plain.handle(push(1))))
    });
    group.bench_function("wrapped_push_handler_timeout", |b| {
        b.iter(|| rt.block_on(timed.handle(push(1))))
    });
    group.bench_function("wrapped_push_idempotent_new_message", |b| {
        b.iter(|| {
            let id = next.fetch_add(1, Ordering::Relaxed);
            rt.block_on(deduplicated.handle(push(id)))
        })
    });
    assert_eq!(rt.block_on(deduplicated.handle(push(0))).status(), 201);
    group.bench_function("wrapped_push_idempotent_duplicate", |b| {
        b.iter(|| rt.block_on(deduplicated.handle(push(0))))
    });
    group.bench_function("shed_503_before_the_body", |b| {
        b.iter(|| rt.block_on(shedding.handle(push(1))))
    });
    group.finish();
}

criterion_group!(benches, delivery);
criterion_main!(benches);

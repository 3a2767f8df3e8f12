//! Idempotency settings through the public API (SPEC R3–R5): leases that could let a duplicate
//! run alongside are refused; without a handler timeout the lease sets the handlers' deadline;
//! times too large to represent are accepted and never overflow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gcp_events_core::idempotency::{Idempotency, MemoryStore};
use gcp_events_core::testing::push_request;
use gcp_events_core::{handler_fn, ConfigError, EventService};

fn builder() -> gcp_events_core::EventServiceBuilder {
    EventService::builder()
        .allow_unauthenticated()
        .handler(handler_fn(|_event| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        }))
}

#[test]
fn a_lease_must_outlive_the_handler_timeout_by_a_second() {
    let lease = |lease: u64, timeout: Option<u64>| {
        let mut b = builder().idempotency(
            Idempotency::new(MemoryStore::default()).lease(Duration::from_secs(lease)),
        );
        if let Some(t) = timeout {
            b = b.handler_timeout(Duration::from_secs(t));
        }
        b.build().map(|_| ())
    };
    assert!(matches!(
        lease(10, Some(10)),
        Err(ConfigError::LeaseShorterThanTimeout { .. })
    ));
    assert!(lease(11, Some(10)).is_ok());
    assert!(matches!(
        lease(0, None),
        Err(ConfigError::LeaseShorterThanTimeout { .. })
    ));
    assert!(lease(2, None).is_ok());
}

#[tokio::test]
async fn without_a_handler_timeout_the_lease_is_the_handlers_deadline() {
    // A 2 s lease: handlers are cut off after 1 s, before their claim could lapse.
    let service = builder()
        .idempotency(Idempotency::new(MemoryStore::default()).lease(Duration::from_secs(2)))
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(service.handle(push_request("1", "x")).await.status(), 504);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
}

#[tokio::test]
async fn times_too_large_to_represent_do_not_overflow() {
    let service = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::MAX)
        .idempotency(Idempotency::new(MemoryStore::default()).retention(Duration::MAX))
        .handler(handler_fn(|_event| async { Ok(()) }))
        .build()
        .unwrap();
    assert_eq!(service.handle(push_request("1", "x")).await.status(), 201);
    assert_eq!(service.handle(push_request("1", "x")).await.status(), 200);
}

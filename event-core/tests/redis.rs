//! Idempotency across instances with a real Redis (SPEC R4, R5): `redis-server` started on a
//! free loopback port by the test, stopped by its PID. The store contract runs against the
//! memory store too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gcp_events_core::idempotency::{
    Claim, ClaimToken, Idempotency, IdempotencyStore, MemoryStore, RedisStore, StoreFailure,
};
use gcp_events_core::testing::push_request;
use gcp_events_core::testing::redis::RedisServer;
use gcp_events_core::{handler_fn, EventService};

/// A service whose handler counts dispatches per message and takes `work` to run.
fn counting(
    idempotency: impl Into<Idempotency>,
    work: Duration,
) -> (EventService, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let service = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_secs(5))
        .idempotency(idempotency)
        .handler(handler_fn(move |_event| {
            let c = c.clone();
            async move {
                c.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(work).await;
                Ok(())
            }
        }))
        .build()
        .unwrap();
    (service, count)
}

async fn store_contract(store: &dyn IdempotencyStore) {
    let lease = Duration::from_secs(30);
    let (a, b) = (ClaimToken::random(), ClaimToken::random());
    let key = format!("contract:{}", b.as_str());
    assert_eq!(store.claim(&key, &a, lease).await.unwrap(), Claim::Acquired);
    assert_eq!(
        store.claim(&key, &b, lease).await.unwrap(),
        Claim::InProgress
    );
    // Only the holder settles its claim.
    store.release(&key, &b).await.unwrap();
    store.complete(&key, &b, lease).await.unwrap();
    assert_eq!(
        store.claim(&key, &b, lease).await.unwrap(),
        Claim::InProgress
    );
    store.release(&key, &a).await.unwrap();
    assert_eq!(store.claim(&key, &b, lease).await.unwrap(), Claim::Acquired);
    store.complete(&key, &b, lease).await.unwrap();
    assert_eq!(store.claim(&key, &a, lease).await.unwrap(), Claim::Done);
    // A holder that died: its claim expires with its lease, and it cannot settle the next one.
    let short = Duration::from_millis(200);
    let dead = format!("dead:{}", a.as_str());
    assert_eq!(
        store.claim(&dead, &a, short).await.unwrap(),
        Claim::Acquired
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        store.claim(&dead, &b, lease).await.unwrap(),
        Claim::Acquired
    );
    store.complete(&dead, &a, lease).await.unwrap();
    assert_eq!(
        store.claim(&dead, &a, lease).await.unwrap(),
        Claim::InProgress
    );
    // A done mark expires after its retention.
    store.complete(&dead, &b, short).await.unwrap();
    assert_eq!(store.claim(&dead, &a, lease).await.unwrap(), Claim::Done);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        store.claim(&dead, &a, lease).await.unwrap(),
        Claim::Acquired
    );
}

#[tokio::test]
async fn r4_memory_store_keeps_the_store_contract() {
    store_contract(&MemoryStore::default()).await;
}

#[tokio::test]
async fn r4_redis_store_keeps_the_store_contract() {
    let redis = RedisServer::start();
    store_contract(&RedisStore::connect(&redis.url()).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r5_two_instances_sharing_redis_handle_each_message_once() {
    let redis = RedisServer::start();
    let (a, count_a) = counting(
        RedisStore::connect(&redis.url()).await.unwrap(),
        Duration::from_millis(150),
    );
    let (b, count_b) = counting(
        RedisStore::connect(&redis.url()).await.unwrap(),
        Duration::from_millis(150),
    );
    // Every message reaches both instances at the same moment, as a redelivery past the ack
    // deadline does.
    let mut answers = Vec::new();
    for round in 0..2 {
        let mut tasks = Vec::new();
        for n in 0..20 {
            for service in [a.clone(), b.clone()] {
                let id = format!("m{n}");
                tasks.push(tokio::spawn(async move {
                    service
                        .handle(push_request(&id, "{}"))
                        .await
                        .status()
                        .as_u16()
                }));
            }
        }
        for task in tasks {
            answers.push((round, task.await.unwrap()));
        }
    }
    assert_eq!(
        count_a.load(Ordering::SeqCst) + count_b.load(Ordering::SeqCst),
        20,
        "each message handled exactly once across the two instances"
    );
    let first: Vec<u16> = answers
        .iter()
        .filter(|(r, _)| *r == 0)
        .map(|(_, s)| *s)
        .collect();
    assert_eq!(first.iter().filter(|s| **s == 201).count(), 20, "{first:?}");
    assert!(
        first.iter().all(|s| [201, 200, 409].contains(s)),
        "{first:?}"
    );
    // Once handled, every duplicate on either instance is acknowledged without dispatch.
    assert!(
        answers
            .iter()
            .filter(|(r, _)| *r == 1)
            .all(|(_, s)| *s == 200),
        "{answers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r5_redis_stopping_mid_run_never_acknowledges_an_unhandled_event() {
    let mut redis = RedisServer::start();
    let (closed, handled) = counting(
        RedisStore::connect(&redis.url()).await.unwrap(),
        Duration::ZERO,
    );
    let open_store = RedisStore::connect(&redis.url()).await.unwrap();
    let (open, handled_open) = counting(
        Idempotency::new(open_store).on_store_failure(StoreFailure::DispatchWithoutDeduplication),
        Duration::ZERO,
    );
    assert_eq!(closed.handle(push_request("1", "{}")).await.status(), 201);
    redis.stop();

    // Fail closed (the default): refused quickly, not dispatched; Pub/Sub redelivers later.
    let started = Instant::now();
    let refused = closed.handle(push_request("2", "{}")).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "1");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(handled.load(Ordering::SeqCst), 1);
    // Fail open, by choice: handled without de-duplication.
    assert_eq!(open.handle(push_request("2", "{}")).await.status(), 201);
    assert_eq!(handled_open.load(Ordering::SeqCst), 1);

    // Redis back: the redelivery of the refused message runs, its duplicate does not.
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = closed.handle(push_request("2", "{}")).await.status();
        if status == 201 {
            break;
        }
        assert_eq!(status, 503, "only refusals while reconnecting");
        assert!(
            Instant::now() < deadline,
            "the store reconnected within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(closed.handle(push_request("2", "{}")).await.status(), 200);
    assert_eq!(handled.load(Ordering::SeqCst), 2);
}

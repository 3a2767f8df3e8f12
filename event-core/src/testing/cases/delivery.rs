//! R3–R5: the handler deadline, load shedding and idempotency, over HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::json;
use tokio::sync::Semaphore;

use super::{path, serve};
use crate::idempotency::{
    Claim, ClaimToken, Idempotency, IdempotencyStore, MemoryStore, StoreError, StoreFailure,
};
use crate::pubsub::PushEnvelope;
use crate::testing::client::{exchange, post, raw_request, send, HttpResponse};
use crate::testing::Recorder;
use crate::{handler_fn, Event, EventHandler, EventService, HandlerError, HandlerResult};

/// A handler that records each event, then waits until the test opens the gate.
#[derive(Clone)]
struct Gate {
    entered: Arc<Semaphore>,
    open: Arc<Semaphore>,
    seen: Recorder,
}

impl Gate {
    fn new() -> Self {
        Self {
            entered: Arc::new(Semaphore::new(0)),
            open: Arc::new(Semaphore::new(0)),
            seen: Recorder::new(),
        }
    }

    /// Waits until a handler is inside.
    async fn inside(&self) {
        let permit = tokio::time::timeout(Duration::from_secs(10), self.entered.acquire())
            .await
            .expect("a handler started within 10 s")
            .expect("semaphore open");
        permit.forget();
    }

    fn release(&self, n: usize) {
        self.open.add_permits(n);
    }
}

#[async_trait]
impl EventHandler for Gate {
    async fn handle(&self, event: &Event) -> HandlerResult {
        self.seen.handle(event).await?;
        self.entered.add_permits(1);
        self.open
            .acquire()
            .await
            .map_err(HandlerError::new)?
            .forget();
        Ok(())
    }
}

fn push(message_id: &str) -> Vec<u8> {
    PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&json!({"n": message_id}))
        .expect("JSON data")
        .message_id(message_id)
        .build()
        .to_bytes()
}

fn deduplicated() -> crate::EventServiceBuilder {
    EventService::builder()
        .allow_unauthenticated()
        .idempotency(MemoryStore::default())
}

async fn post_push(addr: SocketAddr, message_id: &str) -> HttpResponse {
    send(addr, &post(&path("k", "r"), &push(message_id))).await
}

/// R3: handlers still running at the deadline are answered 504 at once, and their future is
/// dropped (cancelled); handlers within the deadline answer as usual.
pub async fn r3_handler_timeout_is_504_and_cancels_the_handler<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    struct OnDrop(Arc<AtomicBool>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let (cancelled, finished) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let (c, f) = (cancelled.clone(), finished.clone());
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_millis(300))
        .kind_handler(
            "slow",
            handler_fn(move |_event| {
                let (guard, finished) = (OnDrop(c.clone()), f.clone());
                async move {
                    let _guard = guard;
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    finished.store(true, Ordering::SeqCst);
                    Ok(())
                }
            }),
        )
        .kind_handler("fast", handler_fn(|_event| async { Ok(()) }));
    let addr = serve(&start, builder).await;
    let started = Instant::now();
    send(addr, &post(&path("slow", "r"), b"{}"))
        .await
        .assert_json(
            504,
            json!({"error": "Timed out handling event of kind slow with reference r"}),
        );
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");
    assert!(
        cancelled.load(Ordering::SeqCst),
        "the handler's future was dropped"
    );
    assert!(!finished.load(Ordering::SeqCst));
    send(addr, &post(&path("fast", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
}

/// R3: with `max_in_flight` events being handled, one more is answered 503 with `Retry-After`
/// before its body is read (a declared body that never comes is not waited for), and nothing
/// is dispatched; once a place frees up, requests are handled again.
pub async fn r3_overload_is_503_before_the_body_is_read<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let gate = Gate::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .max_in_flight(1)
        .handler(gate.clone());
    let addr = serve(&start, builder).await;
    let first = tokio::spawn(async move { send(addr, &post(&path("k", "1"), b"{}")).await });
    gate.inside().await;
    // A declared 1000-byte body that never arrives: reading it would hang, then fail as 400.
    let head = raw_request("POST", &path("k", "2"), &[("Content-Length", "1000")], b"");
    let started = Instant::now();
    let shed = exchange(addr, &head, false).await.expect("an answer");
    shed.assert_json(
        503,
        json!({"error": "Too many events in flight; retry later"}),
    );
    assert_eq!(shed.header("retry-after"), Some("1"));
    assert!(started.elapsed() < Duration::from_secs(5));
    gate.release(1);
    first
        .await
        .expect("first request")
        .assert_json(201, json!({}));
    gate.release(1);
    send(addr, &post(&path("k", "3"), b"{}"))
        .await
        .assert_json(201, json!({}));
    let references: Vec<String> = gate
        .seen
        .events()
        .iter()
        .map(|e| e.reference().to_owned())
        .collect();
    assert_eq!(
        references,
        ["1", "3"],
        "the shed request was never dispatched"
    );
}

/// R4: with idempotency, a duplicate of a handled delivery is acknowledged (200) without
/// running the handlers — for a wrapped push (subscription + message id), an unwrapped push
/// (its metadata headers) and a CloudEvent (source + id); a delivery without an identity runs
/// every time.
pub async fn r4_duplicate_of_a_handled_delivery_is_acknowledged_without_dispatch<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let addr = serve(&start, deduplicated().handler(rec.clone())).await;
    post_push(addr, "1").await.assert_json(201, json!({}));
    post_push(addr, "1").await.assert_json(200, json!({}));
    post_push(addr, "2").await.assert_json(201, json!({}));
    // The same message pushed to another route is another delivery, with its own handlers.
    send(addr, &post(&path("other", "r"), &push("1")))
        .await
        .assert_json(201, json!({}));
    let unwrapped = [
        ("x-goog-pubsub-message-id", "1"),
        (
            "x-goog-pubsub-subscription-name",
            "projects/p/subscriptions/other",
        ),
    ];
    let raw = raw_request("POST", &path("k", "r"), &unwrapped, b"data");
    send(addr, &raw).await.assert_json(201, json!({}));
    send(addr, &raw).await.assert_json(200, json!({}));
    let cloud_event = [
        ("ce-id", "1"),
        ("ce-source", "//storage.googleapis.com/projects/_/buckets/b"),
        ("ce-specversion", "1.0"),
        ("ce-type", "google.cloud.storage.object.v1.finalized"),
        ("content-type", "application/json"),
    ];
    let raw = raw_request("POST", &path("k", "r"), &cloud_event, b"{}");
    send(addr, &raw).await.assert_json(201, json!({}));
    send(addr, &raw).await.assert_json(200, json!({}));
    for _ in 0..2 {
        send(addr, &post(&path("k", "r"), b"{\"no\": \"identity\"}"))
            .await
            .assert_json(201, json!({}));
    }
    assert_eq!(rec.count(), 7);
}

/// R5: a duplicate that arrives while the first delivery is being handled is answered 409
/// with `Retry-After` and not dispatched; once the first succeeds, duplicates are acknowledged.
pub async fn r5_duplicate_in_progress_is_409_and_not_dispatched<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let gate = Gate::new();
    let addr = serve(&start, deduplicated().handler(gate.clone())).await;
    let first = tokio::spawn(async move { post_push(addr, "7").await });
    gate.inside().await;
    let busy = post_push(addr, "7").await;
    busy.assert_json(
        409,
        json!({"error": "Event of kind k with reference r is already being handled; retry later"}),
    );
    assert_eq!(busy.header("retry-after"), Some("1"));
    gate.release(1);
    first
        .await
        .expect("first request")
        .assert_json(201, json!({}));
    post_push(addr, "7").await.assert_json(200, json!({}));
    assert_eq!(gate.seen.count(), 1);
}

/// R4: a failure, a panic or a timeout releases the claim, so the redelivery runs; the
/// success after it is then remembered.
pub async fn r4_failed_deliveries_run_again_when_redelivered<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = attempts.clone();
    let flaky = handler_fn(move |_event| {
        let attempt = a.fetch_add(1, Ordering::SeqCst);
        async move {
            match attempt {
                0 => Err(HandlerError::new("first attempt fails")),
                1 => panic!("second attempt panics"),
                2 => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    Ok(())
                }
                _ => Ok(()),
            }
        }
    });
    let builder = deduplicated()
        .handler_timeout(Duration::from_millis(300))
        .handler(flaky);
    let addr = serve(&start, builder).await;
    let unable = json!({"error": "Unable to handle event of kind k with reference r"});
    post_push(addr, "9").await.assert_json(400, unable.clone());
    post_push(addr, "9").await.assert_json(400, unable);
    post_push(addr, "9").await.assert_json(
        504,
        json!({"error": "Timed out handling event of kind k with reference r"}),
    );
    post_push(addr, "9").await.assert_json(201, json!({}));
    post_push(addr, "9").await.assert_json(200, json!({}));
    assert_eq!(attempts.load(Ordering::SeqCst), 4);
}

/// A store that is always down.
struct DownStore;

#[async_trait]
impl IdempotencyStore for DownStore {
    async fn claim(&self, _: &str, _: &ClaimToken, _: Duration) -> Result<Claim, StoreError> {
        Err(StoreError::new("connection refused"))
    }
    async fn complete(&self, _: &str, _: &ClaimToken, _: Duration) -> Result<(), StoreError> {
        Err(StoreError::new("connection refused"))
    }
    async fn release(&self, _: &str, _: &ClaimToken) -> Result<(), StoreError> {
        Err(StoreError::new("connection refused"))
    }
}

/// R5: when the store fails, nothing is acknowledged unhandled: by default the delivery is
/// refused (503, `Retry-After`, the store's error text never shown) and not dispatched;
/// with `DispatchWithoutDeduplication` it is handled without de-duplication.
pub async fn r5_store_failure_refuses_or_dispatches_by_policy<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let closed = EventService::builder()
        .allow_unauthenticated()
        .idempotency(DownStore)
        .handler(rec.clone());
    let addr = serve(&start, closed).await;
    let refused = post_push(addr, "1").await;
    refused.assert_json(503, json!({"error": "Service unavailable"}));
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(rec.count(), 0);

    let open = EventService::builder()
        .allow_unauthenticated()
        .idempotency(
            Idempotency::new(DownStore)
                .on_store_failure(StoreFailure::DispatchWithoutDeduplication),
        )
        .handler(rec.clone());
    let addr = serve(&start, open).await;
    post_push(addr, "1").await.assert_json(201, json!({}));
    post_push(addr, "1").await.assert_json(201, json!({}));
    assert_eq!(rec.count(), 2);
}

/// O1: after a known sequence of requests the metrics count each outcome and format exactly
/// (handled in three formats, duplicate, discarded, failed, refused before and after the format
/// is known, shed, timeout), time every dispatched event, and show one event in flight while a
/// handler runs, none after.
pub async fn o1_metrics_count_every_outcome<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    use crate::testing::metrics::CapturedMetrics;
    use crate::testing::{Discarding, Failing};
    let metrics = CapturedMetrics::install();
    // Every series of this case carries this label; other cases' requests do not count.
    let label = ("conformance_case", "o1");
    let gate = Gate::new();
    let rec = Recorder::new();
    let a = serve(
        &start,
        deduplicated()
            .metrics_label(label.0, label.1)
            .max_in_flight(1)
            .kind_handler("ok", rec.clone())
            .kind_handler("held", gate.clone())
            .kind_handler("discard", Discarding)
            .kind_handler("fail", Failing),
    )
    .await;
    let b = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .metrics_label(label.0, label.1)
            .handler_timeout(Duration::from_millis(200))
            .handler(handler_fn(|_event| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(())
            })),
    )
    .await;
    let push_to = |kind: &str, id: &str| post(&path(kind, "r"), &push(id));
    send(a, &push_to("ok", "1"))
        .await
        .assert_json(201, json!({}));
    send(a, &push_to("ok", "1"))
        .await
        .assert_json(200, json!({}));
    let unwrapped = raw_request(
        "POST",
        &path("ok", "r"),
        &[
            ("x-goog-pubsub-message-id", "2"),
            (
                "x-goog-pubsub-subscription-name",
                "projects/p/subscriptions/s",
            ),
        ],
        b"raw data",
    );
    send(a, &unwrapped).await.assert_json(201, json!({}));
    let binary = raw_request(
        "POST",
        &path("ok", "r"),
        &[
            ("ce-id", "3"),
            ("ce-source", "//pubsub.googleapis.com/projects/p/topics/t"),
            ("ce-specversion", "1.0"),
            ("ce-type", "google.cloud.pubsub.topic.v1.messagePublished"),
            ("content-type", "application/json"),
        ],
        &push("3"),
    );
    send(a, &binary).await.assert_json(201, json!({}));
    send(a, &push_to("discard", "4"))
        .await
        .assert_json(200, json!({}));
    assert_eq!(send(a, &push_to("fail", "5")).await.status, 400);
    // Refused after the format is known (bad JSON), and before (no handler for the kind).
    assert_eq!(send(a, &post(&path("ok", "r"), b"{oops")).await.status, 400);
    assert_eq!(send(a, &push_to("nope", "6")).await.status, 404);
    let held = tokio::spawn(async move { send(a, &push_to("held", "7")).await });
    gate.inside().await;
    assert_eq!(metrics.gauge("gcp_events_in_flight", &[label]), 1.0);
    assert_eq!(send(a, &push_to("ok", "8")).await.status, 503);
    gate.release(1);
    held.await.unwrap().assert_json(201, json!({}));
    assert_eq!(send(b, &post(&path("slow", "r"), b"{}")).await.status, 504);

    let requests = |outcome: &str, format: &str| {
        metrics.counter(
            "gcp_events_requests_total",
            &[label, ("outcome", outcome), ("format", format)],
        )
    };
    let counted = [
        ("handled", "json_body", requests("handled", "json_body")),
        (
            "handled",
            "unwrapped_push",
            requests("handled", "unwrapped_push"),
        ),
        (
            "handled",
            "cloud_event_binary",
            requests("handled", "cloud_event_binary"),
        ),
        ("duplicate", "json_body", requests("duplicate", "json_body")),
        ("discarded", "json_body", requests("discarded", "json_body")),
        ("failed", "json_body", requests("failed", "json_body")),
        ("refused", "json_body", requests("refused", "json_body")),
        ("refused", "none", requests("refused", "none")),
        ("shed", "none", requests("shed", "none")),
        ("timeout", "json_body", requests("timeout", "json_body")),
    ];
    let expected = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    for ((outcome, format, got), want) in counted.iter().zip(expected) {
        assert_eq!(
            *got, want,
            "requests_total{{outcome={outcome}, format={format}}}"
        );
    }
    let total = metrics.counter("gcp_events_requests_total", &[label]);
    assert_eq!(total, 11, "no request counted twice or under another label");
    let durations = |outcome: &str| {
        metrics.histogram(
            "gcp_events_handler_duration_seconds",
            &[label, ("outcome", outcome)],
        )
    };
    assert_eq!(
        durations("handled").len(),
        4,
        "one sample per dispatched event"
    );
    assert_eq!(durations("discarded").len(), 1);
    assert_eq!(durations("failed").len(), 1);
    let timed_out = durations("timeout");
    assert_eq!(timed_out.len(), 1);
    assert!(
        timed_out[0] >= 0.2,
        "the timeout sample is the deadline: {timed_out:?}"
    );
    assert!(durations("refused").is_empty() && durations("duplicate").is_empty());
    assert_eq!(metrics.gauge("gcp_events_in_flight", &[label]), 0.0);
}

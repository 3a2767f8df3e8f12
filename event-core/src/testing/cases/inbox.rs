//! R7 over real HTTP: a service with a transactional inbox on a real PostgreSQL (the kit's
//! [`EffectsDatabase`]) answers 2xx only after its writes committed, acknowledges a done
//! duplicate without running, refuses an in-flight one at once, and leaves nothing after a
//! failure.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;

use super::{path, serve};
use crate::pubsub::PushEnvelope;
use crate::testing::client::{post, send, HttpResponse};
use crate::testing::inbox::{EffectWriter, EffectsDatabase};
use crate::EventService;

/// A push of message `id` with the given attributes, answered by the service at `addr`.
async fn push(addr: SocketAddr, id: &str, attributes: &[(&str, &str)]) -> HttpResponse {
    let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
        .bytes("{}")
        .message_id(id)
        .attributes(attributes.iter().copied())
        .build();
    let body = envelope.to_json_string();
    send(addr, &post(&path("k", "r"), body.as_bytes())).await
}

/// A service with the inbox and one [`EffectWriter`], served by the adapter.
async fn transactional<S, F>(start: &S) -> (SocketAddr, EffectsDatabase, EffectWriter)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let db = EffectsDatabase::start().await;
    let effects = EffectWriter::default();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_secs(5))
        .inbox(db.inbox.clone())
        .transactional_handler(effects.clone());
    (serve(start, builder).await, db, effects)
}

/// R7: the first delivery's row is committed when its `201` arrives; the duplicate is `200 {}`
/// and runs nothing.
pub async fn r7_inbox_commits_before_2xx_and_acknowledges_a_done_duplicate<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, db, effects) = transactional(&start).await;
    push(addr, "1", &[]).await.assert_json(201, json!({}));
    assert_eq!(db.rows("1").await, 1);
    push(addr, "1", &[]).await.assert_json(200, json!({}));
    assert_eq!((db.rows("1").await, effects.attempts()), (1, 1));
}

/// R7: a duplicate while the first is still in its transaction is `409` with `Retry-After` at
/// once, never after a wait on a lock.
pub async fn r7_inbox_in_flight_duplicate_is_409_at_once<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, db, effects) = transactional(&start).await;
    let first =
        tokio::spawn(async move { push(addr, "1", &[("then", "sleep"), ("ms", "800")]).await });
    while effects.attempts() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    let busy = push(addr, "1", &[]).await;
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "never a wait"
    );
    busy.assert_json(
        409,
        json!({"error": "Event of kind k with reference r is already being handled; retry later"}),
    );
    assert_eq!(busy.header("retry-after"), Some("1"));
    first.await.expect("first").assert_json(201, json!({}));
    assert_eq!((db.rows("1").await, effects.attempts()), (1, 1));
}

/// R7: a failed handler's writes are rolled back (the failure status, no row); the redelivery
/// runs and commits once.
pub async fn r7_inbox_failure_rolls_back_and_the_redelivery_commits_once<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, db, effects) = transactional(&start).await;
    push(addr, "1", &[("then", "fail")]).await.assert_json(
        400,
        json!({"error": "Unable to handle event of kind k with reference r"}),
    );
    assert_eq!(db.rows("1").await, 0);
    push(addr, "1", &[]).await.assert_json(201, json!({}));
    push(addr, "1", &[]).await.assert_json(200, json!({}));
    assert_eq!((db.rows("1").await, effects.attempts()), (1, 2));
}

/// R7: a handler that breaks its transaction and still returns `Ok` (a failed statement whose
/// error it ignored, a discard after one, its own `ROLLBACK`, a savepoint left open) is never
/// acknowledged: the
/// failure status, and the redelivery finds the key free, runs and commits once.
pub async fn r7_inbox_never_acknowledges_what_did_not_commit<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, db, effects) = transactional(&start).await;
    let broken = [
        ("1", "swallow"),
        ("2", "swallow-discard"),
        ("3", "rollback"),
        ("4", "savepoint"),
    ];
    for (id, then) in broken {
        push(addr, id, &[("then", then)]).await.assert_json(
            400,
            json!({"error": "Unable to handle event of kind k with reference r"}),
        );
        // Not done: the redelivery runs (a done key would be 200 without running).
        push(addr, id, &[]).await.assert_json(201, json!({}));
        push(addr, id, &[]).await.assert_json(200, json!({}));
        assert_eq!(db.rows(id).await, 1, "{then}: one row, from the redelivery");
    }
    assert_eq!(effects.attempts(), 8);
}

/// R7 with C7: Cloud Tasks and Scheduler identities in the inbox. A task's retry after it
/// committed is acknowledged unrun, and so is a Scheduler run's; a new task reusing the name
/// once the reuse window has passed (Google frees a name about an hour after its task ran)
/// runs again.
pub async fn r7_inbox_task_names_are_free_again_after_the_reuse_window<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    use crate::testing::requests::{TestSchedulerRun, TestTask};

    let db = EffectsDatabase::start().await;
    let effects = EffectWriter::default();
    let window = Duration::from_millis(800);
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_secs(5))
        .task_name_reuse(window)
        .inbox(db.inbox.clone())
        .transactional_handler(effects.clone());
    let addr = serve(&start, builder).await;
    let target = path("k", "r");
    let task = TestTask::new("emails", "welcome-1").body("x");
    super::tasks::send_task(addr, &target, &task)
        .await
        .assert_json(201, json!({}));
    let retry = task.clone().retried_after(500);
    super::tasks::send_task(addr, &target, &retry)
        .await
        .assert_json(200, json!({}));
    assert_eq!(db.rows("welcome-1").await, 1);
    tokio::time::sleep(window + Duration::from_millis(200)).await;
    super::tasks::send_task(addr, &target, &task)
        .await
        .assert_json(201, json!({}));
    assert_eq!(db.rows("welcome-1").await, 2, "a reused name runs again");

    let at = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap_or_default();
    let run = TestSchedulerRun::new("nightly", at);
    for status in [201, 200] {
        super::tasks::send_run(addr, &target, &run)
            .await
            .assert_json(status, json!({}));
    }
    assert_eq!((db.rows("nightly").await, effects.attempts()), (1, 3));
}

//! Exactly-once effects through the public API (SPEC R7): an `EventService` with a `PgInbox` on
//! a real PostgreSQL (the test kit's `PostgresServer`). A delivery's writes commit with its done
//! mark before the 2xx; every failure leaves nothing; duplicates never run twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gcp_events_core::inbox::PgInbox;
use gcp_events_core::testing::inbox::{EffectWriter as Effects, EffectsDatabase};
use gcp_events_core::testing::requests::TestPush;
use gcp_events_core::testing::Recorder;
use gcp_events_core::{ConfigError, EventService, EventServiceBuilder};
use sqlx::Connection;

fn builder(inbox: &PgInbox, effects: &Effects) -> EventServiceBuilder {
    EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .handler_timeout(Duration::from_millis(500))
        .inbox(inbox.clone())
        .transactional_handler(effects.clone())
}

fn push(id: &str) -> TestPush {
    TestPush::data("x").message_id(id)
}

const PATH: &str = "/gcp-events/events/order/1";

/// Redelivers message `id` as Pub/Sub would while it is answered 409: a transaction whose
/// connection was closed (a timeout, a dropped request, a dead process) holds its key until
/// PostgreSQL has aborted it. The first other answer, within 5 s.
async fn redeliver(service: &EventService, id: &str) -> u16 {
    let started = Instant::now();
    loop {
        let status = service
            .handle(push(id).wrapped(PATH))
            .await
            .status()
            .as_u16();
        if status != 409 || started.elapsed() > Duration::from_secs(5) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn writes_commit_before_the_answer_and_a_done_duplicate_is_acknowledged_unrun() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    // Every delivery format, each its own delivery identity.
    let requests = [
        ("w", push("w").wrapped(PATH)),
        ("u", push("u").unwrapped(PATH)),
        ("b", push("b").cloud_event_binary("/")),
        ("s", push("s").cloud_event_structured("/")),
    ];
    for (id, request) in requests {
        assert_eq!(service.handle(request).await.status(), 201, "{id}");
        assert_eq!(db.rows(id).await, 1, "committed before the answer: {id}");
    }
    assert_eq!(effects.attempts(), 4);
    // Redelivered: acknowledged, the handler not run, no second row.
    let again = [
        push("w").wrapped(PATH),
        push("u").unwrapped(PATH),
        push("b").cloud_event_binary("/"),
        push("s").cloud_event_structured("/"),
    ];
    for request in again {
        let response = service.handle(request).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(effects.attempts(), 4);
    for id in ["w", "u", "b", "s"] {
        assert_eq!(db.rows(id).await, 1, "{id}");
    }
    // Another subscription's copy of the same message id is another delivery.
    let other = push("w").subscription("projects/p/subscriptions/other");
    assert_eq!(service.handle(other.wrapped(PATH)).await.status(), 201);
    assert_eq!(db.rows("w").await, 2);
}

#[tokio::test]
async fn an_in_flight_duplicate_is_refused_at_once_with_retry_after() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    let slow = push("1").attribute("then", "sleep").attribute("ms", "300");
    let first = tokio::spawn({
        let (service, request) = (service.clone(), slow.wrapped(PATH));
        async move { service.handle(request).await.status() }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let duplicate = service.handle(push("1").wrapped(PATH)).await;
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "never a wait"
    );
    assert_eq!(duplicate.status(), 409);
    assert!(duplicate.headers().contains_key("retry-after"));
    assert_eq!(first.await.unwrap(), 201);
    assert_eq!(db.rows("1").await, 1);
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 200);
    assert_eq!(effects.attempts(), 1);
}

#[tokio::test]
async fn a_failure_a_panic_or_a_timeout_leaves_nothing_and_the_redelivery_commits_once() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    let attempts = [
        (push("1").attribute("then", "fail"), 400),
        (push("1").attribute("then", "panic"), 400),
        (
            push("1").attribute("then", "sleep").attribute("ms", "2000"),
            504,
        ),
    ];
    for (attempt, status) in attempts {
        assert_eq!(service.handle(attempt.wrapped(PATH)).await.status(), status);
        assert_eq!(db.rows("1").await, 0, "rolled back");
    }
    // After a timeout the connection is closed; the key is free once PostgreSQL has aborted
    // the transaction (a 409 until then, never a 2xx).
    assert_eq!(redeliver(&service, "1").await, 201);
    assert_eq!(db.rows("1").await, 1);
    // A discard commits what was written, with the mark: acknowledged, never run again.
    let discard = push("2").attribute("then", "discard");
    assert_eq!(service.handle(discard.wrapped(PATH)).await.status(), 200);
    assert_eq!(service.handle(push("2").wrapped(PATH)).await.status(), 200);
    assert_eq!(db.rows("2").await, 1);
}

#[tokio::test]
async fn a_request_dropped_mid_handler_leaves_nothing() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    let slow = push("1").attribute("then", "sleep").attribute("ms", "400");
    // The caller goes away (an instance killed, a connection closed) after the write.
    let dropped = tokio::time::timeout(
        Duration::from_millis(150),
        service.handle(slow.wrapped(PATH)),
    )
    .await;
    assert!(dropped.is_err());
    assert_eq!(effects.attempts(), 1);
    assert_eq!(redeliver(&service, "1").await, 201);
    assert_eq!(db.rows("1").await, 1);
}

#[tokio::test]
async fn the_database_down_is_503_and_nothing_is_acknowledged_until_it_is_back() {
    let mut db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    db.server.stop();
    for id in ["1", "2"] {
        let started = Instant::now();
        let response = service.handle(push(id).wrapped(PATH)).await;
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        // The acquire bound (2 s) and the store-call bound (2 s) overlap: 2 s, plus 750 ms of
        // slack for a loaded machine.
        let took = started.elapsed();
        assert!(
            took < Duration::from_millis(2_750),
            "bounded by 2 s: {took:?}"
        );
    }
    assert_eq!(effects.attempts(), 0, "nothing ran");
    db.server.restart();
    for id in ["1", "2", "1", "2"] {
        let status = service.handle(push(id).wrapped(PATH)).await.status();
        assert!(status == 201 || status == 200, "{status}");
    }
    assert_eq!((db.rows("1").await, db.rows("2").await), (1, 1));
}

#[tokio::test]
async fn plain_handlers_run_in_order_inside_the_delivery_and_only_then_is_it_answered() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let before = Recorder::new().named("before");
    let service = EventService::builder()
        .allow_unauthenticated()
        .inbox(db.inbox.clone())
        .kind_handler("order", before.clone())
        .transactional_kind_handler("order", effects.clone())
        .kind_handler("other", Recorder::new())
        .build()
        .unwrap();
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 201);
    assert_eq!(before.count(), 1);
    assert_eq!(db.rows("1").await, 1);
    // The duplicate runs neither.
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 200);
    assert_eq!(before.count(), 1);
    // A kind without a transactional handler is not held in a transaction (nor de-duplicated).
    let other = "/gcp-events/events/other/1";
    for _ in 0..2 {
        assert_eq!(service.handle(push("9").wrapped(other)).await.status(), 201);
    }
    assert_eq!(db.rows("9").await, 0);
}

#[tokio::test]
async fn transactional_handlers_need_an_inbox() {
    let built = EventService::builder()
        .allow_unauthenticated()
        .transactional_handler(Effects::default())
        .build();
    assert!(matches!(built, Err(ConfigError::TransactionalWithoutInbox)));
}

/// Set in the child process of the crash test: the database it must use.
const CHILD_URL: &str = "GCP_EVENTS_TEST_INBOX_CHILD_URL";

#[tokio::test]
async fn a_process_that_dies_inside_the_transaction_leaves_nothing_and_the_redelivery_commits_once()
{
    if let Ok(url) = std::env::var(CHILD_URL) {
        // The child: handle one delivery whose handler writes, then aborts the process.
        let inbox = PgInbox::connect(&url).await.unwrap();
        let service = builder(&inbox, &Effects::default()).build().unwrap();
        let dying = push("1").attribute("then", "abort");
        service.handle(dying.wrapped(PATH)).await;
        unreachable!("the handler aborts the process");
    }
    let db = EffectsDatabase::start().await;
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_process_that_dies_inside_the_transaction_leaves_nothing_and_the_redelivery_commits_once",
            "--nocapture",
        ])
        .env(CHILD_URL, db.server.url())
        .output()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        child.status.signal(),
        Some(6),
        "the child must abort: {child:?}"
    );
    // PostgreSQL aborts the dead connection's transaction: no row, no mark.
    assert_eq!(db.rows("1").await, 0);
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    assert_eq!(redeliver(&service, "1").await, 201, "the redelivery runs");
    assert_eq!(db.rows("1").await, 1);
    assert_eq!(effects.attempts(), 1);
}

/// The inbox's answers count like the idempotency store's (O1): a done or in-flight duplicate
/// is `duplicate`, the database down a refusal, a committed delivery `handled`.
#[tokio::test]
async fn its_outcomes_are_counted_like_the_stores() {
    use gcp_events_core::testing::metrics::CapturedMetrics;

    let metrics = CapturedMetrics::install();
    let label = ("test", "inbox_outcomes");
    let mut db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects)
        .metrics_label(label.0, label.1)
        .build()
        .unwrap();
    let count = |outcome: &str| {
        metrics.counter("gcp_events_requests_total", &[label, ("outcome", outcome)])
    };
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 201);
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 200);
    db.server.stop();
    assert_eq!(service.handle(push("2").wrapped(PATH)).await.status(), 503);
    assert_eq!(
        (count("handled"), count("duplicate"), count("refused")),
        (1, 1, 1)
    );
}

/// Inserts into `gated`, whose deferred constraint trigger takes advisory lock 4242 at COMMIT.
struct Gated;

#[gcp_events_core::async_trait]
impl gcp_events_core::TransactionalHandler for Gated {
    async fn handle(
        &self,
        _event: &gcp_events_core::Event,
        db: &mut sqlx::PgConnection,
    ) -> gcp_events_core::HandlerResult {
        sqlx::query("INSERT INTO gated VALUES (1)")
            .execute(db)
            .await?;
        Ok(())
    }
}

/// The 2xx comes only after the commit, shown without timing luck: the commit is made to wait
/// on a lock the test holds (a deferred constraint trigger runs at COMMIT), and no answer
/// arrives until the test lets it go.
#[tokio::test]
async fn the_answer_waits_for_the_commit() {
    let db = EffectsDatabase::start().await;
    sqlx::raw_sql(
        "CREATE TABLE gated (x int);
         CREATE FUNCTION gate() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END $$;
         CREATE CONSTRAINT TRIGGER gate AFTER INSERT ON gated
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gate();",
    )
    .execute(db.inbox.pool())
    .await
    .unwrap();
    let mut holder = sqlx::PgConnection::connect(&db.server.url()).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(4242)")
        .execute(&mut holder)
        .await
        .unwrap();
    let service = EventService::builder()
        .allow_unauthenticated()
        .inbox(db.inbox.clone())
        .transactional_handler(Gated)
        .build()
        .unwrap();
    let answer = tokio::spawn({
        let service = service.clone();
        async move { service.handle(push("1").wrapped(PATH)).await.status() }
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(!answer.is_finished(), "no answer while the commit waits");
    let rows = |pool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM gated")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    assert_eq!(rows(db.inbox.pool()).await, 0);
    sqlx::query("SELECT pg_advisory_unlock(4242)")
        .execute(&mut holder)
        .await
        .unwrap();
    assert_eq!(answer.await.unwrap(), 201);
    assert_eq!(rows(db.inbox.pool()).await, 1);
}

/// A delivery without an identity (a push without a message id) runs in a transaction without
/// a claim; a handler that ignores a failed statement there is caught at the commit too.
#[tokio::test]
async fn a_delivery_without_an_identity_is_never_acknowledged_uncommitted() {
    let db = EffectsDatabase::start().await;
    let effects = Effects::default();
    let service = builder(&db.inbox, &effects).build().unwrap();
    let post = |then: &str| {
        let body = format!(
            r#"{{"message": {{"data": "e30=", "attributes": {{"then": "{then}"}}}}, "subscription": "projects/p/subscriptions/s"}}"#
        );
        http::Request::post(PATH)
            .header("host", "localhost")
            .body(body)
            .unwrap()
    };
    assert_eq!(service.handle(post("swallow")).await.status(), 400);
    assert_eq!(db.all_rows().await, 0);
    assert_eq!(service.handle(post("none")).await.status(), 201);
    assert_eq!(db.all_rows().await, 1);
}

/// A transactional handler with a hung after-commit hook.
struct SlowHook;

#[gcp_events_core::async_trait]
impl gcp_events_core::TransactionalHandler for SlowHook {
    async fn handle(
        &self,
        _event: &gcp_events_core::Event,
        _db: &mut sqlx::PgConnection,
    ) -> gcp_events_core::HandlerResult {
        Ok(())
    }

    async fn committed(&self, _event: &gcp_events_core::Event) {
        tokio::time::sleep(Duration::from_secs(30)).await;
    }
}

/// After-commit hooks are bounded by the handler timeout: a hung hook never holds the answer.
#[tokio::test]
async fn a_hung_after_commit_hook_does_not_hold_the_answer() {
    let db = EffectsDatabase::start().await;
    let service = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_millis(300))
        .inbox(db.inbox.clone())
        .transactional_handler(SlowHook)
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(service.handle(push("1").wrapped(PATH)).await.status(), 201);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
}

/// A client that vanished inside a delivery's transaction without closing its socket (its
/// connection kept, never used again) holds the delivery only until the idle limit: then
/// PostgreSQL aborts the transaction and the redelivery runs.
#[tokio::test]
async fn a_vanished_client_frees_its_delivery_after_the_idle_limit() {
    use gcp_events_core::inbox::Claim;

    let db = EffectsDatabase::start().await;
    let inbox = db.inbox.clone().idle_limit(Duration::from_secs(1));
    let Claim::Fresh(tx) = inbox.begin("sub/1").await.unwrap() else {
        panic!("a fresh key");
    };
    std::mem::forget(tx); // the socket stays open, nothing more is sent
    let started = Instant::now();
    loop {
        match inbox.begin("sub/1").await.unwrap() {
            Claim::InProgress => {
                assert!(started.elapsed() < Duration::from_secs(5), "still held");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Claim::Fresh(tx) => {
                tx.commit().await.unwrap();
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "held while its client could still be alive"
    );
}

/// The pool's size comes from the code or from the URL.
#[tokio::test]
async fn the_pool_is_sized_from_the_code_or_the_url() {
    use gcp_events_core::inbox::PoolSettings;

    let server = gcp_events_core::testing::postgres::PostgresServer::start();
    let url = format!("{}?max_connections=3", server.url());
    let from_url = PgInbox::connect(&url).await.unwrap();
    assert_eq!(from_url.pool().options().get_max_connections(), 3);
    let settings = PoolSettings::default().max_connections(7);
    let from_code = PgInbox::connect_with(&url, settings).await.unwrap();
    assert_eq!(from_code.pool().options().get_max_connections(), 7);
    let bad = PgInbox::connect("postgres://app:hunter2@/db?max_connections=0").await;
    let message = bad.unwrap_err().to_string();
    assert!(
        message.contains("max_connections") && !message.contains("hunter2"),
        "{message}"
    );
}

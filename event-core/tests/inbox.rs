//! The transactional inbox on a real PostgreSQL (the test kit's `PostgresServer`): a claim,
//! the effects and the done mark commit together or not at all; a duplicate in flight is
//! refused at once, never waited for; cleanup removes only expired done keys; a database that
//! is down is an error within the acquire bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gcp_events_core::inbox::{Claim, InboxError, InboxTransaction, PgInbox};
use gcp_events_core::testing::postgres::PostgresServer;

async fn inbox(server: &PostgresServer) -> PgInbox {
    let inbox = PgInbox::connect(&server.url()).await.unwrap();
    inbox.setup().await.unwrap();
    inbox.setup().await.unwrap(); // idempotent
    sqlx::raw_sql("CREATE TABLE IF NOT EXISTS effects (message_id text)")
        .execute(inbox.pool())
        .await
        .unwrap();
    inbox
}

async fn effects(inbox: &PgInbox, message_id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM effects WHERE message_id = $1")
        .bind(message_id)
        .fetch_one(inbox.pool())
        .await
        .unwrap()
}

async fn write_effect(
    claim: Claim,
    message_id: &str,
) -> Option<gcp_events_core::inbox::InboxTransaction> {
    match claim {
        Claim::Fresh(mut tx) => {
            sqlx::query("INSERT INTO effects VALUES ($1)")
                .bind(message_id)
                .execute(tx.connection())
                .await
                .unwrap();
            Some(tx)
        }
        _ => None,
    }
}

/// `n` done keys `old/0`… whose marks are two hours old.
async fn expired_keys(inbox: &PgInbox, n: usize) {
    for i in 0..n {
        let tx = write_effect(inbox.begin(&format!("old/{i}")).await.unwrap(), "x")
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    sqlx::query("UPDATE gcp_events_inbox SET done_at = now() - interval '2 hours'")
        .execute(inbox.pool())
        .await
        .unwrap();
}

#[tokio::test]
async fn effects_and_the_done_mark_commit_together_or_not_at_all() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;

    // Commit: the effect and the mark; the redelivery is done without running.
    let tx = write_effect(inbox.begin("sub/1").await.unwrap(), "1")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(inbox.begin("sub/1").await.unwrap(), Claim::Done));
    assert_eq!(effects(&inbox, "1").await, 1);

    // A failure (rollback, or a dropped transaction: a panic, a timeout): nothing remains,
    // and the redelivery runs.
    let tx = write_effect(inbox.begin("sub/2").await.unwrap(), "2")
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let dropped = write_effect(inbox.begin("sub/2").await.unwrap(), "2")
        .await
        .unwrap();
    drop(dropped);
    assert_eq!(effects(&inbox, "2").await, 0);
    // A dropped transaction's connection is closed; until PostgreSQL has aborted it, the key
    // is still in progress (never done), and then free again.
    let started = Instant::now();
    let tx = loop {
        match inbox.begin("sub/2").await.unwrap() {
            Claim::InProgress if started.elapsed() < Duration::from_secs(5) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            claim => break write_effect(claim, "2").await.expect("free again"),
        }
    };
    tx.commit().await.unwrap();
    assert_eq!(effects(&inbox, "2").await, 1);
}

#[tokio::test]
async fn a_savepoint_left_open_is_never_committed_as_the_delivery() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;
    let Claim::Fresh(mut tx) = inbox.begin("sub/5").await.unwrap() else {
        panic!("fresh key");
    };
    // A nested transaction is a savepoint; rolled back, the outer work stands.
    let mut nested = sqlx::Connection::begin(tx.connection()).await.unwrap();
    sqlx::query("INSERT INTO effects VALUES ('nested')")
        .execute(&mut *nested)
        .await
        .unwrap();
    nested.rollback().await.unwrap();
    sqlx::query("INSERT INTO effects VALUES ('5')")
        .execute(tx.connection())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (effects(&inbox, "5").await, effects(&inbox, "nested").await),
        (1, 0)
    );

    // One left open (forgotten): the commit refuses, and nothing is kept.
    let Claim::Fresh(mut tx) = inbox.begin("sub/6").await.unwrap() else {
        panic!("fresh key");
    };
    let nested = sqlx::Connection::begin(tx.connection()).await.unwrap();
    std::mem::forget(nested);
    sqlx::query("INSERT INTO effects VALUES ('6')")
        .execute(tx.connection())
        .await
        .unwrap();
    assert!(matches!(tx.commit().await, Err(InboxError::Unbalanced)));
    assert_eq!(effects(&inbox, "6").await, 0);
}

#[tokio::test]
async fn a_duplicate_in_flight_is_refused_at_once_not_waited_for() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;
    let first = write_effect(inbox.begin("sub/3").await.unwrap(), "3")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        inbox.begin("sub/3").await.unwrap(),
        Claim::InProgress
    ));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "never a wait on a lock"
    );
    // Another key is not held up by it.
    assert!(matches!(
        inbox.begin("sub/4").await.unwrap(),
        Claim::Fresh(_)
    ));
    first.commit().await.unwrap();
    assert!(matches!(inbox.begin("sub/3").await.unwrap(), Claim::Done));
    assert_eq!(effects(&inbox, "3").await, 1);
}

#[tokio::test]
async fn two_inboxes_on_one_database_run_each_message_once() {
    let server = PostgresServer::start();
    let a = inbox(&server).await;
    let b = PgInbox::connect(&server.url()).await.unwrap();
    let mut tasks = Vec::new();
    for round in 0..2 {
        for i in 0..20 {
            for inbox in [a.clone(), b.clone()] {
                let id = i.to_string();
                tasks.push(tokio::spawn(async move {
                    // A duplicate in flight is retried later, as Pub/Sub would.
                    loop {
                        match inbox.begin(&format!("sub/{id}")).await.unwrap() {
                            Claim::InProgress => tokio::time::sleep(Duration::from_millis(5)).await,
                            claim => {
                                if let Some(tx) = write_effect(claim, &id).await {
                                    tx.commit().await.unwrap();
                                }
                                return round;
                            }
                        }
                    }
                }));
            }
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM effects")
        .fetch_one(a.pool())
        .await
        .unwrap();
    let distinct: i64 = sqlx::query_scalar("SELECT count(DISTINCT message_id) FROM effects")
        .fetch_one(a.pool())
        .await
        .unwrap();
    assert_eq!((rows, distinct), (20, 20), "exactly one effect per message");
}

#[tokio::test]
async fn cleanup_removes_only_expired_done_keys_in_batches() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await.retention(Duration::from_secs(3600));
    expired_keys(&inbox, 5).await;
    let fresh = write_effect(inbox.begin("new/1").await.unwrap(), "y")
        .await
        .unwrap();
    fresh.commit().await.unwrap();
    let in_progress = write_effect(inbox.begin("new/2").await.unwrap(), "z")
        .await
        .unwrap();

    assert_eq!(inbox.cleanup(2).await.unwrap(), 2);
    assert_eq!(inbox.cleanup(10).await.unwrap(), 3);
    assert_eq!(inbox.cleanup(10).await.unwrap(), 0);
    assert!(matches!(inbox.begin("new/1").await.unwrap(), Claim::Done));
    in_progress.commit().await.unwrap();
    assert!(matches!(inbox.begin("new/2").await.unwrap(), Claim::Done));
}

#[tokio::test]
async fn the_background_cleanup_removes_expired_keys_until_none_are_left() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await.retention(Duration::from_secs(3600));
    expired_keys(&inbox, 7).await;
    let kept = write_effect(inbox.begin("new/1").await.unwrap(), "y")
        .await
        .unwrap();
    kept.commit().await.unwrap();
    // Batches of 2: one tick removes all 7, batch after batch.
    let cleaner = inbox.spawn_cleanup(Duration::from_millis(50), 2);
    let started = Instant::now();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM gcp_events_inbox")
            .fetch_one(inbox.pool())
            .await
            .unwrap()
    };
    while count().await != 1 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "cleanup never ran"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cleaner.abort();
    assert!(matches!(inbox.begin("new/1").await.unwrap(), Claim::Done));
}

#[tokio::test]
async fn a_database_that_is_down_is_an_error_within_the_acquire_bound() {
    let mut server = PostgresServer::start();
    let inbox = inbox(&server).await;
    server.stop();
    let started = Instant::now();
    assert!(matches!(
        inbox.begin("sub/9").await,
        Err(InboxError::Database(_))
    ));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    server.restart();
    let tx = write_effect(inbox.begin("sub/9").await.unwrap(), "9")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(effects(&inbox, "9").await, 1);
}

#[test]
fn table_names_are_plain_identifiers_and_the_schema_is_printable() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = runtime.block_on(async {
        sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://localhost/x")
            .unwrap()
    });
    let inbox = PgInbox::from_pool(pool);
    let too_long = "t".repeat(49);
    for bad in [
        "",
        "Inbox",
        "x; drop table y",
        "a.b.c",
        "1x",
        "x-y",
        &too_long,
    ] {
        assert!(
            matches!(inbox.clone().table(bad), Err(InboxError::TableName(_))),
            "{bad}"
        );
    }
    let named = inbox.table("events.inbox").unwrap();
    let sql = named.schema_sql();
    assert!(
        sql.contains("CREATE TABLE IF NOT EXISTS \"events\".\"inbox\""),
        "{sql}"
    );
    assert!(sql.contains("key text PRIMARY KEY"), "{sql}");
}

/// A fresh claim of `key`, with one effect row written.
async fn fresh(inbox: &PgInbox, key: &str, effect: &str) -> InboxTransaction {
    write_effect(inbox.begin(key).await.unwrap(), effect)
        .await
        .expect("a fresh key")
}

#[tokio::test]
async fn a_transaction_that_a_handler_broke_is_never_taken_for_committed() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;

    // A failed statement whose error is ignored: PostgreSQL has aborted the transaction, and
    // a bare COMMIT would answer ROLLBACK without an error.
    let mut tx = fresh(&inbox, "sub/swallow", "swallow").await;
    let _ = sqlx::query("SELECT * FROM no_such_table")
        .execute(tx.connection())
        .await;
    assert!(matches!(tx.commit().await, Err(InboxError::IgnoredError)));
    assert_eq!(effects(&inbox, "swallow").await, 0);
    // The key is free: the redelivery runs, and commits.
    fresh(&inbox, "sub/swallow", "swallow")
        .await
        .commit()
        .await
        .unwrap();
    assert_eq!(effects(&inbox, "swallow").await, 1);

    // The handler rolls back itself, then writes (outside any transaction): the mark is gone,
    // so the delivery is not acknowledged, and its key is free again.
    let mut tx = fresh(&inbox, "sub/rollback", "before").await;
    for statement in ["ROLLBACK", "INSERT INTO effects VALUES ('after')"] {
        sqlx::Executor::execute(tx.connection(), statement)
            .await
            .unwrap();
    }
    assert!(matches!(
        tx.commit().await,
        Err(InboxError::TransactionEnded)
    ));
    assert_eq!(effects(&inbox, "before").await, 0);
    let claim = inbox.begin("sub/rollback").await.unwrap();
    assert!(matches!(claim, Claim::Fresh(_)), "{claim:?}");

    // The handler commits itself: not the service's commit, so not acknowledged by it (the
    // mark was committed with the effect, so the redelivery finds it done).
    let mut tx = fresh(&inbox, "sub/commit", "commit").await;
    sqlx::Executor::execute(tx.connection(), "COMMIT")
        .await
        .unwrap();
    assert!(matches!(
        tx.commit().await,
        Err(InboxError::TransactionEnded)
    ));
    assert!(matches!(
        inbox.begin("sub/commit").await.unwrap(),
        Claim::Done
    ));

    // The pool is none the worse: the next delivery commits normally.
    for _ in 0..12 {
        let key = format!("sub/ok/{}", rand_suffix());
        fresh(&inbox, &key, "ok").await.commit().await.unwrap();
    }
    assert_eq!(effects(&inbox, "ok").await, 12);
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test]
async fn duplicates_leave_no_error_in_the_database_log() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;
    fresh(&inbox, "sub/1", "1").await.commit().await.unwrap();
    let holding = fresh(&inbox, "sub/2", "2").await;
    for _ in 0..5 {
        assert!(matches!(inbox.begin("sub/1").await.unwrap(), Claim::Done));
        assert!(matches!(
            inbox.begin("sub/2").await.unwrap(),
            Claim::InProgress
        ));
    }
    holding.commit().await.unwrap();
    inbox.cleanup(100).await.unwrap();
    let log = server.log();
    assert!(
        log.contains("ready to accept connections"),
        "the log is read: {log}"
    );
    assert!(!log.contains("ERROR"), "{log}");
    assert!(!log.contains("WARNING"), "{log}");
}

#[tokio::test]
async fn setup_is_safe_for_any_number_of_instances_at_once() {
    let server = PostgresServer::start();
    let url = server.url();
    let start_all = |n: usize| {
        let url = url.clone();
        async move {
            let mut setups = Vec::new();
            for _ in 0..n {
                let url = url.clone();
                setups.push(tokio::spawn(async move {
                    PgInbox::connect(&url).await?.setup().await
                }));
            }
            let mut failures = Vec::new();
            for setup in setups {
                if let Err(e) = setup.await.unwrap() {
                    failures.push(e.to_string());
                }
            }
            failures
        }
    };
    // A fresh database: twelve instances make the table and functions together.
    assert_eq!(start_all(12).await, Vec::<String>::new());
    // An existing database whose functions are out of date (an older release): twelve
    // instances replace them together.
    let inbox = PgInbox::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "CREATE OR REPLACE FUNCTION gcp_events_inbox_done(claimed text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$",
    )
    .execute(inbox.pool())
    .await
    .unwrap();
    assert_eq!(start_all(12).await, Vec::<String>::new());
    sqlx::raw_sql("CREATE TABLE effects (message_id text)")
        .execute(inbox.pool())
        .await
        .unwrap();
    // The replaced check works again: a swallowed error is caught.
    let mut tx = fresh(&inbox, "sub/1", "1").await;
    let _ = sqlx::query("SELECT 1/0").execute(tx.connection()).await;
    assert!(matches!(tx.commit().await, Err(InboxError::IgnoredError)));
    // A ready database is left as it is: no statement that changes the catalogue.
    let before = server.log();
    inbox.setup().await.unwrap();
    assert_eq!(server.log(), before);
}

#[tokio::test]
async fn table_names_that_are_keywords_work() {
    let server = PostgresServer::start();
    let base = PgInbox::connect(&server.url()).await.unwrap();
    sqlx::raw_sql("CREATE SCHEMA events; CREATE TABLE effects (message_id text)")
        .execute(base.pool())
        .await
        .unwrap();
    for name in ["order", "events.user"] {
        let inbox = base.clone().table(name).unwrap();
        inbox.setup().await.unwrap();
        fresh(&inbox, "sub/1", name).await.commit().await.unwrap();
        assert!(
            matches!(inbox.begin("sub/1").await.unwrap(), Claim::Done),
            "{name}"
        );
        assert_eq!(inbox.cleanup(10).await.unwrap(), 0, "{name}");
    }
    assert_eq!(effects(&base, "order").await, 1);
}

#[tokio::test]
async fn a_reusable_key_is_claimed_again_once_its_mark_is_older_than_the_window() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await;
    let window = Duration::from_millis(500);
    let claim = inbox
        .begin_reusable("tasks/welcome-1", window)
        .await
        .unwrap();
    write_effect(claim, "first")
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    let again = inbox
        .begin_reusable("tasks/welcome-1", window)
        .await
        .unwrap();
    assert!(
        matches!(again, Claim::Done),
        "within the window: a duplicate"
    );
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    // Without a window the mark still counts; with one, the name is free again.
    assert!(matches!(
        inbox.begin("tasks/welcome-1").await.unwrap(),
        Claim::Done
    ));
    let claim = inbox
        .begin_reusable("tasks/welcome-1", window)
        .await
        .unwrap();
    write_effect(claim, "second")
        .await
        .expect("claimed again")
        .commit()
        .await
        .unwrap();
    assert_eq!(
        (
            effects(&inbox, "first").await,
            effects(&inbox, "second").await
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn cleanup_never_waits_for_rows_another_transaction_holds() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await.retention(Duration::from_secs(3600));
    expired_keys(&inbox, 5).await;
    // Another instance's cleanup (or anyone) holds one expired row; a claim holds another.
    let mut other = inbox.pool().begin().await.unwrap();
    sqlx::query("SELECT key FROM gcp_events_inbox WHERE key = 'old/0' FOR UPDATE")
        .execute(&mut *other)
        .await
        .unwrap();
    let started = Instant::now();
    let removed = tokio::time::timeout(Duration::from_secs(5), inbox.cleanup(10))
        .await
        .expect("never a wait on a locked row")
        .unwrap();
    assert_eq!(removed, 4, "every row but the held one");
    assert!(started.elapsed() < Duration::from_secs(2));
    other.rollback().await.unwrap();
    assert_eq!(inbox.cleanup(10).await.unwrap(), 1);
}

#[tokio::test]
async fn claiming_with_begin_answers_the_same_in_one_round_trip_fewer() {
    let server = PostgresServer::start();
    let inbox = inbox(&server).await.claim_with_begin(true);
    fresh(&inbox, "sub/1", "1").await.commit().await.unwrap();
    assert!(matches!(inbox.begin("sub/1").await.unwrap(), Claim::Done));
    let holding = fresh(&inbox, "sub/2", "2").await;
    let started = Instant::now();
    assert!(matches!(
        inbox.begin("sub/2").await.unwrap(),
        Claim::InProgress
    ));
    assert!(started.elapsed() < Duration::from_secs(1), "never a wait");
    holding.commit().await.unwrap();
    // The commit's check holds in this mode too.
    let mut tx = fresh(&inbox, "sub/3", "3").await;
    let _ = sqlx::query("SELECT 1/0").execute(tx.connection()).await;
    assert!(matches!(tx.commit().await, Err(InboxError::IgnoredError)));
    fresh(&inbox, "sub/3", "3").await.commit().await.unwrap();
    // Reusable keys too.
    let window = Duration::from_millis(300);
    let claim = inbox.begin_reusable("tasks/t", window).await.unwrap();
    write_effect(claim, "t")
        .await
        .unwrap()
        .commit()
        .await
        .unwrap();
    assert!(matches!(
        inbox.begin_reusable("tasks/t", window).await.unwrap(),
        Claim::Done
    ));
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    let claim = inbox.begin_reusable("tasks/t", window).await.unwrap();
    write_effect(claim, "t")
        .await
        .expect("free again")
        .commit()
        .await
        .unwrap();
    let counts = (
        effects(&inbox, "1").await,
        effects(&inbox, "2").await,
        effects(&inbox, "3").await,
    );
    assert_eq!((counts, effects(&inbox, "t").await), ((1, 1, 1), 2));
    // The price of the round trip: each duplicate is an ERROR line in the server's log.
    let log = server.log();
    assert!(log.contains("gcp-events: delivery done"), "{log}");
    assert!(log.contains("gcp-events: delivery in progress"), "{log}");
}

#[tokio::test]
async fn a_connection_left_dead_by_a_restart_is_replaced_not_refused() {
    let mut server = PostgresServer::start();
    let inbox = inbox(&server).await;
    fresh(&inbox, "sub/1", "1").await.commit().await.unwrap();
    // Idle pooled connections, all dead once the server restarts.
    server.stop();
    server.restart();
    for key in ["sub/2", "sub/3"] {
        let claim = inbox
            .begin(key)
            .await
            .expect("a dead connection is replaced");
        write_effect(claim, key)
            .await
            .expect("fresh")
            .commit()
            .await
            .unwrap();
    }
    assert!(matches!(inbox.begin("sub/1").await.unwrap(), Claim::Done));
}

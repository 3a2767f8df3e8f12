//! Exactly-once effects, against what a user would do without them, side by side in one run on
//! a real PostgreSQL on loopback (the test kit's server), twice: `fast_commit/…` with
//! `fsync=off` (round trips and the server's work dominate: the hardest case for the ratio) and
//! `durable_commit/…` with `fsync=on` (commits wait for the disk, as in production) (issue 24):
//!
//! - `inbox/bare_sqlx_transaction` vs `inbox/pg_inbox` and `inbox/pg_inbox_claim_with_begin`:
//!   one event's insert in a bare sqlx transaction (`BEGIN`, `INSERT`, `COMMIT`: 3 round trips)
//!   and through `PgInbox::begin` and `commit`: by default 4 round trips (`BEGIN`, then the
//!   claim, which answers a status so that duplicates log no `ERROR`; `COMMIT` carries the
//!   check), with `claim_with_begin(true)` 3 (the claim travels with `BEGIN` and raises for a
//!   duplicate) (target ≤ 1.3×);
//! - `service/plain_handler_own_transaction` vs `service/transactional_handler`: a whole push
//!   through `EventService::handle`, the handler inserting in a transaction it opens itself,
//!   against a `TransactionalHandler` on the inbox doing the same insert (what exactly-once
//!   costs a user, per event).
//!
//! `cargo bench -p gcp-events-benches --bench inbox -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use gcp_events_core::inbox::{Claim, PgInbox};
use gcp_events_core::testing::postgres::PostgresServer;
use gcp_events_core::testing::push_request;
use gcp_events_core::{
    async_trait, Event, EventHandler, EventService, HandlerError, HandlerResult,
    TransactionalHandler,
};
use sqlx::{PgConnection, PgPool};

const INSERT: &str = "INSERT INTO bench_effects (message_id) VALUES ($1)";

static NEXT: AtomicU64 = AtomicU64::new(0);

fn next_id() -> String {
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// The handler a user writes without the inbox: its own transaction around the insert.
struct OwnTransaction(PgPool);

#[async_trait]
impl EventHandler for OwnTransaction {
    async fn handle(&self, event: &Event) -> HandlerResult {
        let id = event
            .pubsub()
            .map_err(HandlerError::new)?
            .message_id
            .clone();
        let mut tx = self.0.begin().await?;
        sqlx::query(INSERT).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The same insert in the delivery's inbox transaction.
struct InInbox;

#[async_trait]
impl TransactionalHandler for InInbox {
    async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
        let id = event
            .pubsub()
            .map_err(HandlerError::new)?
            .message_id
            .clone();
        sqlx::query(INSERT).bind(id).execute(db).await?;
        Ok(())
    }
}

/// Runs `one` per event for `iters` events, timed together.
fn timed<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, one: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    runtime.block_on(async {
        let started = Instant::now();
        for _ in 0..iters {
            one().await;
        }
        started.elapsed()
    })
}

fn inbox(c: &mut Criterion) {
    // `fsync=off`: round trips and the server's work dominate, the hardest case for the ratio.
    let server = PostgresServer::start();
    compare(c, "fast_commit", &server);
    // `fsync=on`: commits wait for the disk, as a production server's do.
    let server = PostgresServer::start_durable();
    compare(c, "durable_commit", &server);
}

fn compare(c: &mut Criterion, setting: &str, server: &PostgresServer) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let inbox = runtime.block_on(async {
        let inbox = PgInbox::connect(&server.url()).await.unwrap();
        inbox.setup().await.unwrap();
        sqlx::raw_sql("CREATE TABLE bench_effects (message_id text)")
            .execute(inbox.pool())
            .await
            .unwrap();
        inbox
    });
    let pool = inbox.pool().clone();
    let mut group = c.benchmark_group(format!("{setting}/inbox"));
    group.bench_function("bare_sqlx_transaction", |b| {
        b.iter_custom(|iters| {
            timed(&runtime, iters, || async {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(INSERT)
                    .bind(next_id())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            })
        });
    });
    let one_trip = inbox.clone().claim_with_begin(true);
    for (name, inbox) in [
        ("pg_inbox", &inbox),
        ("pg_inbox_claim_with_begin", &one_trip),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, || async {
                    let id = next_id();
                    let Claim::Fresh(mut tx) = inbox.begin(&id).await.unwrap() else {
                        panic!("a fresh key");
                    };
                    sqlx::query(INSERT)
                        .bind(&id)
                        .execute(tx.connection())
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                })
            });
        });
    }
    group.finish();

    let plain = EventService::builder()
        .allow_unauthenticated()
        .handler(OwnTransaction(pool.clone()))
        .build()
        .unwrap();
    let transactional = EventService::builder()
        .allow_unauthenticated()
        .inbox(inbox.clone())
        .transactional_handler(InInbox)
        .build()
        .unwrap();
    let mut group = c.benchmark_group(format!("{setting}/service"));
    for (name, service) in [
        ("plain_handler_own_transaction", Arc::new(plain)),
        ("transactional_handler", Arc::new(transactional)),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, || {
                    let service = service.clone();
                    async move {
                        let status = service
                            .handle(push_request(&next_id(), "{}"))
                            .await
                            .status();
                        assert_eq!(status, 201);
                    }
                })
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = inbox
}
criterion_main!(benches);

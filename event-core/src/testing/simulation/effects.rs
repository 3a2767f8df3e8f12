//! The fault simulation against exactly-once effects (feature `postgres`): the application's
//! handler writes one row per attempt in the delivery's transaction, then may run past the
//! deadline, die (its request dropped mid-transaction) or fail; answers may be lost after the
//! commit. Counted from the committed rows: each message must have exactly one.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::PgConnection;

use super::{chance, die, Report, Simulation};
use crate::inbox::PgInbox;
use crate::{Event, EventServiceBuilder, HandlerError, HandlerResult, TransactionalHandler};

struct Effects {
    sim: Simulation,
    attempts: Vec<AtomicU32>,
    failures: AtomicUsize,
    slow: AtomicUsize,
    crashes: AtomicUsize,
}

#[async_trait]
impl TransactionalHandler for Arc<Effects> {
    async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
        let text = event.pubsub().map_err(HandlerError::new)?.data.clone();
        let n: usize = std::str::from_utf8(&text)?.parse()?;
        let attempt = u64::from(self.attempts[n].fetch_add(1, Ordering::SeqCst));
        let (sim, n64) = (&self.sim, n as u64);
        sqlx::query("INSERT INTO simulation_effects (message) VALUES ($1)")
            .bind(i64::try_from(n)?)
            .execute(db)
            .await?;
        if chance(sim.seed, n64, attempt, 1) < sim.slow_rate {
            self.slow.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(sim.slow_for).await;
        }
        if chance(sim.seed, n64, attempt, 5) < sim.crash_rate {
            self.crashes.fetch_add(1, Ordering::SeqCst);
            die().await;
        }
        if chance(sim.seed, n64, attempt, 2) < sim.failure_rate {
            self.failures.fetch_add(1, Ordering::SeqCst);
            return Err(HandlerError::new("injected failure"));
        }
        Ok(())
    }
}

impl Simulation {
    /// Builds the service with `configure` (given the application's transactional handler,
    /// to register on a builder that has `inbox`) and delivers every message to it. The
    /// handler's effects go to the table `simulation_effects`, made (empty) here in `inbox`'s
    /// database; "handled" in the report counts committed rows.
    pub async fn run_effects<C>(&self, inbox: &PgInbox, configure: C) -> Report
    where
        C: FnOnce(Box<dyn TransactionalHandler>) -> EventServiceBuilder,
    {
        sqlx::raw_sql(
            "DROP TABLE IF EXISTS simulation_effects; CREATE TABLE simulation_effects (message bigint)",
        )
        .execute(inbox.pool())
        .await
        .expect("make simulation_effects");
        let app = Arc::new(Effects {
            sim: self.clone(),
            attempts: (0..self.messages).map(|_| AtomicU32::new(0)).collect(),
            failures: AtomicUsize::new(0),
            slow: AtomicUsize::new(0),
            crashes: AtomicUsize::new(0),
        });
        let service = configure(Box::new(app.clone()))
            .build()
            .expect("a valid simulation service");
        let (acknowledged, mut report) = self.deliver_all(&service).await;
        report.injected_failures = app.failures.load(Ordering::SeqCst);
        report.injected_slow = app.slow.load(Ordering::SeqCst);
        report.injected_crashes = app.crashes.load(Ordering::SeqCst);
        let counted: Vec<(i64, i64)> =
            sqlx::query_as("SELECT message, count(*) FROM simulation_effects GROUP BY message")
                .fetch_all(inbox.pool())
                .await
                .expect("count effects");
        let mut rows = vec![0i64; self.messages];
        for (message, count) in counted {
            if let Some(slot) = usize::try_from(message).ok().and_then(|m| rows.get_mut(m)) {
                *slot = count;
            }
        }
        for (acked, rows) in acknowledged.iter().zip(&rows) {
            report.acknowledged += usize::from(*acked);
            report.handled_once += usize::from(*rows == 1);
            report.handled_more_than_once += usize::from(*rows > 1);
            report.acknowledged_unhandled += usize::from(*acked && *rows == 0);
        }
        report
    }
}

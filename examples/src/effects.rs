//! With `GCP_EVENTS_POSTGRES`: the receivers' transactional kinds, whose one effect (a row in
//! `example_effects`) commits exactly once per delivery, with the inbox's done mark.
//!
//! | kind | what it does in the delivery's transaction |
//! |---|---|
//! | `effect` | inserts its row and succeeds |
//! | `effect-fail` | inserts its row, then fails when the message attribute `fail` is `true` |
//! | `effect-slow` | inserts its row, waits `ms` (query parameter, at most 60 000), succeeds |
//! | `effect-crash` | inserts its row, then aborts the process before the commit when the message attribute `crash` is `true` |
//! | `effect-swallow` | inserts its row, then runs a statement that fails and ignores the error (the "already exists? fine" mistake): never acknowledged, nothing kept |
//!
//! Each prints its event line only after the commit.

use gcp_events_core::inbox::PgInbox;
use gcp_events_core::{
    async_trait, Event, EventHandler, HandlerError, HandlerResult, TransactionalHandler,
};
use sqlx::PgConnection;

use crate::PrintEvents;

/// The transactional kinds.
pub const KINDS: [&str; 5] = [
    "effect",
    "effect-fail",
    "effect-slow",
    "effect-crash",
    "effect-swallow",
];

/// The effects table (the inbox's own table is made by `Settings::inbox`).
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS example_effects (
    message_id text,
    kind text,
    reference text,
    at timestamptz DEFAULT now()
)";

/// Makes `example_effects` when missing. Instances that start together (a deploy) run this at
/// once: `CREATE TABLE IF NOT EXISTS` alone can then fail on PostgreSQL's catalogue, so each
/// takes a transaction-scoped advisory lock first, and the others wait their turn.
pub async fn setup(inbox: &PgInbox) -> Result<(), sqlx::Error> {
    let mut tx = inbox.pool().begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('example_effects setup', 0))")
        .execute(&mut *tx)
        .await?;
    sqlx::Executor::execute(&mut *tx, SCHEMA).await?;
    tx.commit().await
}

/// The delivery's message id: the Pub/Sub message id, or else the CloudEvent id, or else the
/// reference.
fn message_id(event: &Event) -> String {
    if let Some(id) = event.pubsub().ok().and_then(|m| m.message_id.clone()) {
        return id;
    }
    match &event.context().cloud_event {
        Some(ce) => ce.id.clone(),
        None => event.reference().to_owned(),
    }
}

/// Whether the delivery's message attribute `name` is `true`.
fn attribute(event: &Event, name: &str) -> bool {
    event
        .pubsub()
        .ok()
        .and_then(|m| m.attributes.get(name))
        .is_some_and(|v| v == "true")
}

/// The handler of every transactional kind (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct Effect;

#[async_trait]
impl TransactionalHandler for Effect {
    async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
        sqlx::query(
            "INSERT INTO example_effects (message_id, kind, reference) VALUES ($1, $2, $3)",
        )
        .bind(message_id(event))
        .bind(event.kind())
        .bind(event.reference())
        .execute(&mut *db)
        .await?;
        match event.kind() {
            "effect-fail" if attribute(event, "fail") => {
                return Err(HandlerError::new("effect-fail: the message says fail=true"));
            }
            "effect-slow" => tokio::time::sleep(crate::wait_asked(event)?).await,
            "effect-swallow" => {
                // The error is ignored, but PostgreSQL has aborted the transaction: the
                // service notices at the commit, keeps nothing and does not acknowledge.
                let _ = sqlx::query("SELECT * FROM example_no_such_table")
                    .execute(&mut *db)
                    .await;
            }
            "effect-crash" if attribute(event, "crash") => {
                // Dies with the row written and the transaction open: PostgreSQL aborts it.
                eprintln!("effect-crash: aborting the process before the commit");
                std::process::abort();
            }
            _ => {}
        }
        Ok(())
    }

    async fn committed(&self, event: &Event) {
        if let Err(e) = PrintEvents.handle(event).await {
            tracing::error!(error = %e, "could not print a committed event");
        }
    }
}

/// Prints every event except the transactional kinds', which print after their commit.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintOthers;

#[async_trait]
impl EventHandler for PrintOthers {
    async fn handle(&self, event: &Event) -> HandlerResult {
        if KINDS.contains(&event.kind()) {
            return Ok(());
        }
        PrintEvents.handle(event).await
    }
}

//! Exactly-once effects on PostgreSQL (feature `postgres`): a transactional inbox. A delivery's
//! claim, the handlers' writes and the done mark share one transaction, so a message's effects
//! in that database commit exactly once, whatever happens: the instance dies mid-handler, the
//! answer is lost, Pub/Sub redelivers while the first attempt still runs elsewhere. Effects
//! outside the database (HTTP calls, e-mails) stay at-least-once.
//!
//! With an [`EventService`](crate::EventService), give the builder an
//! [`inbox`](crate::EventServiceBuilder::inbox) and add
//! [`TransactionalHandler`](crate::TransactionalHandler)s: each delivery they take is keyed by
//! the same identity as the [`idempotency`](crate::idempotency) stores (subscription + message
//! id, or CloudEvent source + id, with the event's kind and reference), and answered so:
//!
//! | the claim finds | answer | handlers |
//! |---|---|---|
//! | nothing | `200`/`201` **only after the commit** of their writes and the done mark; an error, panic, timeout or failed commit rolls back and answers non-2xx | run, in the transaction |
//! | **done** (committed before) | `200 {}`: acknowledged, logged | not run |
//! | **in progress** (here or on another instance) | `409` with `Retry-After`, at once | not run |
//! | the database failing or the pool exhausted | `503` with `Retry-After` within 2 s | not run |
//!
//! A delivery without an identity (a plain JSON post) still runs in a transaction, without a
//! claim: its writes are atomic but a repeat runs again.
//!
//! Per delivery: [`PgInbox::begin`] opens a transaction and, in the same round trip, calls the
//! table's claim function, which takes a transaction-scoped advisory lock on the key **without
//! waiting** (`pg_try_advisory_xact_lock`: a duplicate being handled elsewhere is
//! [`Claim::InProgress`] at once, never a wait on a row lock) and inserts the key's done mark
//! (a key already there is [`Claim::Done`]). Otherwise [`Claim::Fresh`] hands over the
//! transaction, in which the handlers write, and [`InboxTransaction::commit`] commits them and
//! the mark together: `BEGIN` with the claim, the handlers' own statements, `COMMIT` — the
//! round trips of a bare transaction. Ending any other way leaves neither: a dead process's
//! transaction is aborted by PostgreSQL.
//!
//! The table holds one row per done key (`key text primary key, done_at timestamptz`), made
//! with its claim function by [`PgInbox::setup`] or by your own migrations
//! ([`PgInbox::schema_sql`]); an uncommitted mark is seen by nobody else. Done keys are kept
//! for the retention (7 days by default, Pub/Sub's longest redelivery) and removed in small
//! batches by [`PgInbox::cleanup`] (on demand) or [`PgInbox::spawn_cleanup`] (in the
//! background), which only see committed keys older than the retention, so never one in
//! progress.
//!
//! Timeouts it relies on: getting a connection is bounded by 2 s ([`ACQUIRE_TIMEOUT`]: an
//! exhausted pool or a database down is an error, which the service answers `503`), and the
//! service bounds `BEGIN` with the claim, the commit and a rollback by 2 s each. Set a
//! [`handler_timeout`](crate::EventServiceBuilder::handler_timeout): on it the handlers are
//! dropped and their connection closed (not reused mid-statement), so PostgreSQL aborts the
//! transaction; a statement still running on the server runs on until it next checks its
//! client, so also set `statement_timeout` (e.g. in the URL: `?options=-c%20statement_timeout%3D8s`)
//! near the handler timeout. A server-side `idle_in_transaction_session_timeout` below the
//! handler timeout aborts slow handlers' transactions: only a redelivery, never a lost effect.
//!
//! ```no_run
//! # async fn run() -> Result<(), gcp_events_core::inbox::InboxError> {
//! use gcp_events_core::inbox::{Claim, PgInbox};
//!
//! // Standalone, e.g. for a pull subscriber: the same claim, writes and mark.
//! let inbox = PgInbox::connect("postgres://app@127.0.0.1/app").await?;
//! inbox.setup().await?;
//! match inbox.begin("my-delivery-key").await? {
//!     Claim::Fresh(mut tx) => {
//!         sqlx::query("INSERT INTO effects VALUES ('x')")
//!             .execute(tx.connection())
//!             .await
//!             .map_err(gcp_events_core::inbox::InboxError::Database)?;
//!         tx.commit().await?; // acknowledge only now
//!     }
//!     Claim::Done => { /* acknowledge */ }
//!     Claim::InProgress => { /* retry later */ }
//!     _ => {}
//! }
//! # Ok(())
//! # }
//! ```

mod error;
mod transaction;

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

pub use error::InboxError;
pub use transaction::{Claim, InboxTransaction};

/// How long getting a pooled connection may take before the delivery is refused.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long done keys are kept by default: Pub/Sub's longest retention.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// A transactional inbox in one PostgreSQL table (see the [module docs](self)).
#[derive(Clone)]
pub struct PgInbox {
    pool: PgPool,
    table: String,
    retention: Duration,
    namespace: String,
}

impl std::fmt::Debug for PgInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgInbox")
            .field("table", &self.table)
            .field("retention", &self.retention)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

/// The claim's SQLSTATEs (raised by the table's claim function): in progress, and done.
const IN_PROGRESS: &str = "GE409";
const DONE: &str = "GE200";

/// The statement that begins a delivery's transaction and claims `key` in the same round trip
/// (a simple query: `BEGIN; SELECT {table}_claim(key)`). The key travels as hex digits, so no
/// text of the sender's ever reaches the SQL, whatever the server's quoting settings.
fn begin_and_claim(table: &str, key: &str) -> String {
    let hex = crate::idempotency::hex(key.as_bytes());
    format!("BEGIN; SELECT {table}_claim(convert_from(decode('{hex}', 'hex'), 'UTF8'))")
}

/// A plain lower-case SQL identifier, optionally schema-qualified.
fn is_table_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').count() <= 2
        && name.split('.').all(|part| {
            part.len() <= 63
                && part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

impl PgInbox {
    /// Connects a pool to `url` (`postgres://…`), with getting a connection bounded by
    /// [`ACQUIRE_TIMEOUT`], and the table `gcp_events_inbox`.
    pub async fn connect(url: &str) -> Result<Self, InboxError> {
        let pool = PgPoolOptions::new()
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(InboxError::database)?;
        Ok(Self::from_pool(pool))
    }

    /// An inbox on your own pool (set its acquire timeout to a few seconds at most).
    pub fn from_pool(pool: PgPool) -> Self {
        let table = "gcp_events_inbox".to_owned();
        Self {
            pool,
            table,
            retention: DEFAULT_RETENTION,
            namespace: "gcp-events".to_owned(),
        }
    }

    /// Uses another table: a plain lower-case SQL identifier (`[a-z_][a-z0-9_]*`, at most 63
    /// bytes), optionally schema-qualified (`events.inbox`).
    pub fn table(mut self, name: &str) -> Result<Self, InboxError> {
        if !is_table_name(name) {
            return Err(InboxError::TableName(name.to_owned()));
        }
        name.clone_into(&mut self.table);
        Ok(self)
    }

    /// How long done keys are kept (at least as long as a redelivery can come).
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The prefix of a service's delivery keys (default `gcp-events`), to keep apart services
    /// that share a table but must each handle the same delivery.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    pub(crate) fn key_namespace(&self) -> &str {
        &self.namespace
    }

    /// The pool, for the application's own queries.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The SQL that makes the table and its claim function, for teams that run their own
    /// migrations (`CREATE … IF NOT EXISTS` and `CREATE OR REPLACE`: safe to run again).
    ///
    /// The function `{table}_claim(key)` takes a transaction-scoped advisory lock on the key
    /// **without waiting** (`pg_try_advisory_xact_lock`) and inserts the key's done mark
    /// (`ON CONFLICT DO NOTHING`); it raises SQLSTATE `GE409` when another transaction holds
    /// the key, `GE200` when the key is done. Under the lock no other transaction can hold an
    /// uncommitted mark for the key, so the insert never waits either.
    ///
    /// ```
    /// # async fn f(pool: sqlx::PgPool) {
    /// let inbox = gcp_events_core::inbox::PgInbox::from_pool(pool);
    /// assert!(inbox.schema_sql().starts_with("CREATE TABLE IF NOT EXISTS gcp_events_inbox ("));
    /// # }
    /// ```
    pub fn schema_sql(&self) -> String {
        let table = &self.table;
        let index = format!("{}_done_at", table.replace('.', "_"));
        format!(
            "CREATE TABLE IF NOT EXISTS {table} (
    key text PRIMARY KEY,
    done_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS {index} ON {table} USING brin (done_at);
CREATE OR REPLACE FUNCTION {table}_claim(claimed text) RETURNS void LANGUAGE plpgsql AS $claim$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtextextended('{table}:' || claimed, 0)) THEN
        RAISE EXCEPTION 'gcp-events: delivery in progress' USING ERRCODE = '{IN_PROGRESS}';
    END IF;
    INSERT INTO {table} (key) VALUES (claimed) ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'gcp-events: delivery done' USING ERRCODE = '{DONE}';
    END IF;
END
$claim$;"
        )
    }

    /// Makes the table (and its index) when missing.
    pub async fn setup(&self) -> Result<(), InboxError> {
        sqlx::raw_sql(&self.schema_sql())
            .execute(&self.pool)
            .await
            .map_err(InboxError::database)?;
        Ok(())
    }

    /// Opens a delivery's transaction and claims `key` without waiting (see the module docs):
    /// one round trip, `BEGIN` and the claim together.
    pub async fn begin(&self, key: &str) -> Result<Claim, InboxError> {
        let conn = self.pool.acquire().await.map_err(InboxError::database)?;
        let statement = begin_and_claim(&self.table, key);
        match InboxTransaction::begin(conn, Some(statement)).await {
            Ok(tx) => Ok(Claim::Fresh(tx)),
            Err((tx, error)) => {
                let claim = match error.as_database_error().and_then(|e| e.code()).as_deref() {
                    Some(IN_PROGRESS) => Claim::InProgress,
                    Some(DONE) => Claim::Done,
                    _ => return Err(InboxError::database(error)),
                };
                // Nothing was written; end the failed transaction (and free the lock).
                tx.abandon().await?;
                Ok(claim)
            }
        }
    }

    /// A transaction without a claim, for a delivery that has no identity.
    pub(crate) async fn begin_unclaimed(&self) -> Result<InboxTransaction, InboxError> {
        let conn = self.pool.acquire().await.map_err(InboxError::database)?;
        InboxTransaction::begin(conn, None)
            .await
            .map_err(|(_, e)| InboxError::database(e))
    }

    /// Runs [`cleanup`](Self::cleanup) in the background every `every`, in batches of `batch`
    /// until a batch comes back short; a failing database is logged and tried again at the
    /// next tick. Abort the returned task to stop it (it stops with the runtime anyway).
    pub fn spawn_cleanup(&self, every: Duration, batch: u32) -> tokio::task::JoinHandle<()> {
        let inbox = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                loop {
                    match inbox.cleanup(batch).await {
                        Ok(removed) if removed >= u64::from(batch) => {}
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "inbox cleanup failed; trying again later");
                            break;
                        }
                    }
                }
            }
        })
    }

    /// Removes up to `batch` done keys older than the retention; returns how many. Call it
    /// again while it returns `batch` (or from a periodic task): small batches keep each
    /// statement short.
    pub async fn cleanup(&self, batch: u32) -> Result<u64, InboxError> {
        let sql = format!(
            "DELETE FROM {t} WHERE key IN (SELECT key FROM {t} WHERE done_at < now() - make_interval(secs => $1) LIMIT $2)",
            t = self.table
        );
        let done = sqlx::query(&sql)
            .bind(self.retention.as_secs_f64())
            .bind(i64::from(batch))
            .execute(&self.pool)
            .await
            .map_err(InboxError::database)?;
        Ok(done.rows_affected())
    }
}

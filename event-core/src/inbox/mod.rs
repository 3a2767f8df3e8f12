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
//! Per delivery: [`PgInbox::begin`] opens a transaction (setting its
//! `idle_in_transaction_session_timeout`), then calls the table's claim function, which takes
//! a transaction-scoped advisory lock on the key **without waiting**
//! (`pg_try_advisory_xact_lock`: a duplicate being handled elsewhere is [`Claim::InProgress`]
//! at once, never a wait on a row lock) and inserts the key's done mark (a key already there is
//! [`Claim::Done`]). The claim answers a status rather than raising an error, so duplicates
//! leave no `ERROR` in PostgreSQL's log; that costs a round trip of its own, since sqlx reads
//! no row from the statement that begins a transaction.
//! [`PgInbox::claim_with_begin`] sends the claim with `BEGIN` instead (the round trips of a
//! bare transaction), at the price of an `ERROR` line per duplicate. Otherwise [`Claim::Fresh`] hands over the transaction,
//! in which the handlers write, and [`InboxTransaction::commit`] sends `COMMIT` together with a
//! check that the transaction is still the one that claimed the delivery: a handler that
//! ignored a failed statement (PostgreSQL has then aborted the transaction, and a bare
//! `COMMIT` would roll back without an error) or ended the transaction itself is caught there,
//! and nothing is acknowledged. Ending any other way leaves neither writes nor mark: a dead
//! process's transaction is aborted by PostgreSQL.
//!
//! The table holds one row per done key (`key text primary key, done_at timestamptz`), made
//! with its two functions by [`PgInbox::setup`] (safe on every instance at once) or by your own
//! migrations ([`PgInbox::schema_sql`]); an uncommitted mark is seen by nobody else. Done keys
//! are kept for the retention (7 days by default, Pub/Sub's longest redelivery) and removed in
//! small batches by [`PgInbox::cleanup`] (on demand) or [`PgInbox::spawn_cleanup`] (in the
//! background), which only see committed keys older than the retention, skip keys being
//! claimed and rows other cleanups hold, and so never make anyone wait. A key whose sender may
//! reuse it (a Cloud Tasks task name) is claimed with [`PgInbox::begin_reusable`]: its mark
//! counts only for the reuse window.
//!
//! Connections: an idle one is taken without sqlx's test ping (the statement that begins the
//! transaction is the test; one found dead, as after a server restart, is replaced once by a
//! tested one). Timeouts it relies on: getting a connection is bounded by 2 s
//! ([`ACQUIRE_TIMEOUT`]: an exhausted pool or a database down is an error, which the service
//! answers `503`), and the
//! service bounds the claim, the commit and a rollback by 2 s each. With an inbox the service
//! always has a handler timeout ([`DEFAULT_HANDLER_TIMEOUT`] unless you set one): on it the
//! handlers are dropped and their connection closed (not reused mid-statement), so PostgreSQL
//! aborts the transaction. A statement still running on the server runs on until it next
//! checks its client, so also set `statement_timeout` (e.g. in the URL:
//! `?options=-c%20statement_timeout%3D8s`) near the handler timeout. Each transaction's
//! `idle_in_transaction_session_timeout` is the handler timeout + 5 s ([`PgInbox::idle_limit`]):
//! a client that vanished without closing its socket frees its delivery then.
//!
//! Needs PostgreSQL 11 or later (`hashtextextended`). Leave the table to the inbox: a handler
//! that deletes from it defeats the check at commit.
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

mod cleanup;
mod connect;
mod error;
mod schema;
mod transaction;
mod url;

use std::time::Duration;

use sqlx::postgres::PgPool;

pub use connect::PoolSettings;
pub use error::InboxError;
use schema::Names;
pub use transaction::{Claim, InboxTransaction};

/// How long getting a pooled connection may take before the delivery is refused, by default.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long done keys are kept by default: Pub/Sub's longest retention.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);
/// The handler timeout a service with an inbox gets when none is set: nothing holds a
/// delivery's connection and claim for ever.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a delivery's transaction may sit idle (waiting for its client) before PostgreSQL
/// aborts it, unless set otherwise: a client that vanished without closing its socket frees
/// the delivery after this, not after TCP keepalive's two hours. A service sets it from its
/// handler timeout.
pub const DEFAULT_IDLE_LIMIT: Duration = Duration::from_secs(65);

/// A transactional inbox in one PostgreSQL table (see the [module docs](self)).
#[derive(Clone)]
pub struct PgInbox {
    pool: PgPool,
    names: Names,
    retention: Duration,
    namespace: String,
    idle_limit: Duration,
    claim_with_begin: bool,
}

impl std::fmt::Debug for PgInbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgInbox")
            .field("table", &self.names.plain)
            .field("retention", &self.retention)
            .field("namespace", &self.namespace)
            .field("idle_limit", &self.idle_limit)
            .field("claim_with_begin", &self.claim_with_begin)
            .finish_non_exhaustive()
    }
}

/// The claim's three answers.
const FRESH: &str = "fresh";
const DONE: &str = "done";
const BUSY: &str = "busy";

/// Checks a URL as [`PgInbox::connect`] reads it, without connecting (for settings read at
/// start).
pub(crate) fn check_url(url: &str) -> Result<(), &'static str> {
    url::parse(url).map(drop)
}

/// Whether an error says the connection itself is gone: the socket failed, or the server
/// ended the session (SQLSTATE class 08, connection exception, or 57P, such as a shutdown).
fn is_dead(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

impl PgInbox {
    /// An inbox on your own pool (set its acquire timeout to a few seconds at most).
    pub fn from_pool(pool: PgPool) -> Self {
        Self {
            pool,
            names: Names::new("gcp_events_inbox").unwrap_or_else(|_| unreachable!()),
            retention: DEFAULT_RETENTION,
            namespace: "gcp-events".to_owned(),
            idle_limit: DEFAULT_IDLE_LIMIT,
            claim_with_begin: false,
        }
    }

    /// Uses another table: a plain lower-case SQL identifier (`[a-z_][a-z0-9_]*`), optionally
    /// schema-qualified (`events.inbox`), of at most 48 bytes so that the names made from it
    /// (`{table}_claim_or_raise` the longest) fit PostgreSQL's 63. Keywords
    /// (`order`, `user`) are fine: every name is quoted.
    pub fn table(mut self, name: &str) -> Result<Self, InboxError> {
        self.names = Names::new(name)?;
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

    /// How long a delivery's transaction may wait idle for its client before PostgreSQL
    /// aborts it (`idle_in_transaction_session_timeout`, set on each transaction; default
    /// [`DEFAULT_IDLE_LIMIT`]; at least a second). An
    /// [`EventService`](crate::EventService) sets it to its handler timeout plus 5 s.
    pub fn idle_limit(mut self, limit: Duration) -> Self {
        self.idle_limit = limit.max(Duration::from_secs(1));
        self
    }

    /// Claims in the same round trip as `BEGIN` (off by default). A delivery then costs the
    /// round trips of a bare transaction, one fewer than by default, but the claim must raise
    /// to say "duplicate" there (sqlx reads no row from the statement that begins a
    /// transaction): every done or in-progress duplicate writes an `ERROR` line (SQLSTATE
    /// `GE200` or `GE409`) to PostgreSQL's log. Turn it on when latency matters more than a
    /// quiet error log (or filter those codes out of your alerting); the answers are the same.
    pub fn claim_with_begin(mut self, on: bool) -> Self {
        self.claim_with_begin = on;
        self
    }

    pub(crate) fn key_namespace(&self) -> &str {
        &self.namespace
    }

    /// The pool, for the application's own queries.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The SQL that makes the table, its index and its two functions, for teams that run their
    /// own migrations (`CREATE … IF NOT EXISTS` and `CREATE OR REPLACE`: safe to run again,
    /// though not by several callers at once: [`setup`](Self::setup) is).
    ///
    /// `{table}_claim(key, reuse_after)` takes a transaction-scoped advisory lock on the key
    /// **without waiting** (`pg_try_advisory_xact_lock`) and inserts the key's done mark; it
    /// answers `busy` when another transaction holds the key, `done` when the key's mark is
    /// there (and younger than `reuse_after` seconds, when given), else `fresh`. It never
    /// raises, so duplicates leave no `ERROR` in PostgreSQL's log. Under the lock no other
    /// transaction can hold an uncommitted mark for the key, so the insert never waits either.
    /// `{table}_done(key)`, sent with `COMMIT`, raises unless the transaction is still the one
    /// that claimed `key` (a transaction-local marker the claim sets).
    ///
    /// ```
    /// # async fn f(pool: sqlx::PgPool) {
    /// let inbox = gcp_events_core::inbox::PgInbox::from_pool(pool);
    /// assert!(inbox.schema_sql().starts_with("CREATE TABLE IF NOT EXISTS \"gcp_events_inbox\" ("));
    /// # }
    /// ```
    pub fn schema_sql(&self) -> String {
        self.names.schema_sql()
    }

    /// Makes the table, its index and functions when missing (or replaces a function whose
    /// body differs): safe under any number of concurrent callers, serialized by an advisory
    /// lock, so every instance of a service can run it at start.
    pub async fn setup(&self) -> Result<(), InboxError> {
        schema::setup(&self.pool, &self.names).await
    }

    /// Opens a delivery's transaction and claims `key` without waiting (see the module docs).
    pub async fn begin(&self, key: &str) -> Result<Claim, InboxError> {
        self.claim(Some(key), None).await
    }

    /// As [`begin`](Self::begin), but a done mark older than `reuse_after` no longer counts:
    /// the key is claimed again. For identities that their sender may reuse, such as Cloud
    /// Tasks task names (free again about an hour after the task ran).
    pub async fn begin_reusable(
        &self,
        key: &str,
        reuse_after: Duration,
    ) -> Result<Claim, InboxError> {
        self.claim(Some(key), Some(reuse_after)).await
    }

    /// Begins a transaction, bounded by the idle limit, and claims `key` when there is one
    /// (without, the transaction is marked so that the commit's check still applies).
    pub(crate) async fn claim(
        &self,
        key: Option<&str>,
        reuse_after: Option<Duration>,
    ) -> Result<Claim, InboxError> {
        let idle = self.idle_limit.as_millis();
        let (begin, commit) = match key {
            Some(key) => {
                // The key travels as hex digits, so no text of the sender's ever reaches the
                // SQL, whatever the server's quoting settings.
                let hex = crate::idempotency::hex(key.as_bytes());
                let key = format!("convert_from(decode('{hex}', 'hex'), 'UTF8')");
                let mut begin = format!("BEGIN; SET LOCAL idle_in_transaction_session_timeout = {idle}");
                if self.claim_with_begin {
                    let reuse = reuse_after.map_or("NULL".to_owned(), |d| d.as_secs_f64().to_string());
                    begin.push_str(&format!("; SELECT {}({key}, {reuse})", self.names.claim_or_raise));
                }
                (begin, format!("SELECT {}({key}); COMMIT; BEGIN", self.names.done))
            }
            None => (
                format!(
                    "BEGIN; SET LOCAL idle_in_transaction_session_timeout = {idle}; SET LOCAL gcp_events.unclaimed = 'on'"
                ),
                format!("SELECT {}(NULL); COMMIT; BEGIN", self.names.done),
            ),
        };
        let mut tx = match self.open(begin, commit).await? {
            Ok(tx) => tx,
            Err((tx, error)) => return Self::raised(tx, error).await,
        };
        let Some(key) = key else {
            return Ok(Claim::Fresh(tx));
        };
        if self.claim_with_begin {
            return Ok(Claim::Fresh(tx));
        }
        // On an error the transaction is dropped, closing its connection.
        let status = self.claim_status(&mut tx, key, reuse_after).await?;
        match status.as_str() {
            FRESH => Ok(Claim::Fresh(tx)),
            DONE | BUSY => {
                // Nothing was written; end the transaction (and free the lock).
                tx.rollback().await?;
                Ok(if status == DONE {
                    Claim::Done
                } else {
                    Claim::InProgress
                })
            }
            _ => Err(InboxError::database(sqlx::Error::Protocol(format!(
                "unexpected claim status {status:?}"
            )))),
        }
    }

    /// Sends `begin` on an idle connection taken as it is: the statement that begins the
    /// transaction is the connection's test, so sqlx's own test (a ping, a round trip on every
    /// acquire) is skipped. A connection found dead (the server restarted since it was last
    /// used) is closed and replaced once by one the pool tests; nothing had happened on it.
    async fn open(
        &self,
        begin: String,
        commit: String,
    ) -> Result<Result<InboxTransaction, (InboxTransaction, sqlx::Error)>, InboxError> {
        if let Some(conn) = self.pool.try_acquire() {
            match InboxTransaction::begin(conn, begin.clone(), commit.clone()).await {
                // Dropped, so closed; a tested connection next.
                Err((_, error)) if is_dead(&error) => {}
                begun => return Ok(begun),
            }
        }
        let conn = self.pool.acquire().await.map_err(InboxError::database)?;
        Ok(InboxTransaction::begin(conn, begin, commit).await)
    }

    /// A beginning statement that failed: the raising claim's duplicate (its transaction ended
    /// with a `ROLLBACK`, freeing the lock), or a database failure.
    async fn raised(tx: InboxTransaction, error: sqlx::Error) -> Result<Claim, InboxError> {
        let claim = match error.as_database_error().and_then(|e| e.code()).as_deref() {
            Some(schema::IN_PROGRESS) => Claim::InProgress,
            Some(schema::DONE) => Claim::Done,
            _ => return Err(InboxError::database(error)),
        };
        tx.abandon().await?;
        Ok(claim)
    }

    /// Calls the claim function in the open transaction: `fresh`, `done` or `busy`.
    async fn claim_status(
        &self,
        tx: &mut InboxTransaction,
        key: &str,
        reuse_after: Option<Duration>,
    ) -> Result<String, InboxError> {
        let sql = format!("SELECT {}($1, $2)", self.names.claim);
        sqlx::query_scalar(&sql)
            .bind(key.to_owned())
            .bind(reuse_after.map(|d| d.as_secs_f64()))
            .fetch_one(tx.connection())
            .await
            .map_err(InboxError::database)
    }
}

//! One delivery's transaction: its connection, its claim, and how it ends.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgTransactionManager};
use sqlx::{Postgres, TransactionManager};

use super::InboxError;

/// What [`PgInbox::begin`](super::PgInbox::begin) found for a delivery.
#[derive(Debug)]
#[non_exhaustive]
pub enum Claim {
    /// Not done and not in progress: handle it in this transaction, then commit.
    Fresh(InboxTransaction),
    /// Already done (its effects committed): acknowledge it without running the handlers.
    Done,
    /// Being handled now, here or on another instance: answer a retryable non-2xx.
    InProgress,
}

/// A delivery's live transaction, holding its claim and (uncommitted) done mark.
///
/// End it with [`commit`](Self::commit) or [`rollback`](Self::rollback). Dropped before
/// either finished (a panic, a timeout, a cancelled request), its connection is closed rather
/// than returned to the pool, since it may be in the middle of a statement: PostgreSQL then
/// aborts the transaction, and neither the writes nor the mark remain.
pub struct InboxTransaction {
    conn: PoolConnection<Postgres>,
    /// The transaction ended cleanly; the connection can go back to the pool.
    ended: bool,
    /// The statement that checks the transaction is still the delivery's and commits it.
    commit: String,
}

impl std::fmt::Debug for InboxTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxTransaction")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl InboxTransaction {
    /// Begins a transaction on `conn` with `statement` (which begins it and may set more in the
    /// same round trip); `commit` will end it. sqlx keeps count, so a nested `begin` on the
    /// connection is a savepoint. On failure, the connection (closed when dropped) and why.
    pub(super) async fn begin(
        conn: PoolConnection<Postgres>,
        statement: String,
        commit: String,
    ) -> Result<Self, (Self, sqlx::Error)> {
        // Not ended until it commits or rolls back: a failed or cancelled begin closes it.
        let mut tx = Self {
            conn,
            ended: false,
            commit,
        };
        match PgTransactionManager::begin(&mut tx.conn, Some(statement.into())).await {
            Ok(()) => Ok(tx),
            Err(error) => Err((tx, error)),
        }
    }

    /// Ends a transaction whose beginning statement failed after `BEGIN` (sqlx does not count
    /// it, so this is a plain `ROLLBACK`); the connection then goes back to the pool.
    pub(super) async fn abandon(mut self) -> Result<(), InboxError> {
        sqlx::Executor::execute(&mut *self.conn, "ROLLBACK")
            .await
            .map_err(InboxError::database)?;
        self.ended = true;
        Ok(())
    }

    /// The connection the handlers write through; their writes commit with the done mark.
    pub fn connection(&mut self) -> &mut PgConnection {
        &mut self.conn
    }

    /// Commits the writes and the done mark, after checking, in the same round trip, that the
    /// transaction is still the delivery's: not aborted by a failed statement that a handler
    /// ignored, not ended by a handler's own `COMMIT` or `ROLLBACK`.
    /// Only when this returns `Ok` may the delivery be acknowledged; see [`InboxError`] for what
    /// each error means (only [`InboxError::CommitUnknown`] may have kept anything).
    pub async fn commit(mut self) -> Result<(), InboxError> {
        // A handler that left a savepoint open (a forgotten nested transaction) would make
        // this commit only release it: refuse rather than acknowledge uncommitted work.
        if PgTransactionManager::get_transaction_depth(&self.conn) != 1 {
            self.rollback_all().await?;
            return Err(InboxError::Unbalanced);
        }
        // `check; COMMIT; BEGIN`: the check fails in an aborted or foreign transaction, and
        // then nothing after it runs. After a commit, the empty `BEGIN` keeps sqlx's count
        // true; its `ROLLBACK` is queued, and sent when the connection goes back to the pool.
        let commit = self.commit.as_str();
        match sqlx::Executor::execute(&mut *self.conn, commit).await {
            Ok(_) => {
                PgTransactionManager::start_rollback(&mut self.conn);
                self.ended = true;
                Ok(())
            }
            Err(error) => {
                let code = error.as_database_error().and_then(|e| e.code());
                match code.as_deref() {
                    // in_failed_sql_transaction: the ordinary rollback ends it.
                    Some("25P02") => {
                        self.rollback_all().await?;
                        Err(InboxError::IgnoredError)
                    }
                    // Whatever state the handler left is closed with the connection.
                    Some(super::schema::NOT_THE_DELIVERY) => Err(InboxError::TransactionEnded),
                    Some(_) => Err(InboxError::database(error)),
                    None => Err(InboxError::CommitUnknown(error)),
                }
            }
        }
    }

    /// Rolls back: neither the handlers' writes nor the mark remain.
    pub async fn rollback(mut self) -> Result<(), InboxError> {
        self.rollback_all().await
    }

    async fn rollback_all(&mut self) -> Result<(), InboxError> {
        while PgTransactionManager::get_transaction_depth(&self.conn) > 0 {
            PgTransactionManager::rollback(&mut self.conn)
                .await
                .map_err(InboxError::database)?;
        }
        self.ended = true;
        Ok(())
    }
}

impl Drop for InboxTransaction {
    fn drop(&mut self) {
        if !self.ended {
            self.conn.close_on_drop();
        }
    }
}

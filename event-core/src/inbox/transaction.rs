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
}

impl std::fmt::Debug for InboxTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxTransaction")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl InboxTransaction {
    /// Begins a transaction on `conn` with `BEGIN`, or with `statement` (which begins it and
    /// may do more in the same round trip). sqlx keeps count, so a nested `begin` on the
    /// connection is a savepoint. On failure, the connection (closed when dropped) and why.
    pub(super) async fn begin(
        conn: PoolConnection<Postgres>,
        statement: Option<String>,
    ) -> Result<Self, (Self, sqlx::Error)> {
        // Not ended until it commits or rolls back: a failed or cancelled begin closes it.
        let mut tx = Self { conn, ended: false };
        match PgTransactionManager::begin(&mut tx.conn, statement.map(Into::into)).await {
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

    /// Commits the writes and the done mark. Only when this returns `Ok` may the delivery be
    /// acknowledged; an error (a failed commit, a lost connection) means nothing was kept.
    pub async fn commit(mut self) -> Result<(), InboxError> {
        // A handler that left a savepoint open (a forgotten nested transaction) would make
        // this commit only release it: refuse rather than acknowledge uncommitted work.
        if PgTransactionManager::get_transaction_depth(&self.conn) != 1 {
            return Err(InboxError::Unbalanced);
        }
        PgTransactionManager::commit(&mut self.conn)
            .await
            .map_err(InboxError::database)?;
        self.ended = true;
        Ok(())
    }

    /// Rolls back: neither the handlers' writes nor the mark remain.
    pub async fn rollback(mut self) -> Result<(), InboxError> {
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

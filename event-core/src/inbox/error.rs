//! Why the inbox could not do its part.

/// An inbox failure. A database failure is answered like a failing idempotency store (`503`,
/// nothing acknowledged); a handler that broke its transaction like a failing handler. The
/// text is for logs only.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The database could not be reached or refused a statement (down, pool exhausted past
    /// the acquire timeout, a commit it refused): nothing was kept.
    #[error("inbox database: {0}")]
    Database(#[source] sqlx::Error),
    /// The database URL cannot be read (shown without its password).
    #[error("inbox database URL {0}")]
    Url(String),
    /// The table name is not a plain lower-case SQL identifier, or is too long for the names
    /// derived from it to fit PostgreSQL's 63 bytes.
    #[error(
        "inbox table name {0:?}: use a plain lower-case SQL identifier (optionally schema.table) of at most 48 bytes"
    )]
    TableName(String),
    /// The handlers left a nested transaction (a savepoint) open, so committing would not
    /// commit the delivery's transaction: it is rolled back instead.
    #[error("a nested transaction was left open: the delivery's transaction cannot commit")]
    Unbalanced,
    /// A statement failed and the handler went on (the error ignored), so PostgreSQL had
    /// aborted the transaction: `COMMIT` would have kept nothing. Rolled back.
    #[error("the handler ignored a database error; nothing was committed")]
    IgnoredError,
    /// The handlers ended the delivery's transaction themselves (`COMMIT` or `ROLLBACK` sent as
    /// SQL), so it no longer holds the delivery's done mark. Nothing is acknowledged.
    #[error("the handler ended the delivery's transaction itself (COMMIT or ROLLBACK); the delivery is not acknowledged")]
    TransactionEnded,
    /// The connection failed after `COMMIT` was sent: the commit may or may not have happened.
    /// Not acknowledged; a redelivery finds out (done, or run again).
    #[error("the commit's outcome is unknown (the connection failed after COMMIT was sent): {0}")]
    CommitUnknown(#[source] sqlx::Error),
}

impl InboxError {
    pub(super) fn database(error: sqlx::Error) -> Self {
        Self::Database(error)
    }

    /// Whether the handlers broke the transaction (answered as a handler failure), rather than
    /// the database failing.
    pub fn is_handler_fault(&self) -> bool {
        matches!(
            self,
            Self::Unbalanced | Self::IgnoredError | Self::TransactionEnded
        )
    }
}

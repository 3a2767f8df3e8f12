//! Why the inbox could not do its part.

/// An inbox failure. A database failure is answered like a failing idempotency store (`503`,
/// nothing acknowledged); its text is for logs only.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The database could not be reached or refused a statement (down, pool exhausted past
    /// the acquire timeout, a failed commit).
    #[error("inbox database: {0}")]
    Database(#[source] sqlx::Error),
    /// The table name is not a plain lower-case SQL identifier.
    #[error(
        "inbox table name {0:?}: use a plain lower-case SQL identifier, optionally schema.table"
    )]
    TableName(String),
    /// The handlers left a nested transaction (a savepoint) open, so committing would not
    /// commit the delivery's transaction: it is rolled back instead.
    #[error("a nested transaction was left open: the delivery's transaction cannot commit")]
    Unbalanced,
}

impl InboxError {
    pub(super) fn database(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

//! Test parts for the transactional inbox (feature `postgres`): a PostgreSQL with an inbox and
//! an `effects` table ready, and a transactional handler whose one effect is a row there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::PgConnection;

use crate::inbox::PgInbox;
use crate::testing::postgres::PostgresServer;
use crate::{Event, HandlerError, HandlerResult, TransactionalHandler};

/// A fresh PostgreSQL with the inbox's table and `effects (message_id text)`.
pub struct EffectsDatabase {
    /// The server (stop and restart it to test failures).
    pub server: PostgresServer,
    /// An inbox on it.
    pub inbox: PgInbox,
}

impl std::fmt::Debug for EffectsDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EffectsDatabase")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl EffectsDatabase {
    /// Starts the server and makes both tables.
    pub async fn start() -> Self {
        let server = PostgresServer::start();
        let inbox = PgInbox::connect(&server.url())
            .await
            .expect("connect to the test PostgreSQL");
        inbox.setup().await.expect("make the inbox table");
        sqlx::raw_sql("CREATE TABLE effects (message_id text)")
            .execute(inbox.pool())
            .await
            .expect("make the effects table");
        Self { server, inbox }
    }

    /// The committed effect rows of one message.
    pub async fn rows(&self, message_id: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM effects WHERE message_id = $1")
            .bind(message_id)
            .fetch_one(self.inbox.pool())
            .await
            .expect("count effects")
    }

    /// Every committed effect row.
    pub async fn all_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM effects")
            .fetch_one(self.inbox.pool())
            .await
            .expect("count effects")
    }
}

/// Writes one row into `effects` for the delivery (its Pub/Sub message id), then does what the
/// message's `then` attribute says: `fail`, `panic`, `abort` (the process), `discard`, `sleep`
/// (for `ms` milliseconds), or nothing. Counts its attempts.
#[derive(Clone, Default, Debug)]
pub struct EffectWriter {
    attempts: Arc<AtomicUsize>,
}

impl EffectWriter {
    /// How many times it ran (committed or not).
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl TransactionalHandler for EffectWriter {
    async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let message = event.pubsub().map_err(HandlerError::new)?;
        sqlx::query("INSERT INTO effects (message_id) VALUES ($1)")
            .bind(message.message_id.as_deref().unwrap_or_default())
            .execute(db)
            .await?;
        let attribute = |name: &str| message.attributes.get(name).map(String::as_str);
        match attribute("then") {
            Some("fail") => Err(HandlerError::new("told to fail")),
            Some("panic") => panic!("told to panic"),
            Some("abort") => std::process::abort(),
            Some("discard") => Err(HandlerError::discard("told to discard")),
            Some("sleep") => {
                let ms = attribute("ms").and_then(|ms| ms.parse().ok()).unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

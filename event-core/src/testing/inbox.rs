//! Test parts for the transactional inbox (feature `postgres`): a PostgreSQL with an inbox and
//! an `effects` table ready, and a transactional handler whose one effect is a row there.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sqlx::PgConnection;

use crate::inbox::PgInbox;
use crate::testing::emulator::{Message, PubSubEmulator, PushWrapper};
use crate::testing::postgres::PostgresServer;
use crate::{Event, EventService, HandlerError, HandlerResult, TransactionalHandler};

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

/// Writes one row into `effects` for the delivery (its Pub/Sub message id; a task's or a
/// Scheduler job's name, and nothing more, for those), then does what the
/// message's `then` attribute says: `fail`, `panic`, `abort` (the process), `discard`, `sleep`
/// (for `ms` milliseconds), `swallow` (runs a failing statement and ignores its error, then
/// succeeds), `swallow-discard` (the same, then discards), `rollback` or `commit` (sends that
/// statement itself, then succeeds), `savepoint` (begins a nested transaction and forgets it
/// open, then succeeds), or nothing; with `fail_attempts` = N it fails the
/// message's first N attempts. Counts its attempts.
#[derive(Clone, Default, Debug)]
pub struct EffectWriter {
    attempts: Arc<AtomicUsize>,
    per_message: Arc<Mutex<HashMap<String, usize>>>,
}

impl EffectWriter {
    /// How many times it ran (committed or not).
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }

    /// How many times it ran for one message.
    pub fn attempts_of(&self, message_id: &str) -> usize {
        let seen = self.per_message.lock().expect("attempts");
        seen.get(message_id).copied().unwrap_or(0)
    }
}

#[async_trait]
impl TransactionalHandler for EffectWriter {
    async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        // A task or a Scheduler run is written under its task or job name.
        let context = event.context();
        if let Some(name) = context
            .cloud_tasks
            .as_ref()
            .map(|t| t.task_name.as_str())
            .or(context.scheduler.as_ref().map(|s| s.job_name.as_str()))
        {
            sqlx::query("INSERT INTO effects (message_id) VALUES ($1)")
                .bind(name)
                .execute(&mut *db)
                .await?;
            return Ok(());
        }
        let message = event.pubsub().map_err(HandlerError::new)?;
        let id = message.message_id.clone().unwrap_or_default();
        let attempt = {
            let mut seen = self.per_message.lock().expect("attempts");
            let n = seen.entry(id.clone()).or_default();
            *n += 1;
            *n
        };
        sqlx::query("INSERT INTO effects (message_id) VALUES ($1)")
            .bind(&id)
            .execute(&mut *db)
            .await?;
        let attribute = |name: &str| message.attributes.get(name).map(String::as_str);
        let failing = attribute("fail_attempts").and_then(|n| n.parse::<usize>().ok());
        if failing.is_some_and(|n| attempt <= n) {
            return Err(HandlerError::new(format!("attempt {attempt} fails")));
        }
        let then = attribute("then");
        if let Some(statement) = match then {
            Some("swallow" | "swallow-discard") => Some("SELECT * FROM no_such_table"),
            Some("rollback") => Some("ROLLBACK"),
            Some("commit") => Some("COMMIT"),
            _ => None,
        } {
            // The error (if any) ignored, as the "already exists? fine" mistake does.
            let _ = sqlx::Executor::execute(&mut *db, statement).await;
        }
        if then == Some("savepoint") {
            // A nested transaction (a savepoint) begun and forgotten, left open.
            let nested = sqlx::Connection::begin(&mut *db).await?;
            std::mem::forget(nested);
        }
        match then {
            Some("swallow-discard") => Err(HandlerError::discard("told to discard")),
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

/// The end-to-end case each adapter runs for R7: the real Pub/Sub emulator pushes ten messages
/// to a receiver with the transactional inbox (served by the adapter's `start`); three fail
/// their first two attempts and are redelivered by the emulator until they commit. Exactly one
/// effect row per message, and no late duplicate adds one.
pub async fn pubsub_emulator_with_the_inbox_commits_one_row_per_message<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let db = EffectsDatabase::start().await;
    let effects = EffectWriter::default();
    let service = EventService::builder()
        .allow_unauthenticated()
        .handler_timeout(Duration::from_secs(5))
        .inbox(db.inbox.clone())
        .transactional_handler(effects.clone())
        .build()
        .expect("valid configuration");
    let addr = start(service).await;

    let emulator = PubSubEmulator::start().await;
    emulator.create_topic("effects").await;
    let endpoint = format!("http://{addr}/gcp-events/events/order/inbox");
    emulator
        .create_push_subscription("sub-inbox", "effects", &endpoint, PushWrapper::Wrapped, 10)
        .await;
    let messages: Vec<Message> = (0..10)
        .map(|n| {
            let attributes = if n % 3 == 1 {
                vec![("fail_attempts".to_owned(), "2".to_owned())]
            } else {
                Vec::new()
            };
            (format!("order-{n}").into_bytes(), attributes)
        })
        .collect();
    let ids = emulator.publish("effects", &messages).await;

    let deadline = Instant::now() + Duration::from_secs(60);
    while db.all_rows().await < 10 {
        assert!(
            Instant::now() < deadline,
            "not every message committed within 60 s: {} of 10",
            db.all_rows().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Watch a little longer: no late duplicate may add a row.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(db.all_rows().await, 10);
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(db.rows(id).await, 1, "message {n} ({id}): one row");
        if n % 3 == 1 {
            assert_eq!(
                effects.attempts_of(id),
                3,
                "message {n}: redelivered until it committed"
            );
        }
    }
}

//! Connecting the inbox's pool: its size and acquire bound (from code or from the URL), the
//! URL forms Cloud SQL users write, and server-side keepalives on every connection.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::{url, InboxError, PgInbox, ACQUIRE_TIMEOUT};

/// The inbox's pool: how many connections, and how long a delivery may wait for one before it
/// is refused (`503`, nothing acknowledged).
///
/// Each delivery that a transactional handler takes holds one connection for its whole
/// handler. Size the pool for the deliveries handled at once: with
/// [`max_in_flight`](crate::EventServiceBuilder::max_in_flight) at most the pool's size, an
/// overload is refused before its body is read instead of waiting for a connection; and keep
/// instances × pool size within the database's `max_connections` (Cloud Run's default
/// concurrency is 80 requests per instance, so set `--concurrency` or `max_in_flight` with
/// the pool in mind).
///
/// ```
/// use gcp_events_core::inbox::PoolSettings;
/// use std::time::Duration;
///
/// let pool = PoolSettings::default()
///     .max_connections(20)
///     .acquire_timeout(Duration::from_secs(1));
/// assert_eq!(pool.max_connections, 20);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// The pool's size (default 10).
    pub max_connections: u32,
    /// How long getting a connection may take (default [`ACQUIRE_TIMEOUT`], 2 s).
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: ACQUIRE_TIMEOUT,
        }
    }
}

impl PoolSettings {
    /// The pool's size (at least 1).
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// How long getting a connection may take.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }
}

/// Server-side TCP keepalives, so that PostgreSQL notices a client that vanished without
/// closing its socket within about two minutes (ignored on a Unix socket).
const KEEPALIVES: &str =
    "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6";

impl PgInbox {
    /// Connects a pool to `url` and uses the table `gcp_events_inbox`. The URL is a
    /// `postgres://` URL as the driver reads it, or a Cloud SQL socket URL with the user and
    /// password before the `@` (`postgres://app:pw@/orders?host=/cloudsql/p:r:db`), and may
    /// carry the pool's own parameters, which the driver never sees: `max_connections=N`
    /// and `acquire_timeout_ms=N` (else [`PoolSettings::default`]). Errors show the URL
    /// without its password.
    pub async fn connect(url: &str) -> Result<Self, InboxError> {
        let parsed = read(url)?;
        let mut pool = PoolSettings::default();
        if let Some(n) = parsed.max_connections {
            pool.max_connections = n;
        }
        if let Some(timeout) = parsed.acquire_timeout {
            pool.acquire_timeout = timeout;
        }
        open(&parsed.driver, pool).await
    }

    /// As [`connect`](Self::connect), with the pool's size and acquire bound given here (they
    /// win over the URL's parameters).
    pub async fn connect_with(url: &str, pool: PoolSettings) -> Result<Self, InboxError> {
        open(&read(url)?.driver, pool).await
    }
}

fn read(url: &str) -> Result<url::InboxUrl, InboxError> {
    url::parse(url)
        .map_err(|why| InboxError::Url(format!("{}: {why}", crate::redact::redacted_url(url))))
}

async fn open(driver: &str, pool: PoolSettings) -> Result<PgInbox, InboxError> {
    // The driver's own parse errors never hold the password, but say so in our words.
    let options = PgConnectOptions::from_str(driver).map_err(|_| {
        InboxError::Url(format!(
            "{}: the driver cannot read it",
            crate::redact::redacted_url(driver)
        ))
    })?;
    let pool = PgPoolOptions::new()
        .max_connections(pool.max_connections)
        .acquire_timeout(pool.acquire_timeout)
        .after_connect(|conn, _| {
            Box::pin(async move { sqlx::Executor::execute(conn, KEEPALIVES).await.map(drop) })
        })
        .connect_with(options)
        .await
        .map_err(InboxError::database)?;
    Ok(PgInbox::from_pool(pool))
}

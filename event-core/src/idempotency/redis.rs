//! [`RedisStore`]: claims shared by every instance through one Redis (feature `redis`).

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;

use super::{Claim, ClaimToken, IdempotencyStore, StoreError};

/// `SET key token NX PX lease`, else tell a done mark from a live claim — in one step.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == 'done' then return 2 end
return 3";

/// Marks the key done, only for the claim's own token.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0";

/// Deletes the key, only for the claim's own token.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0";

/// Claims in Redis, for services that run on many instances: a claim is a key set with
/// `SET NX PX` (its value the claim's random token, its expiry the lease); completing replaces
/// it by `done` for the retention time; both completing and releasing run as Lua scripts that
/// first check the token, so only the claim's owner settles it.
///
/// The connection is redis-rs's reconnecting [`ConnectionManager`], with 1 s connect and
/// response timeouts, so an unreachable Redis fails a claim within about a second (a store
/// failure: see [`StoreFailure`](super::StoreFailure)) rather than holding the request.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use gcp_events_core::idempotency::RedisStore;
/// use gcp_events_core::{handler_fn, EventService};
///
/// let store = RedisStore::connect("redis://10.0.0.3:6379/").await?;
/// let service = EventService::builder()
///     .allow_unauthenticated()
///     .idempotency(store)
///     .handler(handler_fn(|_event| async { Ok(()) }))
///     .build()?;
/// # let _ = service;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    claim: Script,
    complete: Script,
    release: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore").finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`, `rediss://…` is not compiled in) and keeps
    /// the connection up; fails when Redis cannot be reached now.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::new)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(StoreError::new)?;
        Ok(Self::new(connection))
    }

    /// A store on a connection you made (your own timeouts, TLS, credentials).
    pub fn new(connection: ConnectionManager) -> Self {
        Self {
            connection,
            claim: Script::new(CLAIM),
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
        }
    }
}

/// Milliseconds for `PX`: at least 1, at most a year (Redis refuses an expiry past its clock's
/// range).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.min(super::MAX_TIME).as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl RedisStore {
    /// Runs one of the scripts on `key` with the claim's token (and a time in ms).
    async fn run(
        &self,
        script: &Script,
        key: &str,
        token: &ClaimToken,
        time: Option<Duration>,
    ) -> Result<i64, StoreError> {
        let mut invocation = script.key(key);
        invocation.arg(token.as_str());
        if let Some(time) = time {
            invocation.arg(millis(time));
        }
        let mut connection = self.connection.clone();
        invocation
            .invoke_async(&mut connection)
            .await
            .map_err(StoreError::new)
    }
}

#[async_trait]
impl IdempotencyStore for RedisStore {
    async fn claim(
        &self,
        key: &str,
        token: &ClaimToken,
        lease: Duration,
    ) -> Result<Claim, StoreError> {
        Ok(
            match self.run(&self.claim, key, token, Some(lease)).await? {
                1 => Claim::Acquired,
                2 => Claim::Done,
                _ => Claim::InProgress,
            },
        )
    }

    async fn complete(
        &self,
        key: &str,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<(), StoreError> {
        self.run(&self.complete, key, token, Some(retention))
            .await
            .map(drop)
    }

    async fn release(&self, key: &str, token: &ClaimToken) -> Result<(), StoreError> {
        self.run(&self.release, key, token, None).await.map(drop)
    }
}

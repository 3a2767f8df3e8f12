//! [`KeyCache`]: the signing keys, cached for their freshness lifetime and refreshed once at a
//! time.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use super::keys::{KeySource, KeySourceError, PublicKey};
use super::Clock;

/// The shortest time a fetched set is considered fresh, whatever `Cache-Control` says
/// (`max-age=0`, `no-cache`): otherwise every request after the rate limit would refetch.
pub(crate) const MIN_TTL: Duration = Duration::from_secs(60);

/// The outcome of looking up a `kid`.
pub(crate) enum Lookup {
    Found(Arc<PublicKey>),
    /// The key set was fetched (now or recently) and does not hold it: the token is not ours.
    Unknown,
    /// No key set could be fetched for it: answer 503.
    Unavailable,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Arc<PublicKey>>,
    fresh_until: Option<SystemTime>,
    last_attempt: Option<SystemTime>,
    last_failed: bool,
    /// Bumped after every fetch attempt, so waiters know one happened while they waited.
    generation: u64,
}

/// Caches the key set for its freshness lifetime; refreshes once at a time (single flight), at
/// most once per `min_interval`; never forgets keys because a fetch failed (stale-if-error).
pub(crate) struct KeyCache {
    source: Arc<dyn KeySource>,
    clock: Arc<dyn Clock>,
    state: RwLock<State>,
    refresh: Arc<tokio::sync::Mutex<()>>,
    min_interval: Duration,
    fallback_ttl: Duration,
    max_ttl: Duration,
}

impl KeyCache {
    pub(crate) fn new(
        source: Arc<dyn KeySource>,
        clock: Arc<dyn Clock>,
        min_interval: Duration,
        fallback_ttl: Duration,
        max_ttl: Duration,
    ) -> Self {
        Self {
            source,
            clock,
            state: RwLock::new(State::default()),
            refresh: Arc::new(tokio::sync::Mutex::new(())),
            min_interval,
            fallback_ttl,
            max_ttl,
        }
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.state.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn rate_limited(&self, state: &State) -> bool {
        let now = self.clock.now();
        state
            .last_attempt
            .and_then(|t| t.checked_add(self.min_interval))
            .is_some_and(|next| now < next)
    }

    pub(crate) async fn key(self: &Arc<Self>, kid: &str) -> Lookup {
        let now = self.clock.now();
        let (cached, fresh, generation) = self.read(|s| {
            (
                s.keys.get(kid).cloned(),
                s.fresh_until.is_some_and(|t| now < t),
                s.generation,
            )
        });
        match cached {
            Some(key) if fresh => Lookup::Found(key),
            Some(stale) => {
                // Stale but known: the stale key answers now (stale-while-revalidate, research
                // §5.4) and one refresh runs behind it, unless one already is or the rate limit
                // says not yet. Only a successful fetch replaces the set, so once it has run a
                // kid it no longer lists is unknown (rotated out).
                if let Ok(guard) = Arc::clone(&self.refresh).try_lock_owned() {
                    if !self.read(|s| self.rate_limited(s)) {
                        match tokio::runtime::Handle::try_current() {
                            Ok(runtime) => {
                                let cache = Arc::clone(self);
                                runtime.spawn(async move {
                                    let _guard = guard;
                                    let _recorded_in_state = cache.fetch_now().await;
                                });
                            }
                            // No Tokio runtime to run it on: refresh in line.
                            Err(_) => {
                                let _recorded_in_state = self.fetch_now().await;
                                drop(guard);
                                return match self.read(|s| s.keys.get(kid).cloned()) {
                                    Some(key) => Lookup::Found(key),
                                    None => Lookup::Unknown,
                                };
                            }
                        }
                    }
                }
                Lookup::Found(stale)
            }
            None => {
                let _guard = self.refresh.lock().await;
                let (refreshed_meanwhile, limited) =
                    self.read(|s| (s.generation != generation, self.rate_limited(s)));
                if !refreshed_meanwhile && !limited {
                    let _recorded_in_state = self.fetch_now().await;
                }
                self.read(|s| match s.keys.get(kid) {
                    Some(key) => Lookup::Found(key.clone()),
                    None if s.last_failed => Lookup::Unavailable,
                    None => Lookup::Unknown,
                })
            }
        }
    }

    /// Whether the current set still holds `kid` (no fetch): a remembered token whose key has
    /// been rotated out is verified again rather than trusted.
    pub(crate) fn holds(&self, kid: &str) -> bool {
        self.read(|s| s.keys.contains_key(kid))
    }

    /// Resolves once no refresh is running.
    pub(crate) async fn idle(&self) {
        drop(self.refresh.lock().await);
    }

    pub(crate) async fn warm_up(&self) -> Result<(), KeySourceError> {
        let _guard = self.refresh.lock().await;
        self.fetch_now().await
    }

    /// One fetch; the caller holds the refresh lock.
    async fn fetch_now(&self) -> Result<(), KeySourceError> {
        let result = match self.source.fetch().await {
            Ok(set) if set.keys.is_empty() => Err(KeySourceError::NoUsableKeys),
            other => other,
        };
        let now = self.clock.now();
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.last_attempt = Some(now);
        state.generation = state.generation.wrapping_add(1);
        match result {
            Ok(set) => {
                let ttl = set
                    .max_age
                    .unwrap_or(self.fallback_ttl)
                    .clamp(MIN_TTL, self.max_ttl);
                state.keys = set
                    .keys
                    .into_iter()
                    .map(|k| (k.kid.clone(), Arc::new(k)))
                    .collect();
                state.fresh_until = now.checked_add(ttl);
                state.last_failed = false;
                tracing::debug!(
                    keys = state.keys.len(),
                    ttl_s = ttl.as_secs(),
                    "signing keys refreshed"
                );
                Ok(())
            }
            Err(e) => {
                state.last_failed = true;
                tracing::warn!(error = %e, cached_keys = state.keys.len(), "fetching signing keys failed; keeping cached keys");
                Err(e)
            }
        }
    }
}

//! [`MemoryStore`]: claims in this process's memory, bounded, with TTLs.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{Claim, ClaimToken, IdempotencyStore, StoreError};

/// Claims kept in memory: for a service that runs as one instance (or that accepts duplicates
/// across instances). Bounded: expired entries go first, then the oldest done marks; when every
/// entry is a live claim the store is full and `claim` fails (a store failure, see
/// [`StoreFailure`](super::StoreFailure)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), gcp_events_core::idempotency::StoreError> {
/// use gcp_events_core::idempotency::{Claim, ClaimToken, IdempotencyStore, MemoryStore};
/// use std::time::Duration;
///
/// let store = MemoryStore::new(1_000);
/// let (first, second) = (ClaimToken::random(), ClaimToken::random());
/// let lease = Duration::from_secs(30);
/// assert_eq!(store.claim("k", &first, lease).await?, Claim::Acquired);
/// assert_eq!(store.claim("k", &second, lease).await?, Claim::InProgress);
/// store.complete("k", &first, Duration::from_secs(3600)).await?;
/// assert_eq!(store.claim("k", &second, lease).await?, Claim::Done);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Keys in the order their entries were written, with the write's serial number, so a
    /// stale queue item (the entry changed since) is recognised and skipped.
    order: VecDeque<(u64, String)>,
    serial: u64,
}

#[derive(Debug)]
struct Entry {
    serial: u64,
    /// `None`: never (a time too far ahead to represent).
    expires: Option<Instant>,
    /// `Some(token)` while claimed, `None` once done.
    claim: Option<ClaimToken>,
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires.is_none_or(|at| at > now)
    }
}

impl Default for MemoryStore {
    /// Room for 100 000 deliveries.
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl MemoryStore {
    /// A store for at most `capacity` deliveries (claimed or done) at once.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn write(&mut self, key: &str, ttl: Duration, claim: Option<ClaimToken>) {
        let expires = Instant::now().checked_add(ttl);
        self.serial += 1;
        let serial = self.serial;
        self.entries.insert(
            key.to_owned(),
            Entry {
                serial,
                expires,
                claim,
            },
        );
        self.order.push_back((serial, key.to_owned()));
        // Settled or rewritten entries leave stale queue items behind: keep the queue within
        // twice the entries, so it never grows without bound.
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order
                .retain(|(serial, key)| entries.get(key).is_some_and(|e| e.serial == *serial));
        }
    }

    /// Drops expired entries from the front of the queue, and stale queue items.
    fn sweep(&mut self, now: Instant) {
        while let Some((serial, key)) = self.order.front() {
            match self.entries.get(key) {
                Some(entry) if entry.serial == *serial && entry.live(now) => break,
                Some(entry) if entry.serial == *serial => {
                    self.entries.remove(key);
                }
                _ => {}
            }
            self.order.pop_front();
        }
    }

    /// Makes room for one more entry: drops expired entries, then the oldest done mark,
    /// keeping live claims.
    fn make_room(&mut self, capacity: usize, now: Instant) -> bool {
        if self.entries.len() < capacity {
            return true;
        }
        self.entries.retain(|_, entry| entry.live(now));
        if self.entries.len() < capacity {
            return true;
        }
        let oldest_done = self.order.iter().position(|(serial, key)| {
            self.entries
                .get(key)
                .is_some_and(|e| e.serial == *serial && e.claim.is_none())
        });
        match oldest_done.and_then(|i| self.order.remove(i)) {
            Some((_, key)) => {
                self.entries.remove(&key);
                true
            }
            None => false,
        }
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn claim(
        &self,
        key: &str,
        token: &ClaimToken,
        lease: Duration,
    ) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let mut state = self.state();
        state.sweep(now);
        match state.entries.get(key) {
            Some(entry) if entry.live(now) && entry.claim.is_none() => return Ok(Claim::Done),
            Some(entry) if entry.live(now) => return Ok(Claim::InProgress),
            _ => {}
        }
        if !state.make_room(self.capacity, now) {
            return Err(StoreError::new(
                "memory idempotency store is full of live claims",
            ));
        }
        state.write(key, lease, Some(token.clone()));
        Ok(Claim::Acquired)
    }

    async fn complete(
        &self,
        key: &str,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.entries.get(key).and_then(|e| e.claim.as_ref()) == Some(token) {
            state.write(key, retention, None);
        }
        Ok(())
    }

    async fn release(&self, key: &str, token: &ClaimToken) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.entries.get(key).and_then(|e| e.claim.as_ref()) == Some(token) {
            state.entries.remove(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn only_the_claim_holder_settles_it() {
        let store = MemoryStore::new(10);
        let (mine, theirs) = (ClaimToken::random(), ClaimToken::random());
        assert_eq!(
            store.claim("k", &mine, LEASE).await.unwrap(),
            Claim::Acquired
        );
        store.release("k", &theirs).await.unwrap();
        store.complete("k", &theirs, LEASE).await.unwrap();
        assert_eq!(
            store.claim("k", &theirs, LEASE).await.unwrap(),
            Claim::InProgress
        );
        store.release("k", &mine).await.unwrap();
        assert_eq!(
            store.claim("k", &theirs, LEASE).await.unwrap(),
            Claim::Acquired
        );
    }

    #[tokio::test]
    async fn claims_and_done_marks_expire() {
        let store = MemoryStore::new(10);
        let short = Duration::from_millis(30);
        let (a, b) = (ClaimToken::random(), ClaimToken::random());
        assert_eq!(store.claim("k", &a, short).await.unwrap(), Claim::Acquired);
        tokio::time::sleep(Duration::from_millis(60)).await;
        // The holder died: its lease ran out, the next delivery runs.
        assert_eq!(store.claim("k", &b, LEASE).await.unwrap(), Claim::Acquired);
        // …and the dead holder cannot settle the new claim.
        store.complete("k", &a, LEASE).await.unwrap();
        assert_eq!(
            store.claim("k", &a, LEASE).await.unwrap(),
            Claim::InProgress
        );
        store.complete("k", &b, short).await.unwrap();
        assert_eq!(store.claim("k", &a, LEASE).await.unwrap(), Claim::Done);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(store.claim("k", &a, LEASE).await.unwrap(), Claim::Acquired);
    }

    #[tokio::test]
    async fn a_full_store_evicts_done_marks_but_never_live_claims() {
        let store = MemoryStore::new(2);
        let t = ClaimToken::random();
        store.claim("done", &t, LEASE).await.unwrap();
        store.complete("done", &t, LEASE).await.unwrap();
        store.claim("live", &t, LEASE).await.unwrap();
        // Room is made by forgetting the done mark…
        assert_eq!(
            store.claim("new", &t, LEASE).await.unwrap(),
            Claim::Acquired
        );
        assert_eq!(store.state().entries.len(), 2);
        // …but two live claims are never dropped: the store is full.
        assert!(store.claim("more", &t, LEASE).await.is_err());
        assert_eq!(
            store.claim("live", &t, LEASE).await.unwrap(),
            Claim::InProgress
        );
    }
}

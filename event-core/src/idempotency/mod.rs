//! Idempotency: each delivery handled once, across redeliveries and across instances.
//!
//! Pub/Sub push and Eventarc deliver **at least once**: the same message comes again after any
//! non-2xx, after the ack deadline passes (possibly while the first attempt is still running,
//! on another instance), and sometimes for no reason at all. With
//! [`EventServiceBuilder::idempotency`](crate::EventServiceBuilder::idempotency) the service
//! claims each delivery before dispatching it, keyed by its identity:
//!
//! | delivery | identity (with the event's kind and reference) |
//! |---|---|
//! | wrapped push (JSON envelope) | subscription + message id |
//! | unwrapped push | `x-goog-pubsub-subscription-name` + `x-goog-pubsub-message-id` |
//! | CloudEvent (binary or structured) | `source` + `id` |
//! | Cloud Tasks | `X-CloudTasks-QueueName` + `X-CloudTasks-TaskName` |
//! | Cloud Scheduler | `X-CloudScheduler-JobName` + `X-CloudScheduler-ScheduleTime` (none without a schedule time) |
//!
//! The kind and reference are part of it: one message delivered to two routes (two Eventarc
//! triggers on one topic) is two deliveries, each handled once.
//!
//! A delivery without an identity (a plain JSON post, an unwrapped push without metadata) is
//! dispatched as it would be without idempotency.
//!
//! | the claim finds | answer | handlers |
//! |---|---|---|
//! | nothing: claimed | as usual; success or discard marks it **done**, anything else releases it | run |
//! | **done** (handled before) | `200 {}`: acknowledged, logged | not run |
//! | **in progress** (here or on another instance) | `409` with `Retry-After`: Pub/Sub retries later | not run |
//! | the store failing | by [`StoreFailure`]: `503` (default) or dispatched without de-duplication | by policy |
//!
//! A claim is a lease: if its holder dies mid-handler, the claim expires after
//! [`Idempotency::lease`], so the redelivery runs and nothing is lost. Handlers never outlive
//! their claim: the lease is at least the handler timeout plus a second, and without a
//! [`handler_timeout`](crate::EventServiceBuilder::handler_timeout) the lease minus 30 s (half
//! of a lease under a minute) becomes the handlers' deadline. A request dropped before it
//! finishes (the connection closed) settles its claim in the background. A done mark is kept
//! for [`Idempotency::retention`]. Every store call is bounded by 2 s; one that takes longer
//! is a store failure.
//!
//! Two stores come with the crate: [`MemoryStore`] (one instance; bounded, with TTLs) and,
//! with the `redis` feature, `RedisStore` (many instances share one Redis). Implement
//! [`IdempotencyStore`] for anything else (Firestore, Postgres…): `claim` must be atomic, and
//! `complete`/`release` must act only for the claim's own token.
//!
//! ```
//! use gcp_events_core::idempotency::MemoryStore;
//! use gcp_events_core::{handler_fn, EventService};
//! use std::time::Duration;
//!
//! let service = EventService::builder()
//!     .allow_unauthenticated()
//!     .handler_timeout(Duration::from_secs(8)) // below the subscription's 10 s ack deadline
//!     .idempotency(MemoryStore::default())
//!     .handler(handler_fn(|_event| async { Ok(()) }))
//!     .build()?;
//! # let _ = service;
//! # Ok::<(), gcp_events_core::ConfigError>(())
//! ```

mod guard;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::error::BoxError;
use crate::event::Event;
use crate::format::DeliveryFormat;

/// The inbox bounds its database steps like the store calls.
#[cfg(feature = "postgres")]
pub(crate) use guard::bounded;
pub(crate) use guard::{claim, Skip};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// Where claims live. `claim` must be atomic (two concurrent claims of one key: one wins);
/// `complete` and `release` must change nothing unless the key still holds this claim's token.
#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Claims `key` for `lease`, unless it is claimed (and not expired) or done.
    async fn claim(
        &self,
        key: &str,
        token: &ClaimToken,
        lease: Duration,
    ) -> Result<Claim, StoreError>;

    /// Marks `key` done for `retention`, if it still holds `token`'s claim.
    async fn complete(
        &self,
        key: &str,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<(), StoreError>;

    /// Releases `key`, if it still holds `token`'s claim, so the next delivery runs.
    async fn release(&self, key: &str, token: &ClaimToken) -> Result<(), StoreError>;
}

/// What [`IdempotencyStore::claim`] found.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key was free: it is now claimed with the given token.
    Acquired,
    /// Another claim holds the key: the delivery is being handled.
    InProgress,
    /// The delivery was handled before.
    Done,
}

/// Lower-case hex, without a formatter per byte.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// The random token that identifies one claim, so only its holder completes or releases it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimToken(String);

impl ClaimToken {
    /// A new random token (128 bits, hex).
    pub fn random() -> Self {
        let mut bytes = [0u8; 16];
        // The system's random source failing is not recoverable; a fixed token would still be
        // unique enough per key with the lease, but never seen in practice.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes);
        Self(hex(&bytes))
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimToken(..)")
    }
}

/// A store that could not answer (unreachable, timed out, full).
#[derive(Debug, thiserror::Error)]
#[error("idempotency store failed: {0}")]
pub struct StoreError(#[source] pub BoxError);

impl StoreError {
    /// Wraps any error.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self(error.into())
    }
}

/// What to do when the store fails to claim.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreFailure {
    /// Fail closed (the default): answer `503` with `Retry-After`, dispatch nothing; Pub/Sub
    /// redelivers once the store is back. Nothing is ever handled twice, nothing is lost.
    #[default]
    Refuse,
    /// Fail open: dispatch without de-duplication (a duplicate may then run twice), logged
    /// at warn. For handlers that are idempotent themselves and must not wait.
    DispatchWithoutDeduplication,
}

/// The idempotency settings of a service (see the [module docs](self)). Any store converts
/// into it with the defaults.
#[derive(Clone)]
pub struct Idempotency {
    pub(crate) store: Arc<dyn IdempotencyStore>,
    pub(crate) lease: Option<Duration>,
    pub(crate) retention: Duration,
    pub(crate) on_store_failure: StoreFailure,
    pub(crate) namespace: String,
}

/// The lease when no handler timeout is set: Pub/Sub's longest ack deadline.
pub(crate) const DEFAULT_LEASE: Duration = Duration::from_secs(600);

/// How much longer than the handler timeout a claim lives by default.
pub(crate) const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// The least a claim outlives the handler deadline, for the claim to be settled.
pub(crate) const MIN_SETTLE_TIME: Duration = Duration::from_secs(1);

/// The longest any store call may take before it counts as a store failure.
pub(crate) const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// The longest lease or retention a store is asked for (longer is clamped): a year.
pub(crate) const MAX_TIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The handlers' deadline when idempotency is on and no handler timeout was set: the lease
/// less 30 s, or half a lease under a minute.
pub(crate) fn deadline_within(lease: Duration) -> Duration {
    lease.saturating_sub(LEASE_MARGIN.min(lease / 2))
}

impl Idempotency {
    /// Settings for `store`: lease = handler timeout + 30 s (600 s without a timeout),
    /// retention 1 h, fail closed, namespace `gcp-events`.
    pub fn new(store: impl IdempotencyStore) -> Self {
        Self {
            store: Arc::new(store),
            lease: None,
            retention: Duration::from_secs(3600),
            on_store_failure: StoreFailure::Refuse,
            namespace: "gcp-events".to_owned(),
        }
    }

    /// How long a claim lives if its holder never settles it (an instance killed
    /// mid-handler). Default: the handler timeout + 30 s, or 600 s without one. Building
    /// refuses a lease shorter than the handler timeout + 1 s; without a handler timeout, the
    /// lease sets the handlers' deadline (see the [module docs](self)).
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    /// How long a handled delivery is remembered (default 1 h). Duplicates usually come within
    /// seconds or minutes; Pub/Sub keeps unacknowledged messages up to 7 days.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// What a store failure means (default [`StoreFailure::Refuse`]).
    pub fn on_store_failure(mut self, policy: StoreFailure) -> Self {
        self.on_store_failure = policy;
        self
    }

    /// The prefix of every key, to keep services that share a store apart (default
    /// `gcp-events`).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The store key of a delivery, or `None` when it has no identity.
    pub(crate) fn key_for(&self, event: &Event) -> Option<String> {
        delivery_key(&self.namespace, event)
    }
}

/// A delivery's key under `namespace` (used by the stores and the inbox alike), or `None` when
/// it has no identity.
pub(crate) fn delivery_key(namespace: &str, event: &Event) -> Option<String> {
    let context = event.context();
    let schedule_time;
    let (tag, a, b) = match (&context.cloud_event, context.format) {
        (Some(ce), _) => ("ce", ce.source.as_str(), ce.id.as_str()),
        (None, DeliveryFormat::JsonBody | DeliveryFormat::UnwrappedPush) => {
            let message = event.pubsub().ok()?;
            let id = message.message_id.as_deref()?;
            ("pubsub", message.subscription.as_str(), id)
        }
        // A task's retries carry its name; a Scheduler run's, its schedule time.
        (None, DeliveryFormat::CloudTasks) => {
            let task = context.cloud_tasks.as_ref()?;
            ("tasks", task.queue_name.as_str(), task.task_name.as_str())
        }
        (None, DeliveryFormat::CloudScheduler) => {
            let run = context.scheduler.as_ref()?;
            schedule_time = run.schedule_time?.to_rfc3339();
            ("scheduler", run.job_name.as_str(), schedule_time.as_str())
        }
        _ => return None,
    };
    if a.is_empty() || b.is_empty() {
        return None;
    }
    // The target too: one message pushed to two routes (two triggers, two subscriptions
    // on one URL prefix) is two deliveries with different handlers. Length-prefixed, so no
    // two identities share a key; hashed, so the key is short and holds nothing the sender
    // chose verbatim.
    let (kind, reference) = (event.kind(), event.reference());
    let identity = format!(
        "{tag}:{}:{kind}:{}:{reference}:{}:{a}:{}:{b}",
        kind.len(),
        reference.len(),
        a.len(),
        b.len()
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, identity.as_bytes());
    let mut key = String::with_capacity(namespace.len() + 65);
    key.push_str(namespace);
    key.push(':');
    key.push_str(&hex(digest.as_ref()));
    Some(key)
}

impl<S: IdempotencyStore> From<S> for Idempotency {
    fn from(store: S) -> Self {
        Self::new(store)
    }
}

impl std::fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idempotency")
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .field("on_store_failure", &self.on_store_failure)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Payload;

    fn event(envelope: &str) -> Event {
        Event::builder("k", "r")
            .payload(Payload::from_json(envelope.to_owned()).unwrap())
            .build()
    }

    #[test]
    fn keys_are_per_identity_hashed_and_namespaced() {
        let settings = Idempotency::new(MemoryStore::default()).namespace("ns");
        let push = |sub: &str, id: &str| {
            event(&format!(
                r#"{{"message": {{"messageId": "{id}"}}, "subscription": "{sub}"}}"#
            ))
        };
        let key = settings
            .key_for(&push("projects/p/subscriptions/s", "1"))
            .unwrap();
        assert!(key.starts_with("ns:") && key.len() == 3 + 64, "{key}");
        assert_eq!(
            Some(key.clone()),
            settings.key_for(&push("projects/p/subscriptions/s", "1"))
        );
        assert_ne!(
            Some(key.clone()),
            settings.key_for(&push("projects/p/subscriptions/t", "1"))
        );
        assert_ne!(
            Some(key),
            settings.key_for(&push("projects/p/subscriptions/s", "2"))
        );
        // Shifting text between the parts never gives the same key.
        assert_ne!(
            settings.key_for(&push("a:1", "b")),
            settings.key_for(&push("a", "1:b"))
        );
        // No identity, no key: no message id, or not a push at all.
        assert_eq!(
            settings.key_for(&push("projects/p/subscriptions/s", "")),
            None
        );
        assert_eq!(settings.key_for(&event(r#"{"plain": "json"}"#)), None);
    }

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (ClaimToken::random(), ClaimToken::random());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(format!("{a:?}"), "ClaimToken(..)");
    }
}

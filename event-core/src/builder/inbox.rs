//! The builder's transactional settings (feature `postgres`): the inbox and the handlers that
//! run in its transaction.

use std::sync::Arc;
use std::time::Duration;

use super::EventServiceBuilder;
use crate::error::ConfigError;
use crate::handler::{KindFilter, Route, TransactionalHandler};
use crate::inbox::{PgInbox, DEFAULT_HANDLER_TIMEOUT};

/// How much longer than the handler timeout a delivery's transaction may sit idle before
/// PostgreSQL aborts it: room for the commit after a handler that used all its time.
const IDLE_MARGIN: Duration = Duration::from_secs(5);

/// Every wait of a transactional delivery is bounded: without a handler timeout the inbox sets
/// [`DEFAULT_HANDLER_TIMEOUT`] (a hung handler would otherwise hold its connection and its
/// claim for ever, every redelivery answered `409`), and the inbox's idle limit follows it.
pub(super) fn bounded(
    inbox: Option<PgInbox>,
    handler_timeout: &mut Option<Duration>,
) -> Option<PgInbox> {
    let inbox = inbox?;
    let timeout = *handler_timeout.get_or_insert(DEFAULT_HANDLER_TIMEOUT);
    Some(inbox.idle_limit(timeout.saturating_add(IDLE_MARGIN)))
}

impl EventServiceBuilder {
    /// Runs transactional handlers in `inbox`'s PostgreSQL transactions, for exactly-once
    /// effects (see [`inbox`](crate::inbox)). A delivery that any transactional handler takes
    /// runs all its handlers in one transaction holding its claim and done mark, and is
    /// answered only after the commit; the [`idempotency`](Self::idempotency) store, if any,
    /// then serves only deliveries without transactional handlers.
    ///
    /// Every wait is bounded: without a [`handler_timeout`](Self::handler_timeout) an inbox
    /// sets one of [`DEFAULT_HANDLER_TIMEOUT`] (60 s), and each delivery's transaction is
    /// aborted by PostgreSQL once it has waited idle for its client 5 s longer than that
    /// (`idle_in_transaction_session_timeout`), so a client that vanished frees the delivery
    /// within a minute, not after TCP keepalive's two hours.
    ///
    /// ```no_run
    /// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
    /// use gcp_events_core::inbox::PgInbox;
    /// use gcp_events_core::{async_trait, Event, EventService, HandlerResult, TransactionalHandler};
    /// use std::time::Duration;
    ///
    /// struct Orders;
    ///
    /// #[async_trait]
    /// impl TransactionalHandler for Orders {
    ///     async fn handle(&self, event: &Event, db: &mut sqlx::PgConnection) -> HandlerResult {
    ///         sqlx::query("INSERT INTO orders (reference) VALUES ($1)")
    ///             .bind(event.reference())
    ///             .execute(db)
    ///             .await?;
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let inbox = PgInbox::connect("postgres://app@127.0.0.1/app").await?;
    /// inbox.setup().await?; // or run `inbox.schema_sql()` in your migrations
    /// let service = EventService::builder()
    ///     .allow_unauthenticated()
    ///     .handler_timeout(Duration::from_secs(8))
    ///     .inbox(inbox)
    ///     .transactional_kind_handler("order", Orders)
    ///     .build()?;
    /// # let _ = service;
    /// # Ok(())
    /// # }
    /// ```
    pub fn inbox(mut self, inbox: PgInbox) -> Self {
        self.inbox = Some(inbox);
        self
    }

    /// Adds a transactional handler for every event kind (needs an [`inbox`](Self::inbox)).
    /// Handlers of both kinds run in the order they are added.
    pub fn transactional_handler(self, handler: impl TransactionalHandler) -> Self {
        self.transactional_for(KindFilter::Any, handler)
    }

    /// Adds a transactional handler for events of exactly this kind.
    pub fn transactional_kind_handler(
        self,
        kind: impl Into<String>,
        handler: impl TransactionalHandler,
    ) -> Self {
        self.transactional_for(KindFilter::Kind(kind.into()), handler)
    }

    /// Adds a transactional handler for every kind starting with `prefix`.
    pub fn transactional_kind_prefix_handler(
        self,
        prefix: impl Into<String>,
        handler: impl TransactionalHandler,
    ) -> Self {
        self.transactional_for(KindFilter::Prefix(prefix.into()), handler)
    }

    fn transactional_for(mut self, filter: KindFilter, handler: impl TransactionalHandler) -> Self {
        self.routes
            .push((filter, Route::Transactional(Arc::new(handler))));
        self
    }

    /// Transactional handlers need an inbox to run in.
    pub(super) fn check_inbox(&self) -> Result<(), ConfigError> {
        let transactional = self
            .routes
            .iter()
            .any(|(_, route)| route.is_transactional());
        if transactional && self.inbox.is_none() {
            return Err(ConfigError::TransactionalWithoutInbox);
        }
        Ok(())
    }
}

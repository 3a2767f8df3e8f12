//! The builder's transactional settings (feature `postgres`): the inbox and the handlers that
//! run in its transaction.

use std::sync::Arc;

use super::EventServiceBuilder;
use crate::error::ConfigError;
use crate::handler::{KindFilter, Route, TransactionalHandler};
use crate::inbox::PgInbox;

impl EventServiceBuilder {
    /// Runs transactional handlers in `inbox`'s PostgreSQL transactions, for exactly-once
    /// effects (see [`inbox`](crate::inbox)). A delivery that any transactional handler takes
    /// runs all its handlers in one transaction holding its claim and done mark, and is
    /// answered only after the commit; the [`idempotency`](Self::idempotency) store, if any,
    /// then serves only deliveries without transactional handlers.
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

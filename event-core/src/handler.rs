//! What users implement: [`EventHandler`], or a closure through [`handler_fn`].

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::BoxError;
use crate::event::Event;

/// The handlers that take one event's kind, in registration order.
pub(crate) type Handlers<'a> = Vec<&'a Route>;

/// A registered handler: a plain one, or one that runs in the delivery's inbox transaction.
pub(crate) enum Route {
    Plain(Arc<dyn EventHandler>),
    #[cfg(feature = "postgres")]
    Transactional(Arc<dyn TransactionalHandler>),
}

impl Route {
    /// Whether it needs the delivery's transaction.
    #[cfg(feature = "postgres")]
    pub(crate) fn is_transactional(&self) -> bool {
        match self {
            Self::Plain(_) => false,
            #[cfg(feature = "postgres")]
            Self::Transactional(_) => true,
        }
    }
}

/// What a handler returns: `Ok(())` when the event was handled.
pub type HandlerResult = Result<(), HandlerError>;

/// Receives events. Implement it for your own type, or wrap a closure with [`handler_fn`].
///
/// The trait is object-safe (handlers are stored as `Arc<dyn EventHandler>`). Every handler whose
/// filter matches runs in registration order with the same [`Event`]; the first error stops the
/// rest. A panic is caught and treated as an error.
///
/// ```
/// use gcp_events_core::{async_trait, Event, EventHandler, HandlerResult};
///
/// struct Billing;
///
/// #[async_trait]
/// impl EventHandler for Billing {
///     async fn handle(&self, event: &Event) -> HandlerResult {
///         #[derive(serde::Deserialize)]
///         struct Paid { amount: u64 }
///         let paid: Paid = event.payload().deserialize()?; // any error converts with `?`
///         println!("{} paid {}", event.reference(), paid.amount);
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Handles one event. Return an error to have the delivery answered with the endpoint's
    /// failure status (so Pub/Sub redelivers it), or [`HandlerError::discard`] to acknowledge
    /// an event that can never be processed.
    async fn handle(&self, event: &Event) -> HandlerResult;
}

#[async_trait]
impl<H: EventHandler + ?Sized> EventHandler for Arc<H> {
    async fn handle(&self, event: &Event) -> HandlerResult {
        (**self).handle(event).await
    }
}

#[async_trait]
impl<H: EventHandler + ?Sized> EventHandler for Box<H> {
    async fn handle(&self, event: &Event) -> HandlerResult {
        (**self).handle(event).await
    }
}

/// A handler whose writes commit exactly once (feature `postgres`): it runs inside the
/// delivery's PostgreSQL transaction, which also holds the delivery's claim and done mark (see
/// [`inbox`](crate::inbox)). Register it with
/// [`transactional_handler`](crate::EventServiceBuilder::transactional_handler) and friends,
/// on a service given an [`inbox`](crate::EventServiceBuilder::inbox).
///
/// Write through `db` only: those writes commit with the done mark, or not at all. Nested
/// transactions (`sqlx::Connection::begin` on `db`) are savepoints. Never issue `COMMIT` or
/// `ROLLBACK` yourself. Effects outside the database (HTTP calls, e-mails) stay at-least-once.
///
/// ```
/// use gcp_events_core::{async_trait, Event, HandlerResult, TransactionalHandler};
/// use sqlx::PgConnection;
///
/// struct RecordPayment;
///
/// #[async_trait]
/// impl TransactionalHandler for RecordPayment {
///     async fn handle(&self, event: &Event, db: &mut PgConnection) -> HandlerResult {
///         sqlx::query("INSERT INTO payments (reference) VALUES ($1)")
///             .bind(event.reference())
///             .execute(db)
///             .await?;
///         Ok(())
///     }
/// }
/// ```
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
#[async_trait]
pub trait TransactionalHandler: Send + Sync + 'static {
    /// Handles one event inside the delivery's transaction. An error (or a panic, or the
    /// handler timeout) rolls back everything written through `db`, and the delivery is
    /// answered with the failure status; [`HandlerError::discard`] commits what was written
    /// with the done mark and acknowledges.
    async fn handle(&self, event: &Event, db: &mut sqlx::PgConnection) -> HandlerResult;

    /// Called once every handler succeeded and the delivery's transaction committed, before
    /// the answer is sent: for what must follow the commit (a log line, a cache invalidation).
    /// A panic here is logged; the delivery stays committed. It runs at most once per
    /// committed delivery (a process that dies between the commit and this call never
    /// runs it, and the redelivery finds the delivery done). Default: nothing.
    async fn committed(&self, event: &Event) {
        let _ = event;
    }
}

#[cfg(feature = "postgres")]
#[async_trait]
impl<H: TransactionalHandler + ?Sized> TransactionalHandler for Arc<H> {
    async fn handle(&self, event: &Event, db: &mut sqlx::PgConnection) -> HandlerResult {
        (**self).handle(event, db).await
    }

    async fn committed(&self, event: &Event) {
        (**self).committed(event).await;
    }
}

#[cfg(feature = "postgres")]
#[async_trait]
impl<H: TransactionalHandler + ?Sized> TransactionalHandler for Box<H> {
    async fn handle(&self, event: &Event, db: &mut sqlx::PgConnection) -> HandlerResult {
        (**self).handle(event, db).await
    }

    async fn committed(&self, event: &Event) {
        (**self).committed(event).await;
    }
}

/// Makes a handler from an async closure that takes the event by value (a cheap clone).
///
/// ```
/// use gcp_events_core::{handler_fn, EventService};
///
/// let service = EventService::builder()
///     .allow_unauthenticated()
///     .handler(handler_fn(|event| async move {
///         println!("{} {}", event.kind(), event.reference());
///         Ok(())
///     }))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn handler_fn<F, Fut>(f: F) -> HandlerFn<F>
where
    F: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    HandlerFn(f)
}

/// A closure turned into an [`EventHandler`] by [`handler_fn`].
#[derive(Clone)]
pub struct HandlerFn<F>(F);

impl<F> std::fmt::Debug for HandlerFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandlerFn")
    }
}

#[async_trait]
impl<F, Fut> EventHandler for HandlerFn<F>
where
    F: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    async fn handle(&self, event: &Event) -> HandlerResult {
        (self.0)(event.clone()).await
    }
}

/// A handler's failure, and what to do about it.
///
/// Any error type converts into it with `?` (it is the "retry" kind: the delivery is answered
/// with the endpoint's failure status so Pub/Sub redelivers). [`HandlerError::discard`] says the
/// event can never be processed: it is acknowledged (answered `200`) and logged at warn level,
/// so a poison message does not loop forever.
///
/// Like `anyhow::Error`, it deliberately does not implement `std::error::Error`, which is what
/// lets every error type convert into it.
pub struct HandlerError {
    source: BoxError,
    discard: bool,
}

impl HandlerError {
    /// A failure to retry: the event is answered with the failure status and redelivered.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self {
            source: error.into(),
            discard: false,
        }
    }

    /// A poison event to drop: acknowledged with `200` (so it is not redelivered), logged at warn
    /// with `reason`, and the remaining handlers do not run.
    pub fn discard(reason: impl Into<BoxError>) -> Self {
        Self {
            source: reason.into(),
            discard: true,
        }
    }

    /// Whether this asks to discard the event rather than retry it.
    pub fn is_discard(&self) -> bool {
        self.discard
    }

    /// The underlying error.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.source
    }
}

impl<E: Into<BoxError>> From<E> for HandlerError {
    fn from(error: E) -> Self {
        Self::new(error)
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.source, f)
    }
}

impl std::fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerError")
            .field("error", &self.source)
            .field("discard", &self.discard)
            .finish()
    }
}

/// Which event kinds a handler receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KindFilter {
    /// Every kind.
    Any,
    /// Exactly this kind.
    Kind(String),
    /// Every kind that starts with this prefix.
    Prefix(String),
}

impl KindFilter {
    /// Whether `kind` passes the filter.
    pub(crate) fn matches(&self, kind: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Kind(k) => k == kind,
            Self::Prefix(p) => kind.starts_with(p.as_str()),
        }
    }
}

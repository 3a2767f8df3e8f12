//! Running handlers in order, with panics contained.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::event::Event;
use crate::handler::{HandlerError, Handlers, Route};

/// The delivery's database connection, inside its inbox transaction (feature `postgres`).
#[cfg(feature = "postgres")]
pub(crate) type Connection = sqlx::PgConnection;
/// Without the `postgres` feature there is never a connection.
#[cfg(not(feature = "postgres"))]
pub(crate) enum Connection {}

/// How dispatching one event ended.
pub(crate) enum Dispatch {
    /// Every matching handler succeeded.
    Handled,
    /// A handler asked to drop the event (acknowledged, not retried).
    Discarded(String),
    /// A handler failed or panicked; the rest did not run.
    Failed(String),
}

/// Runs `handlers` one after another with the same event; the first failure stops the rest.
/// Transactional handlers write through `db`, the delivery's inbox transaction.
#[cfg_attr(not(feature = "postgres"), allow(unused_mut, unused_variables))]
pub(crate) async fn run(
    handlers: Handlers<'_>,
    event: &Event,
    mut db: Option<&mut Connection>,
) -> Dispatch {
    for route in handlers {
        let ran = match route {
            Route::Plain(handler) => guarded(|| handler.handle(event)).await,
            #[cfg(feature = "postgres")]
            Route::Transactional(handler) => match db.as_deref_mut() {
                Some(db) => guarded(|| handler.handle(event, db)).await,
                // The pipeline opens the transaction whenever a transactional handler matches.
                None => return Dispatch::Failed("no inbox transaction".to_owned()),
            },
        };
        match ran {
            Ok(Ok(())) => {}
            Ok(Err(e)) if e.is_discard() => return Dispatch::Discarded(e.to_string()),
            Ok(Err(e)) => return Dispatch::Failed(render(&e)),
            Err(panic) => return Dispatch::Failed(panic),
        }
    }
    Dispatch::Handled
}

/// Tells the transactional handlers that the delivery's transaction committed; a panic there
/// is logged, and the others still hear of it. The hooks together get the handler timeout: past
/// it they are dropped (logged), so they never hold the answer longer.
#[cfg(feature = "postgres")]
pub(crate) async fn committed(
    inner: &crate::config::Inner,
    handlers: &Handlers<'_>,
    event: &Event,
) {
    let limit = inner
        .handler_timeout
        .unwrap_or(crate::inbox::DEFAULT_HANDLER_TIMEOUT);
    if tokio::time::timeout(limit, run_hooks(handlers, event))
        .await
        .is_err()
    {
        tracing::error!(
            ?limit,
            "after-commit hooks did not finish in time; dropped (the delivery is committed)"
        );
    }
}

#[cfg(feature = "postgres")]
async fn run_hooks(handlers: &Handlers<'_>, event: &Event) {
    for route in handlers {
        if let Route::Transactional(handler) = route {
            if let Err(panic) = guarded(|| handler.committed(event)).await {
                tracing::error!(error = %panic, "after-commit hook failed (the delivery is committed)");
            }
        }
    }
}

/// The error with its chain of causes, for logs.
fn render(e: &HandlerError) -> String {
    let mut text = e.to_string();
    let mut source = e.error().source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Calls one handler; a panic, while creating or while polling its future, becomes `Err(text)`.
async fn guarded<'a, T>(
    call: impl FnOnce() -> Pin<Box<dyn Future<Output = T> + Send + 'a>>,
) -> Result<T, String> {
    let future = catch_unwind(AssertUnwindSafe(call)).map_err(panic_text)?;
    CatchUnwind(future).await.map_err(panic_text)
}

struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

fn panic_text(panic: Box<dyn std::any::Any + Send>) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    format!("handler panicked: {message}")
}

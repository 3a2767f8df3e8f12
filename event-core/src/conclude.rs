//! The last phase, shared by every way of running handlers (plain, or in the inbox's
//! transaction): the deadline around dispatch, and how a dispatch or a refusal becomes the
//! answer and the outcome. Its own module so both runners build on it without importing each
//! other.

use std::future::Future;
use std::time::{Duration, Instant};

use http::Response;

use crate::config::Inner;
use crate::dispatch::Dispatch;
use crate::error::RequestError;
use crate::event::Event;
use crate::outcome::Outcome;
use crate::respond::{self, ResponseBody};

/// A refusal's answer and outcome.
pub(crate) fn refuse(inner: &Inner, err: &RequestError) -> (Response<ResponseBody>, Outcome) {
    tracing::info!(error = %err, "request refused");
    let outcome = match err {
        RequestError::Overloaded { .. } => Outcome::Shed,
        RequestError::InProgress { .. } => Outcome::Duplicate,
        _ => Outcome::Refused,
    };
    (
        respond::error(err, inner.failure_status, inner.debug),
        outcome,
    )
}

/// A done duplicate: acknowledged, not dispatched.
pub(crate) fn done_before() -> (Response<ResponseBody>, Outcome) {
    tracing::info!("duplicate of a delivery already handled; acknowledged, not dispatched");
    (respond::discarded(), Outcome::Duplicate)
}

/// Runs `dispatch` under the handler timeout: `None` when it ran out (the handlers' future is
/// then dropped). Also says how long it took.
pub(crate) async fn within_deadline(
    inner: &Inner,
    dispatch: impl Future<Output = Dispatch>,
) -> (Option<Dispatch>, Duration) {
    let started = Instant::now();
    let dispatched = match inner.handler_timeout {
        Some(timeout) => tokio::time::timeout(timeout, dispatch).await.ok(),
        None => Some(dispatch.await),
    };
    (dispatched, started.elapsed())
}

/// Puts the message id on the request span, when something records it (decoding only then;
/// the handler may already have).
pub(crate) fn record_message_id(span: &tracing::Span, event: &Event) {
    if !span.is_disabled() {
        if let Some(id) = event.pubsub().ok().and_then(|m| m.message_id.as_deref()) {
            span.record("message_id", id);
        }
    }
}

/// Whether the handlers' work stands (handled, or discarded on purpose).
pub(crate) fn handled(dispatched: &Option<Dispatch>) -> bool {
    matches!(dispatched, Some(Dispatch::Handled | Dispatch::Discarded(_)))
}

/// The answer to a dispatch, its outcome, and the handler-duration metric.
pub(crate) fn answer(
    inner: &Inner,
    event: &Event,
    dispatched: Option<Dispatch>,
    took: Duration,
) -> (Response<ResponseBody>, Outcome) {
    let failed = |err: RequestError, outcome| {
        (
            respond::error(&err, inner.failure_status, inner.debug),
            outcome,
        )
    };
    let (response, outcome) = match dispatched {
        Some(Dispatch::Handled) => (respond::handled(), Outcome::Handled),
        Some(Dispatch::Discarded(reason)) => {
            tracing::warn!(%reason, "handler discarded the event; acknowledging without retry");
            (respond::discarded(), Outcome::Discarded)
        }
        Some(Dispatch::Failed(detail)) => {
            tracing::error!(error = %detail, "handler failed");
            let err = RequestError::HandlerFailed {
                kind: event.kind().to_owned(),
                reference: event.reference().to_owned(),
                detail,
            };
            failed(err, Outcome::Failed)
        }
        None => {
            let timeout = inner.handler_timeout.unwrap_or_default();
            tracing::error!(
                ?timeout,
                "handlers did not finish in time; their future was dropped"
            );
            let err = RequestError::TimedOut {
                kind: event.kind().to_owned(),
                reference: event.reference().to_owned(),
                timeout,
            };
            failed(err, Outcome::TimedOut)
        }
    };
    let format = Some(event.context().format);
    inner.meter.handler_duration(outcome, format, took);
    (response, outcome)
}

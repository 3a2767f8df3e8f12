//! A delivery that a transactional handler takes (feature `postgres`): claimed, handled and
//! marked done in one PostgreSQL transaction of the service's [`PgInbox`], and answered 2xx
//! only after that transaction commits (see [`crate::inbox`] for the answers).

use std::future::Future;

use http::Response;

use crate::conclude::{self, refuse};
use crate::config::Inner;
use crate::dispatch::{self, Dispatch};
use crate::error::{BoxError, RequestError};
use crate::event::Event;
use crate::format::DeliveryFormat;
use crate::handler::Handlers;
use crate::idempotency::{self, delivery_key, StoreError};
use crate::inbox::{Claim, InboxError, InboxTransaction, PgInbox};
use crate::outcome::Outcome;
use crate::respond::ResponseBody;

/// A database step, bounded like every store call: one that takes longer has failed.
async fn bounded<T>(step: impl Future<Output = Result<T, InboxError>>) -> Result<T, BoxError> {
    idempotency::bounded(async { step.await.map_err(StoreError::new) })
        .await
        .map_err(Into::into)
}

/// How a delivery's transaction ended after its handlers succeeded.
enum Ended {
    Committed,
    /// The handlers broke the transaction (it kept nothing): answered as a handler failure.
    Broken(InboxError),
    /// The database refused the commit, or it may have committed: answered `503`.
    Failed(BoxError),
}

/// Commits, bounded; a commit cut off by the bound has an unknown outcome.
async fn commit(tx: InboxTransaction) -> Ended {
    match tokio::time::timeout(idempotency::STORE_TIMEOUT, tx.commit()).await {
        Ok(Ok(())) => Ended::Committed,
        Ok(Err(e)) if e.is_handler_fault() => {
            tracing::error!(error = %e, "the delivery's transaction could not commit; nothing was kept");
            Ended::Broken(e)
        }
        Ok(Err(e @ InboxError::CommitUnknown(_))) => {
            tracing::error!(error = %e, "the delivery's commit has an unknown outcome; not acknowledged");
            Ended::Failed(StoreError::new(e).into())
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the delivery's transaction did not commit; nothing was kept");
            Ended::Failed(StoreError::new(e).into())
        }
        Err(elapsed) => {
            tracing::error!(
                "the delivery's commit took longer than {:?}: its outcome is unknown; not acknowledged",
                idempotency::STORE_TIMEOUT
            );
            Ended::Failed(StoreError::new(elapsed).into())
        }
    }
}

/// Begin and claim, dispatch in the transaction (under the deadline), commit or roll back,
/// respond.
pub(crate) async fn finish(
    inner: &Inner,
    inbox: &PgInbox,
    handlers: Handlers<'_>,
    event: &Event,
    span: &tracing::Span,
) -> (Response<ResponseBody>, Outcome) {
    let key = delivery_key(inbox.key_namespace(), event);
    // A task name can be used again once Google forgets it: its done mark must not outlive
    // that, or the new task would be taken for a duplicate.
    let reuse =
        (event.context().format == DeliveryFormat::CloudTasks).then_some(inner.sources.task_reuse);
    let mut tx = match bounded(inbox.claim(key.as_deref(), reuse)).await {
        Ok(Claim::Fresh(tx)) => tx,
        Ok(Claim::Done) => return conclude::done_before(),
        Ok(Claim::InProgress) => {
            let err = RequestError::InProgress {
                kind: event.kind().to_owned(),
                reference: event.reference().to_owned(),
            };
            return refuse(inner, &err);
        }
        Err(e) => return refuse(inner, &RequestError::StoreUnavailable(e)),
    };
    let dispatch = dispatch::run(handlers.clone(), event, Some(tx.connection()));
    let (mut dispatched, took) = conclude::within_deadline(inner, dispatch).await;
    conclude::record_message_id(span, event);
    match &dispatched {
        Some(Dispatch::Handled | Dispatch::Discarded(_)) => match commit(tx).await {
            Ended::Committed => {
                if matches!(dispatched, Some(Dispatch::Handled)) {
                    dispatch::committed(inner, &handlers, event).await;
                }
            }
            Ended::Broken(e) => dispatched = Some(Dispatch::Failed(e.to_string())),
            Ended::Failed(e) => {
                inner
                    .meter
                    .handler_duration(Outcome::Refused, Some(event.context().format), took);
                return refuse(inner, &RequestError::StoreUnavailable(e));
            }
        },
        Some(Dispatch::Failed(_)) => {
            // A failed rollback leaves the transaction to its drop, which closes the
            // connection: PostgreSQL aborts it either way.
            if let Err(e) = bounded(tx.rollback()).await {
                tracing::warn!(error = %e, "could not roll back; closing the connection instead");
            }
        }
        // Timed out: the handlers were dropped, perhaps mid-statement; dropping the
        // transaction closes its connection, and PostgreSQL aborts it.
        None => drop(tx),
    }
    conclude::answer(inner, event, dispatched, took)
}

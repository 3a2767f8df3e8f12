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
use crate::handler::Handlers;
use crate::idempotency::{self, delivery_key, StoreError};
use crate::inbox::{Claim, InboxError, PgInbox};
use crate::outcome::Outcome;
use crate::respond::ResponseBody;

/// A database step, bounded like every store call: one that takes longer has failed.
async fn bounded<T>(step: impl Future<Output = Result<T, InboxError>>) -> Result<T, BoxError> {
    idempotency::bounded(async { step.await.map_err(StoreError::new) })
        .await
        .map_err(Into::into)
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
    let claimed = match delivery_key(inbox.key_namespace(), event) {
        Some(key) => bounded(inbox.begin(&key)).await,
        None => bounded(inbox.begin_unclaimed()).await.map(Claim::Fresh),
    };
    let mut tx = match claimed {
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
    let (dispatched, took) = conclude::within_deadline(inner, dispatch).await;
    conclude::record_message_id(span, event);
    match &dispatched {
        Some(Dispatch::Handled | Dispatch::Discarded(_)) => {
            if let Err(e) = bounded(tx.commit()).await {
                tracing::error!(error = %e, "the delivery's transaction did not commit; nothing was kept");
                inner
                    .meter
                    .handler_duration(Outcome::Refused, Some(event.context().format), took);
                return refuse(inner, &RequestError::StoreUnavailable(e));
            }
            if matches!(dispatched, Some(Dispatch::Handled)) {
                dispatch::committed(&handlers, event).await;
            }
        }
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

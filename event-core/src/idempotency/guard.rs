//! The claim one request holds while its handlers run (crate-private).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::{
    Claim, ClaimToken, Idempotency, IdempotencyStore, StoreError, StoreFailure, STORE_TIMEOUT,
};
use crate::error::RequestError;
use crate::event::Event;

/// Why the handlers must not run for this delivery.
pub(crate) enum Skip {
    /// Handled before: acknowledge.
    Done,
    /// Refused: in progress elsewhere, or the store failed and the policy is to refuse.
    Refused(RequestError),
}

/// How an unsettled claim is settled when the request is dropped.
#[derive(Clone, Copy)]
enum Intent {
    Release,
    Complete,
}

/// A claim taken for one delivery. Settle it with [`complete`](Self::complete) or
/// [`release`](Self::release); one dropped unsettled (the request was cancelled, even midway
/// through settling) is settled in the background as intended, releasing by default.
pub(crate) struct ClaimGuard {
    store: Arc<dyn IdempotencyStore>,
    key: String,
    token: ClaimToken,
    retention: Duration,
    intent: Intent,
    settled: bool,
}

/// A store call, bounded by [`STORE_TIMEOUT`]: a store that hangs is a store that failed.
pub(crate) async fn bounded<T>(
    call: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(STORE_TIMEOUT, call)
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::new(
                "the store (idempotency or inbox) did not answer within 2 s",
            ))
        })
}

/// Claims `event` before dispatch. `Ok(None)`: dispatch without a claim (no identity, or the
/// store failed and the policy says dispatch anyway). A Cloud Tasks delivery's done mark is
/// kept at most `task_reuse`: its name may name a new task after that.
pub(crate) async fn claim(
    settings: &Idempotency,
    lease: Duration,
    task_reuse: Duration,
    event: &Event,
) -> Result<Option<ClaimGuard>, Skip> {
    let Some(key) = settings.key_for(event) else {
        return Ok(None);
    };
    let retention = match event.context().format {
        crate::DeliveryFormat::CloudTasks => settings.retention.min(task_reuse),
        _ => settings.retention,
    };
    let token = ClaimToken::random();
    match bounded(settings.store.claim(&key, &token, lease)).await {
        Ok(Claim::Acquired) => Ok(Some(ClaimGuard {
            store: Arc::clone(&settings.store),
            key,
            token,
            retention,
            intent: Intent::Release,
            settled: false,
        })),
        Ok(Claim::Done) => Err(Skip::Done),
        Ok(Claim::InProgress) => Err(Skip::Refused(RequestError::InProgress {
            kind: event.kind().to_owned(),
            reference: event.reference().to_owned(),
        })),
        Err(e) => match settings.on_store_failure {
            StoreFailure::DispatchWithoutDeduplication => {
                tracing::warn!(error = %e, "idempotency store failed; dispatching without de-duplication");
                Ok(None)
            }
            StoreFailure::Refuse => Err(Skip::Refused(RequestError::StoreUnavailable(e.into()))),
        },
    }
}

impl ClaimGuard {
    /// The delivery was handled (or discarded): remember it as done. A failure here is logged;
    /// the claim then lapses after its lease, and a later duplicate may run again.
    pub(crate) async fn complete(mut self) {
        self.intent = Intent::Complete;
        let done = bounded(self.store.complete(&self.key, &self.token, self.retention)).await;
        self.settled = true;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not mark the delivery done; a duplicate may run again");
        }
    }

    /// The delivery was not handled: free it for the redelivery. A failure here is logged; the
    /// claim then lapses after its lease.
    pub(crate) async fn release(mut self) {
        let released = bounded(self.store.release(&self.key, &self.token)).await;
        self.settled = true;
        if let Err(e) = released {
            tracing::warn!(error = %e, "could not release the claim; the redelivery waits for its lease to end");
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // no runtime: the claim lapses after its lease
        };
        let (store, key, token) = (
            Arc::clone(&self.store),
            std::mem::take(&mut self.key),
            self.token.clone(),
        );
        let (intent, retention) = (self.intent, self.retention);
        runtime.spawn(async move {
            let _ = match intent {
                Intent::Release => bounded(store.release(&key, &token)).await,
                Intent::Complete => bounded(store.complete(&key, &token, retention)).await,
            };
        });
    }
}

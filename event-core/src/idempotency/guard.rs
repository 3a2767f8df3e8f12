//! The claim one request holds while its handlers run (crate-private).

use std::sync::Arc;
use std::time::Duration;

use super::{Claim, ClaimToken, Idempotency, IdempotencyStore, StoreFailure};
use crate::error::RequestError;
use crate::event::Event;

/// Why the handlers must not run for this delivery.
pub(crate) enum Skip {
    /// Handled before: acknowledge.
    Done,
    /// Refused: in progress elsewhere, or the store failed and the policy is to refuse.
    Refused(RequestError),
}

/// A claim taken for one delivery. Settle it with [`complete`](Self::complete) or
/// [`release`](Self::release); one dropped unsettled (the request was cancelled) is released
/// in the background.
pub(crate) struct ClaimGuard {
    store: Arc<dyn IdempotencyStore>,
    key: String,
    token: ClaimToken,
    retention: Duration,
    settled: bool,
}

/// Claims `event` before dispatch. `Ok(None)`: dispatch without a claim (no identity, or the
/// store failed and the policy says dispatch anyway).
pub(crate) async fn claim(
    settings: &Idempotency,
    lease: Duration,
    event: &Event,
) -> Result<Option<ClaimGuard>, Skip> {
    let Some(key) = settings.key_for(event) else {
        return Ok(None);
    };
    let token = ClaimToken::random();
    match settings.store.claim(&key, &token, lease).await {
        Ok(Claim::Acquired) => Ok(Some(ClaimGuard {
            store: Arc::clone(&settings.store),
            key,
            token,
            retention: settings.retention,
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
            StoreFailure::Refuse => Err(Skip::Refused(RequestError::StoreUnavailable(e))),
        },
    }
}

impl ClaimGuard {
    /// The delivery was handled (or discarded): remember it as done. A failure here is logged;
    /// the claim then lapses after its lease, and a later duplicate may run again.
    pub(crate) async fn complete(mut self) {
        self.settled = true;
        if let Err(e) = self
            .store
            .complete(&self.key, &self.token, self.retention)
            .await
        {
            tracing::warn!(error = %e, "could not mark the delivery done; a duplicate may run again");
        }
    }

    /// The delivery was not handled: free it for the redelivery. A failure here is logged; the
    /// claim then lapses after its lease.
    pub(crate) async fn release(mut self) {
        self.settled = true;
        if let Err(e) = self.store.release(&self.key, &self.token).await {
            tracing::warn!(error = %e, "could not release the claim; the redelivery waits for its lease to end");
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (store, key, token) = (
                Arc::clone(&self.store),
                std::mem::take(&mut self.key),
                self.token.clone(),
            );
            runtime.spawn(async move {
                let _ = store.release(&key, &token).await;
            });
        }
    }
}

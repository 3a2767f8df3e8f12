//! The checked configuration every phase of the pipeline reads (built by
//! [`EventServiceBuilder::build`](crate::EventServiceBuilder::build), held by the service).

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::auth::signed_url::UrlSigningKey;
use crate::auth::{Clock, OidcVerifier};
use crate::handler::{Handlers, KindFilter, Route};
use crate::idempotency::Idempotency;
use crate::meter::Meter;
use crate::pubsub::AttributeHeaders;
use tokio::sync::Semaphore;

/// The checked configuration every phase reads.
pub(crate) struct Inner {
    pub(crate) prefix: String,
    pub(crate) events_path: String,
    pub(crate) cloud_events_path: Option<String>,
    pub(crate) routes: Vec<(KindFilter, Route)>,
    pub(crate) body_limit: usize,
    pub(crate) max_uri_length: usize,
    pub(crate) failure_status: StatusCode,
    pub(crate) debug: bool,
    pub(crate) oidc: Option<OidcVerifier>,
    pub(crate) url_keys: Vec<UrlSigningKey>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) unwrapped_push: bool,
    pub(crate) attribute_headers: AttributeHeaders,
    /// Who may be taken for Cloud Tasks or Scheduler, and how long a done task counts.
    pub(crate) sources: crate::tasks::SourceTrust,
    /// The handler deadline.
    pub(crate) handler_timeout: Option<Duration>,
    /// Permits for events in flight, and their number.
    pub(crate) in_flight: Option<(Arc<Semaphore>, usize)>,
    /// Claims per delivery, with the lease resolved.
    pub(crate) idempotency: Option<(Idempotency, Duration)>,
    /// The transactional inbox, for deliveries with transactional handlers.
    #[cfg(feature = "postgres")]
    pub(crate) inbox: Option<crate::inbox::PgInbox>,
    /// Metric handles (empty calls without the `metrics` feature).
    pub(crate) meter: Meter,
}

impl Inner {
    /// The handlers whose filter takes `kind`, in registration order.
    pub(crate) fn handlers_for(&self, kind: &str) -> Handlers<'_> {
        self.routes
            .iter()
            .filter(|(filter, _)| filter.matches(kind))
            .map(|(_, handler)| handler)
            .collect()
    }
}

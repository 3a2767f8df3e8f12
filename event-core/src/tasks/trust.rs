//! Which requests are taken for Cloud Tasks or Cloud Scheduler deliveries: those whose head
//! says so *and* that come as those services send them.
//!
//! The `X-CloudTasks-*` and `X-CloudScheduler*` headers alone prove nothing: with unwrapped
//! push and write-metadata, Pub/Sub turns every message attribute into a header, so whoever may
//! publish to a topic could write them. Such a request carries Pub/Sub's own metadata
//! (`x-goog-pubsub-*`) and is an unwrapped push whatever else it carries (decided before this
//! is asked). Otherwise the headers count only with the service's `User-Agent`
//! (`Google-Cloud-Tasks`, `Google-Cloud-Scheduler`) and, when the application names them, a
//! verified OIDC token of one of the named service accounts; a request that fails either is
//! read as a plain post, its source headers ignored (and so is its identity: it is never taken
//! for a duplicate of a real task).

use std::time::Duration;

use http::HeaderMap;

use super::Source;
use crate::auth::VerifiedClaims;

/// How long a done Cloud Tasks delivery counts by default. Google lets a task name be used
/// again about an hour after the task ran or was deleted (for queues made with Cloud Tasks;
/// about nine days for `queue.yaml` queues); a done mark that outlived that would take the new
/// task for a duplicate. Duplicates of a task's own delivery come within minutes.
pub const DEFAULT_TASK_NAME_REUSE: Duration = Duration::from_secs(30 * 60);

/// What decides whether a request is taken for Cloud Tasks or Cloud Scheduler.
#[derive(Debug, Clone)]
pub(crate) struct SourceTrust {
    /// OIDC e-mails Cloud Tasks calls with; any (with the User-Agent) when empty.
    pub(crate) tasks_emails: Vec<String>,
    /// OIDC e-mails Cloud Scheduler calls with; any (with the User-Agent) when empty.
    pub(crate) scheduler_emails: Vec<String>,
    /// How long a done task's mark counts (see [`DEFAULT_TASK_NAME_REUSE`]).
    pub(crate) task_reuse: Duration,
}

impl Default for SourceTrust {
    fn default() -> Self {
        Self {
            tasks_emails: Vec::new(),
            scheduler_emails: Vec::new(),
            task_reuse: DEFAULT_TASK_NAME_REUSE,
        }
    }
}

const TASKS_AGENT: &[u8] = b"Google-Cloud-Tasks";
const SCHEDULER_AGENT: &[u8] = b"Google-Cloud-Scheduler";

impl SourceTrust {
    /// The source of a request whose head names one, when it comes as that source sends.
    pub(crate) fn source(
        &self,
        headers: &HeaderMap,
        caller: Option<&VerifiedClaims>,
    ) -> Option<Source> {
        let source = Source::detect(headers)?;
        let (agent, emails) = match source {
            Source::CloudTasks => (TASKS_AGENT, &self.tasks_emails),
            Source::CloudScheduler => (SCHEDULER_AGENT, &self.scheduler_emails),
        };
        let sent_by_google = headers
            .get(http::header::USER_AGENT)
            .is_some_and(|ua| starts_with_ignoring_case(ua.as_bytes(), agent));
        let named =
            emails.is_empty() || caller.is_some_and(|claims| emails.contains(&claims.email));
        if sent_by_google && named {
            Some(source)
        } else {
            tracing::debug!(
                ?source,
                sent_by_google,
                named,
                "source headers ignored: not sent as that service sends"
            );
            None
        }
    }
}

fn starts_with_ignoring_case(value: &[u8], prefix: &[u8]) -> bool {
    value.len() >= prefix.len() && value[..prefix.len()].eq_ignore_ascii_case(prefix)
}

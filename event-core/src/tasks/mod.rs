//! Cloud Tasks and Cloud Scheduler: the other two Google push sources (SPEC C7). Both call a
//! URL with an OIDC token the service verifies like any push, retry on any non-2xx, and deliver
//! at least once. A request is recognised from its head:
//!
//! | source | recognised by | format | context |
//! |---|---|---|---|
//! | Cloud Tasks HTTP target | `X-CloudTasks-QueueName` and `X-CloudTasks-TaskName` | [`DeliveryFormat::CloudTasks`](crate::DeliveryFormat::CloudTasks) | [`CloudTasksContext`] in [`EventContext::cloud_tasks`](crate::EventContext::cloud_tasks) |
//! | Cloud Scheduler HTTP job | `X-CloudScheduler: true` and `X-CloudScheduler-JobName` | [`DeliveryFormat::CloudScheduler`](crate::DeliveryFormat::CloudScheduler) | [`SchedulerContext`] in [`EventContext::scheduler`](crate::EventContext::scheduler) |
//!
//! Their body is the payload whatever its type (Scheduler sends `application/octet-stream` by
//! default): JSON when it parses, else text or bytes. Kind and reference come from the URL, as
//! for any post. Only the identity headers are strict (queue and task name; job name and
//! schedule time): missing, doubled or unreadable is a `400` naming the header, and nothing is
//! dispatched. The others (ETA, counts, previous response, retry reason) are information: one
//! that does not parse is absent, with a warning, so an unexpected value from Google never
//! turns every attempt of a task into a refusal.
//!
//! **Which requests count as these sources.** Only those that come as the services send them:
//! with their `User-Agent` (`Google-Cloud-Tasks`, `Google-Cloud-Scheduler`) and, when you name
//! them ([`cloud_tasks_emails`](crate::EventServiceBuilder::cloud_tasks_emails),
//! [`cloud_scheduler_emails`](crate::EventServiceBuilder::cloud_scheduler_emails), or
//! `GCP_EVENTS_TASKS_EMAILS` / `GCP_EVENTS_SCHEDULER_EMAILS`), a verified OIDC token of one of
//! those service accounts. Any other request is a plain post and its source headers are
//! ignored. A request carrying Pub/Sub's unwrapped-push metadata (`x-goog-pubsub-*`) is an
//! unwrapped push whatever else it carries: with write-metadata every message attribute
//! becomes a header, so a publisher could otherwise pose as a queue.
//!
//! With idempotency or the inbox, a task is one delivery per queue + task name (its retries
//! carry the same name), a Scheduler run one per job name + schedule time (its retries carry
//! the same schedule time; a run without one, from a job that is not on a cron schedule, has no
//! identity and is dispatched every time). Google sends the queue's **short** name only (no
//! project or region), so two regions' `emails` queues posting to one route share names: give
//! them different queue names or routes. A task name is free again about an hour after its
//! task ran or was deleted, so a done task counts for
//! [`DEFAULT_TASK_NAME_REUSE`] (30 min; [`task_name_reuse`](crate::EventServiceBuilder::task_name_reuse))
//! and not the store's or inbox's full retention: a new task reusing a name runs.
//!
//! **The headers are the caller's.** Google sets them, but anyone who can reach the endpoint
//! with Cloud Tasks' `User-Agent` can send them too: name your queues' and jobs' service
//! accounts, so that only their tokens count.
//!
//! ```
//! use gcp_events_core::testing::requests::TestTask;
//! use gcp_events_core::testing::Recorder;
//! use gcp_events_core::{DeliveryFormat, EventService};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let seen = Recorder::new();
//! let service = EventService::builder()
//!     .allow_unauthenticated()
//!     .handler(seen.clone())
//!     .build()?;
//! let task = TestTask::new("projects/p/locations/l/queues/emails", "welcome-42")
//!     .body("send the welcome e-mail")
//!     .retry_count(2);
//! let response = service.handle(task.request("/gcp-events/events/email/42")).await;
//! assert_eq!(response.status(), 201);
//! let event = seen.single();
//! assert_eq!(event.context().format, DeliveryFormat::CloudTasks);
//! let task = event.context().cloud_tasks.as_ref().expect("the task's context");
//! assert_eq!((task.task_name.as_str(), task.retry_count), ("welcome-42", 2));
//! assert_eq!(event.payload().text(), Some("send the welcome e-mail"));
//! # Ok(())
//! # }
//! ```

mod parse;
mod trust;

use chrono::{DateTime, Utc};

pub use parse::HeaderError;
pub(crate) use parse::{cloud_tasks, scheduler, Source};
pub(crate) use trust::SourceTrust;
pub use trust::DEFAULT_TASK_NAME_REUSE;

/// What Cloud Tasks says about the task it delivers (`X-CloudTasks-*` headers).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudTasksContext {
    /// `X-CloudTasks-QueueName`: the queue's short name.
    pub queue_name: String,
    /// `X-CloudTasks-TaskName`: the task's short name, or a system-generated id.
    pub task_name: String,
    /// `X-CloudTasks-TaskRetryCount`: times the task was retried (0 on the first attempt;
    /// counts failures before execution too). 0 when absent or unreadable.
    pub retry_count: u32,
    /// `X-CloudTasks-TaskExecutionCount`: responses received from the handler so far (all of
    /// them failures), not counting those that were 5xx, as Google documents it. 0 when
    /// absent or unreadable.
    pub execution_count: u32,
    /// `X-CloudTasks-TaskETA`: when the task was scheduled to run.
    pub eta: Option<DateTime<Utc>>,
    /// `X-CloudTasks-TaskPreviousResponse`: the HTTP status of the previous attempt (retries
    /// only).
    pub previous_response: Option<u16>,
    /// `X-CloudTasks-TaskRetryReason`: why the task is retried (retries only).
    pub retry_reason: Option<String>,
}

/// What Cloud Scheduler says about the job run it delivers (`X-CloudScheduler-*` headers).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerContext {
    /// `X-CloudScheduler-JobName`: the job's short name.
    pub job_name: String,
    /// `X-CloudScheduler-ScheduleTime`: the run's scheduled time (unix-cron jobs; each retry
    /// of a run carries the same).
    pub schedule_time: Option<DateTime<Utc>>,
}

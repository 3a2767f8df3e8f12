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
//! for any post. A header that does not parse is a `400` naming it, and nothing is dispatched.
//!
//! With idempotency, a task is one delivery per queue + task name (its retries carry the same
//! name), a Scheduler run one per job name + schedule time (its retries carry the same schedule
//! time; a run without one, from a job that is not on a cron schedule, has no identity and is
//! dispatched every time).
//!
//! **The headers are the caller's.** Google sets them, but anyone who can reach the endpoint can
//! send them too: trust them only on an authenticated service (OIDC with the allowed e-mails of
//! your queue's and job's service accounts). With idempotency on, a caller who may post at all
//! could reuse a task name to have a real task taken for a duplicate (acknowledged, not run):
//! another reason the endpoint must be authenticated.
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

use chrono::{DateTime, Utc};

pub use parse::HeaderError;
pub(crate) use parse::{cloud_tasks, scheduler, Source};

/// What Cloud Tasks says about the task it delivers (`X-CloudTasks-*` headers).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudTasksContext {
    /// `X-CloudTasks-QueueName`: the queue's short name.
    pub queue_name: String,
    /// `X-CloudTasks-TaskName`: the task's short name, or a system-generated id.
    pub task_name: String,
    /// `X-CloudTasks-TaskRetryCount`: times the task was retried (0 on the first attempt;
    /// counts failures before execution too).
    pub retry_count: u32,
    /// `X-CloudTasks-TaskExecutionCount`: responses received from the handler so far (all of
    /// them failures).
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

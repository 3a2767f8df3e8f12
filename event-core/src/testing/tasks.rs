//! Cloud Tasks and Cloud Scheduler requests as Google sends them (SPEC C7), for
//! [`EventService::handle`](crate::EventService::handle) or the wire.

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use http_body_util::Full;

/// A Cloud Tasks HTTP target's request: `X-CloudTasks-*` headers and the task's body.
///
/// Defaults: no body, first attempt (retry and execution counts 0), no ETA, no previous
/// response, Cloud Tasks' `User-Agent: Google-Cloud-Tasks`; every request carries `Host:
/// localhost`. Queue and task names are sent as their short names, as Cloud Tasks does.
#[derive(Debug, Clone)]
pub struct TestTask {
    queue: String,
    task: String,
    body: Bytes,
    content_type: Option<String>,
    retry_count: u32,
    execution_count: u32,
    eta: Option<DateTime<Utc>>,
    previous_response: Option<u16>,
    retry_reason: Option<String>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
}

/// The last `/`-separated segment: what Google sends of a full resource name.
fn short(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).to_owned()
}

impl TestTask {
    /// A task of `queue` (a short name or `projects/…/queues/NAME`) named `task`.
    pub fn new(queue: &str, task: &str) -> Self {
        Self {
            queue: short(queue),
            task: short(task),
            body: Bytes::new(),
            content_type: None,
            retry_count: 0,
            execution_count: 0,
            eta: None,
            previous_response: None,
            retry_reason: None,
            user_agent: Some("Google-Cloud-Tasks".to_owned()),
            headers: Vec::new(),
        }
    }

    /// Another `User-Agent`, or none: a request not sent as Cloud Tasks sends (its headers
    /// are then ignored by the service).
    pub fn user_agent(mut self, agent: Option<&str>) -> Self {
        self.user_agent = agent.map(str::to_owned);
        self
    }

    /// The task's body (sent without a content type unless [`content_type`](Self::content_type)).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The task's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// `X-CloudTasks-TaskRetryCount`.
    pub fn retry_count(mut self, n: u32) -> Self {
        self.retry_count = n;
        self
    }

    /// `X-CloudTasks-TaskExecutionCount`.
    pub fn execution_count(mut self, n: u32) -> Self {
        self.execution_count = n;
        self
    }

    /// `X-CloudTasks-TaskETA` (sent as fractional seconds since the epoch).
    pub fn eta(mut self, at: DateTime<Utc>) -> Self {
        self.eta = Some(at);
        self
    }

    /// `X-CloudTasks-TaskPreviousResponse` and `X-CloudTasks-TaskRetryReason`, as on a retry.
    pub fn previous_response(mut self, status: u16, reason: impl Into<String>) -> Self {
        self.previous_response = Some(status);
        self.retry_reason = Some(reason.into());
        self
    }

    /// The next attempt after a failure answered `status`: the retry count grows by one, the
    /// execution count too unless `status` was a 5xx (Google counts only responses that were
    /// not 5xx there), and the previous response is sent.
    pub fn retried_after(self, status: u16) -> Self {
        let counted = u32::from(!(500..600).contains(&status));
        let (retries, executions) = (self.retry_count + 1, self.execution_count + counted);
        self.retry_count(retries)
            .execution_count(executions)
            .previous_response(status, "HTTP_ERROR")
    }

    /// Any other header (a bearer token, a bad value for a test).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The headers Cloud Tasks would send, in order (then any added with `header`).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("X-CloudTasks-QueueName".to_owned(), self.queue.clone()),
            ("X-CloudTasks-TaskName".to_owned(), self.task.clone()),
            (
                "X-CloudTasks-TaskRetryCount".to_owned(),
                self.retry_count.to_string(),
            ),
            (
                "X-CloudTasks-TaskExecutionCount".to_owned(),
                self.execution_count.to_string(),
            ),
        ];
        if let Some(eta) = self.eta {
            let nanos = eta.timestamp_subsec_nanos();
            let value = format!("{}.{:06}", eta.timestamp(), nanos / 1_000);
            headers.push(("X-CloudTasks-TaskETA".to_owned(), value));
        }
        if let Some(status) = self.previous_response {
            headers.push((
                "X-CloudTasks-TaskPreviousResponse".to_owned(),
                status.to_string(),
            ));
        }
        if let Some(reason) = &self.retry_reason {
            headers.push(("X-CloudTasks-TaskRetryReason".to_owned(), reason.clone()));
        }
        if let Some(content_type) = &self.content_type {
            headers.push(("content-type".to_owned(), content_type.clone()));
        }
        if let Some(agent) = &self.user_agent {
            headers.push(("user-agent".to_owned(), agent.clone()));
        }
        headers.extend(self.headers.iter().cloned());
        headers
    }

    /// The task's body.
    pub fn body_bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// The request, posted to `path`.
    pub fn request(&self, path: &str) -> http::Request<Full<Bytes>> {
        super::post_request(path, &self.headers(), self.body.clone())
    }
}

/// A Cloud Scheduler HTTP job's request: `X-CloudScheduler: true`, the job's name, its run's
/// schedule time, Scheduler's `User-Agent: Google-Cloud-Scheduler`, and the body with
/// Scheduler's default `Content-Type: application/octet-stream`.
#[derive(Debug, Clone)]
pub struct TestSchedulerRun {
    job: String,
    schedule_time: Option<DateTime<Utc>>,
    body: Bytes,
    content_type: String,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
}

impl TestSchedulerRun {
    /// A run of `job` (a short name or `projects/…/jobs/NAME`) scheduled at `schedule_time`,
    /// with no body.
    pub fn new(job: &str, schedule_time: DateTime<Utc>) -> Self {
        Self {
            job: short(job),
            schedule_time: Some(schedule_time),
            body: Bytes::new(),
            content_type: "application/octet-stream".to_owned(),
            user_agent: Some("Google-Cloud-Scheduler".to_owned()),
            headers: Vec::new(),
        }
    }

    /// Another `User-Agent`, or none (see [`TestTask::user_agent`]).
    pub fn user_agent(mut self, agent: Option<&str>) -> Self {
        self.user_agent = agent.map(str::to_owned);
        self
    }

    /// A run without a schedule time (a job that is not on a cron schedule).
    pub fn unscheduled(mut self) -> Self {
        self.schedule_time = None;
        self
    }

    /// The job's body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The job's own `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Any other header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The headers Cloud Scheduler would send, in order (then any added with `header`).
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("X-CloudScheduler".to_owned(), "true".to_owned()),
            ("X-CloudScheduler-JobName".to_owned(), self.job.clone()),
        ];
        if let Some(at) = self.schedule_time {
            let value = at.to_rfc3339_opts(SecondsFormat::Secs, true);
            headers.push(("X-CloudScheduler-ScheduleTime".to_owned(), value));
        }
        headers.push(("content-type".to_owned(), self.content_type.clone()));
        if let Some(agent) = &self.user_agent {
            headers.push(("user-agent".to_owned(), agent.clone()));
        }
        headers.extend(self.headers.iter().cloned());
        headers
    }

    /// The job's body.
    pub fn body_bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// The request, posted to `path`.
    pub fn request(&self, path: &str) -> http::Request<Full<Bytes>> {
        super::post_request(path, &self.headers(), self.body.clone())
    }
}

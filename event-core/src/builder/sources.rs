//! The builder's settings for telling where a delivery comes from: unwrapped Pub/Sub push,
//! and who may be taken for Cloud Tasks or Cloud Scheduler.

use std::time::Duration;

use super::EventServiceBuilder;
use crate::pubsub::AttributeHeaders;

impl EventServiceBuilder {
    /// Treats every request on the event routes as an unwrapped Pub/Sub push (payload
    /// unwrapping), even without metadata headers: the body is the message data. Without this,
    /// an unwrapped push is recognised by its `x-goog-pubsub-message-id` header (subscriptions
    /// with write-metadata); one without metadata cannot be told from a JSON post.
    pub fn unwrapped_push(mut self, on: bool) -> Self {
        self.unwrapped_push = on;
        self
    }

    /// Which headers of an unwrapped push become message attributes (default: none). Pub/Sub
    /// sends each attribute as its own header, but so do proxies and clients, some carrying
    /// credentials: name the attributes you publish
    /// (`AttributeHeaders::only(["origin"])`), or take everything but transport headers
    /// (`AttributeHeaders::AllExceptTransport`).
    pub fn unwrapped_attribute_headers(mut self, headers: AttributeHeaders) -> Self {
        self.attribute_headers = headers;
        self
    }

    /// The service accounts Cloud Tasks calls with (the tasks' `oidcToken`): a request is
    /// taken for a Cloud Tasks delivery (its headers read as context, its task name as its
    /// identity) only when its verified OIDC e-mail is one of these, besides Cloud Tasks'
    /// `User-Agent`. Without a list, the `User-Agent` alone decides, and anyone allowed to post
    /// can send a task's headers; name the accounts so that the right to post is not the right
    /// to pose as a queue. Needs [`oidc`](Self::oidc). See [`crate::tasks`].
    pub fn cloud_tasks_emails<I, S>(mut self, emails: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sources.tasks_emails = emails.into_iter().map(Into::into).collect();
        self
    }

    /// The service accounts Cloud Scheduler calls with (the jobs' `oidcToken`), as
    /// [`cloud_tasks_emails`](Self::cloud_tasks_emails) for Cloud Tasks.
    pub fn cloud_scheduler_emails<I, S>(mut self, emails: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sources.scheduler_emails = emails.into_iter().map(Into::into).collect();
        self
    }

    /// How long a done Cloud Tasks delivery counts, in the idempotency store and the inbox
    /// (default [`DEFAULT_TASK_NAME_REUSE`](crate::tasks::DEFAULT_TASK_NAME_REUSE), 30 min):
    /// after it, a task with the same queue and name runs again. Keep it below the time Google
    /// forbids reusing a task name (about an hour after the task ran or was deleted), or a new
    /// task reusing a name (`welcome-<user>`) is taken for a duplicate and never runs.
    pub fn task_name_reuse(mut self, after: Duration) -> Self {
        self.sources.task_reuse = after;
        self
    }
}

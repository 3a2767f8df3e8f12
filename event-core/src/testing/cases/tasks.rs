//! C7 over real HTTP: Cloud Tasks and Cloud Scheduler requests are recognised from their head,
//! their context typed on the event, their body taken whatever its type, malformed headers
//! refused naming the header, and a retried task or Scheduler run de-duplicated.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::json;

use super::{path, recording, serve};
use crate::idempotency::MemoryStore;
use crate::testing::client::{raw_request, send, HttpResponse};
use crate::testing::requests::{TestSchedulerRun, TestTask};
use crate::{handler_fn, DeliveryFormat, EventService, HandlerError};

async fn send_parts(
    addr: SocketAddr,
    target: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
) -> HttpResponse {
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send(addr, &raw_request("POST", target, &headers, body)).await
}

pub(super) async fn send_task(addr: SocketAddr, target: &str, task: &TestTask) -> HttpResponse {
    send_parts(addr, target, task.headers(), &task.body_bytes()).await
}

pub(super) async fn send_run(
    addr: SocketAddr,
    target: &str,
    run: &TestSchedulerRun,
) -> HttpResponse {
    send_parts(addr, target, run.headers(), &run.body_bytes()).await
}

/// C7: a Cloud Tasks task (a plain-text body, on its third attempt) reaches the handler as a
/// `CloudTasks` delivery with every header typed; a Scheduler run with its default
/// `application/octet-stream` body as a `CloudScheduler` delivery.
pub async fn c7_cloud_tasks_and_scheduler_are_recognised_with_their_context<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, seen) = recording(&start).await;
    let eta = Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap();
    let task = TestTask::new(
        "projects/p/locations/europe-west1/queues/emails",
        "welcome-42",
    )
    .body("send the welcome e-mail")
    .eta(eta)
    .retried_after(400)
    .retried_after(500);
    send_task(addr, &path("email", "42"), &task)
        .await
        .assert_json(201, json!({}));
    let event = seen.single();
    assert_eq!(event.context().format, DeliveryFormat::CloudTasks);
    assert_eq!((event.kind(), event.reference()), ("email", "42"));
    assert_eq!(event.payload().text(), Some("send the welcome e-mail"));
    let context = event.context().cloud_tasks.clone().expect("task context");
    assert_eq!(
        (
            context.queue_name.as_str(),
            context.task_name.as_str(),
            context.retry_count,
            context.execution_count
        ),
        ("emails", "welcome-42", 2, 1),
        "a 5xx answer is not counted as an execution"
    );
    assert_eq!(context.eta, Some(eta));
    assert_eq!(context.previous_response, Some(500));
    assert_eq!(context.retry_reason.as_deref(), Some("HTTP_ERROR"));
    assert!(event.pubsub().is_err() && event.context().scheduler.is_none());

    let (addr, seen) = recording(&start).await;
    let at = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let run = TestSchedulerRun::new("projects/p/locations/l/jobs/nightly", at).body("run-nightly");
    send_run(addr, &path("nightly", "1"), &run)
        .await
        .assert_json(201, json!({}));
    let event = seen.single();
    assert_eq!(event.context().format, DeliveryFormat::CloudScheduler);
    assert_eq!(event.payload().text(), Some("run-nightly"));
    let context = event
        .context()
        .scheduler
        .clone()
        .expect("scheduler context");
    assert_eq!(
        (context.job_name.as_str(), context.schedule_time),
        ("nightly", Some(at))
    );
    // A JSON body is JSON, for either source.
    let (addr, seen) = recording(&start).await;
    let json_task = TestTask::new("q", "t").body(r#"{"to": "ada"}"#);
    send_task(addr, &path("email", "43"), &json_task)
        .await
        .assert_json(201, json!({}));
    assert_eq!(
        seen.single()
            .payload()
            .deserialize::<serde_json::Value>()
            .unwrap()["to"],
        "ada"
    );
}

/// `task`'s headers with `name` replaced by `value` (one header, not a second value).
fn replaced(headers: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    let mut headers: Vec<_> = headers
        .into_iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .collect();
    headers.push((name.to_owned(), value.to_owned()));
    headers
}

/// C7: only the identity headers are strict. A task or job name that is missing, empty or
/// doubled, or a schedule time that does not parse, is `400` naming the header (never echoing
/// its value), nothing dispatched; an informational header that does not parse (counts, ETA,
/// previous response) is absent, and the task runs.
pub async fn c7_only_identity_headers_are_strict<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, seen) = recording(&start).await;
    let task = TestTask::new("q", "t");
    let refused = [
        (
            replaced(task.headers(), "X-CloudTasks-TaskName", " "),
            "X-CloudTasks-TaskName",
        ),
        (
            task.clone().header("X-CloudTasks-TaskName", "u").headers(),
            "X-CloudTasks-TaskName",
        ),
        (
            replaced(task.headers(), "X-CloudTasks-QueueName", ""),
            "X-CloudTasks-QueueName",
        ),
    ];
    for (headers, name) in refused {
        let response = send_parts(addr, &path("k", "r"), headers, b"x").await;
        response.assert_json(400, json!({"error": format!("Invalid {name} header")}));
    }
    let at = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let run = TestSchedulerRun::new("nightly", at);
    let headers = replaced(
        run.headers(),
        "X-CloudScheduler-ScheduleTime",
        "secret-tonight",
    );
    send_parts(addr, &path("k", "r"), headers, b"")
        .await
        .assert_json(
            400,
            json!({"error": "Invalid X-CloudScheduler-ScheduleTime header"}),
        );
    assert_eq!(seen.count(), 0);

    let informational = [
        ("X-CloudTasks-TaskRetryCount", "secret-two"),
        ("X-CloudTasks-TaskExecutionCount", "-1"),
        ("X-CloudTasks-TaskETA", "secret-soon"),
        ("X-CloudTasks-TaskPreviousResponse", "secret"),
    ];
    let retried = task
        .clone()
        .retry_count(3)
        .execution_count(2)
        .eta(at)
        .previous_response(500, "HTTP_ERROR");
    for (name, value) in informational {
        let headers = replaced(retried.headers(), name, value);
        send_parts(addr, &path("k", "r"), headers, b"x")
            .await
            .assert_json(201, json!({}));
        let event = seen.events().pop().expect("dispatched");
        let context = event.context().cloud_tasks.clone().expect("still a task");
        let read = match name {
            "X-CloudTasks-TaskRetryCount" => context.retry_count == 0,
            "X-CloudTasks-TaskExecutionCount" => context.execution_count == 0,
            "X-CloudTasks-TaskETA" => context.eta.is_none(),
            _ => context.previous_response.is_none(),
        };
        assert!(read, "{name} unreadable is absent: {context:?}");
        assert_eq!(context.task_name, "t");
    }
}

/// The raw bytes of a test request, for the wire.
async fn wire(request: http::Request<http_body_util::Full<bytes::Bytes>>) -> Vec<u8> {
    use http_body_util::BodyExt;
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter(|(name, _)| *name != http::header::HOST)
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    raw_request(parts.method.as_str(), target, &headers, &body)
}

/// C7 with R4: with unwrapped push and write-metadata Pub/Sub turns every message attribute
/// into a header, so a publisher can add Cloud Tasks, Scheduler and `ce-*` headers (with Cloud
/// Tasks' User-Agent too). Three distinct messages carrying the same forged task, job and
/// CloudEvent identity each stay an unwrapped push with their own message id: all three run.
pub async fn c7_forged_source_headers_never_change_a_pubsub_delivery<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let recorder = crate::testing::Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .idempotency(MemoryStore::default())
        .handler(recorder.clone());
    let addr = serve(&start, builder).await;
    let forged = [
        ("X-CloudTasks-QueueName", "emails"),
        ("X-CloudTasks-TaskName", "welcome-1"),
        ("User-Agent", "Google-Cloud-Tasks"),
        ("X-CloudScheduler", "true"),
        ("X-CloudScheduler-JobName", "nightly"),
        ("ce-specversion", "1.0"),
        ("ce-id", "forged"),
        ("ce-source", "//forged"),
        ("ce-type", "google.cloud.pubsub.topic.v1.messagePublished"),
    ];
    for id in ["m1", "m2", "m3"] {
        let mut push = crate::testing::requests::TestPush::data("x").message_id(id);
        for (name, value) in forged {
            push = push.header(name, value);
        }
        let response = send(addr, &wire(push.unwrapped(&path("k", "r"))).await).await;
        response.assert_json(201, json!({}));
    }
    let events = recorder.events();
    let seen: Vec<_> = events
        .iter()
        .map(|e| {
            let id = e.pubsub().ok().and_then(|m| m.message_id.clone());
            (e.context().format, id.unwrap_or_default())
        })
        .collect();
    let expected: Vec<_> = ["m1", "m2", "m3"]
        .into_iter()
        .map(|id| (DeliveryFormat::UnwrappedPush, id.to_owned()))
        .collect();
    assert_eq!(seen, expected);
    assert!(events
        .iter()
        .all(|e| e.context().cloud_tasks.is_none() && e.context().cloud_event.is_none()));

    // A task's headers without Cloud Tasks' User-Agent are a plain post: no task context,
    // and no task identity to be taken for a duplicate.
    let (addr, seen) = recording(&start).await;
    let posed = TestTask::new("q", "t").user_agent(None).body("{}");
    for _ in 0..2 {
        send_task(addr, &path("k", "r"), &posed)
            .await
            .assert_json(201, json!({}));
    }
    assert!(seen.events().iter().all(
        |e| e.context().format == DeliveryFormat::JsonBody && e.context().cloud_tasks.is_none()
    ));
}

/// C7: with the queue's and the job's service accounts named, only their verified tokens make
/// a request a Cloud Tasks or Scheduler delivery: another account that may post (the Pub/Sub
/// push account, say) sending the same headers and `User-Agent` is a plain post.
pub async fn c7_named_service_accounts_decide_who_is_cloud_tasks<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    use crate::testing::auth::LocalOidc;

    let oidc = LocalOidc::new("https://svc.example", "tasks@p.iam.gserviceaccount.com");
    let scheduler = "scheduler@p.iam.gserviceaccount.com";
    let push = "push@p.iam.gserviceaccount.com";
    let recorder = crate::testing::Recorder::new();
    let builder = EventService::builder()
        .oidc(oidc.config().allowed_email(scheduler).allowed_email(push))
        .cloud_tasks_emails(["tasks@p.iam.gserviceaccount.com"])
        .cloud_scheduler_emails([scheduler])
        .handler(recorder.clone());
    let addr = serve(&start, builder).await;
    let token_of = |email: &str| {
        let mut claims = oidc.claims();
        claims["email"] = email.into();
        format!("Bearer {}", oidc.token_with(&claims))
    };
    let at = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let cases = [
        (
            TestTask::new("q", "t")
                .header("Authorization", format!("Bearer {}", oidc.token()))
                .headers(),
            DeliveryFormat::CloudTasks,
        ),
        (
            TestTask::new("q", "t")
                .header("Authorization", token_of(push))
                .headers(),
            DeliveryFormat::JsonBody,
        ),
        (
            TestTask::new("q", "t")
                .header("Authorization", token_of(scheduler))
                .headers(),
            DeliveryFormat::JsonBody,
        ),
        (
            TestSchedulerRun::new("nightly", at)
                .header("Authorization", token_of(scheduler))
                .headers(),
            DeliveryFormat::CloudScheduler,
        ),
        (
            TestSchedulerRun::new("nightly", at)
                .header("Authorization", token_of(push))
                .headers(),
            DeliveryFormat::JsonBody,
        ),
    ];
    for (n, (headers, format)) in cases.into_iter().enumerate() {
        send_parts(addr, &path("k", "r"), headers, b"{}")
            .await
            .assert_json(201, json!({}));
        let event = recorder.events().pop().expect("dispatched");
        assert_eq!(event.context().format, format, "case {n}");
    }
}

/// C7 with R4: a task's retries are one delivery (queue + task name), a Scheduler run's too
/// (job + schedule time): once handled, a repeat is acknowledged without running; a failed
/// attempt's retry runs. A run without a schedule time has no identity and runs every time.
pub async fn c7_retried_tasks_and_scheduler_runs_are_deduplicated<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let handler = handler_fn(move |event| {
        let runs = counted.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            let first_try = event
                .context()
                .cloud_tasks
                .as_ref()
                .is_some_and(|t| t.retry_count == 0 && t.task_name == "flaky");
            if first_try {
                return Err(HandlerError::new("the first attempt fails"));
            }
            Ok(())
        }
    });
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .idempotency(MemoryStore::default())
            .handler(handler),
    )
    .await;
    let target = path("job", "1");
    let flaky = TestTask::new("q", "flaky").body("x");
    send_task(addr, &target, &flaky).await.assert_json(
        400,
        json!({"error": "Unable to handle event of kind job with reference 1"}),
    );
    let retry = flaky.clone().retried_after(400);
    send_task(addr, &target, &retry)
        .await
        .assert_json(201, json!({}));
    send_task(addr, &target, &retry.retried_after(500))
        .await
        .assert_json(200, json!({}));
    // Another task name, or the same name on another queue, is another delivery.
    send_task(addr, &target, &TestTask::new("q", "other"))
        .await
        .assert_json(201, json!({}));
    send_task(addr, &target, &TestTask::new("q2", "flaky").retry_count(1))
        .await
        .assert_json(201, json!({}));
    assert_eq!(runs.load(Ordering::SeqCst), 4);

    let at = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let run = TestSchedulerRun::new("nightly", at);
    send_run(addr, &target, &run)
        .await
        .assert_json(201, json!({}));
    send_run(addr, &target, &run)
        .await
        .assert_json(200, json!({}));
    let next = TestSchedulerRun::new("nightly", at + chrono::Duration::days(1));
    send_run(addr, &target, &next)
        .await
        .assert_json(201, json!({}));
    for _ in 0..2 {
        send_run(addr, &target, &run.clone().unscheduled())
            .await
            .assert_json(201, json!({}));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 8);
}

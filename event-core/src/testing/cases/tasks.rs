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

async fn send_task(addr: SocketAddr, target: &str, task: &TestTask) -> HttpResponse {
    send_parts(addr, target, task.headers(), &task.body_bytes()).await
}

async fn send_run(addr: SocketAddr, target: &str, run: &TestSchedulerRun) -> HttpResponse {
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
    .retried_after(503)
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
        ("emails", "welcome-42", 2, 2)
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

/// C7: a header that does not parse is `400` naming it (never echoing its value), and nothing
/// is dispatched.
pub async fn c7_malformed_task_and_scheduler_headers_are_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, seen) = recording(&start).await;
    let cases = [
        (
            TestTask::new("q", "t")
                .header("X-CloudTasks-TaskRetryCount", "secret-two")
                .headers(),
            "X-CloudTasks-TaskRetryCount",
        ),
        (
            TestTask::new("q", "t")
                .header("X-CloudTasks-TaskETA", "secret-soon")
                .headers(),
            "X-CloudTasks-TaskETA",
        ),
        (
            TestTask::new("q", "t")
                .header("X-CloudTasks-TaskPreviousResponse", "secret")
                .headers(),
            "X-CloudTasks-TaskPreviousResponse",
        ),
    ];
    for (headers, name) in cases {
        // The test task already sends a valid count; a second value is refused too.
        let response = send_parts(addr, &path("k", "r"), headers, b"x").await;
        response.assert_json(400, json!({"error": format!("Invalid {name} header")}));
    }
    let at = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    let run = TestSchedulerRun::new("nightly", at)
        .unscheduled()
        .header("X-CloudScheduler-ScheduleTime", "secret-tonight");
    send_run(addr, &path("k", "r"), &run).await.assert_json(
        400,
        json!({"error": "Invalid X-CloudScheduler-ScheduleTime header"}),
    );
    assert_eq!(seen.count(), 0);
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

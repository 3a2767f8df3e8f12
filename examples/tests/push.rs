//! The push CLI against a running receiver binary, over real HTTP on 127.0.0.1: every format
//! delivered, OIDC tokens the receiver verifies against the CLI's own JWKS, and a message the
//! receiver keeps refusing retried with a growing `deliveryAttempt`, then dead-lettered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{next_line, start_with, Receiver};
use serde_json::Value;
use tokio::process::Command;

const RECEIVER: &str = env!("CARGO_BIN_EXE_axum-receiver");
const PUSH: &str = env!("CARGO_BIN_EXE_push");

/// The axum receiver with exactly these `GCP_EVENTS_*` settings.
async fn receiver(env: &[(String, String)]) -> Receiver {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    start_with(RECEIVER, &env).await
}

/// Runs the CLI; its exit code and the summary (`--json`) or whole stdout.
async fn push(args: &[&str]) -> (i32, String) {
    let out = Command::new(PUSH).args(args).output().await.unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stdout)
}

fn summary(stdout: &str) -> Value {
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

#[tokio::test]
async fn delivers_every_format_as_google_does() {
    let env = [(
        "GCP_EVENTS_ATTRIBUTE_HEADERS".to_owned(),
        "tenant".to_owned(),
    )];
    let mut r = receiver(&env).await;
    let named = format!("http://{}/gcp-events/events/order/17", r.addr);
    let root = format!("http://{}/", r.addr);
    for (format, url, kind, shape) in [
        ("wrapped", &named, "order", "json_body"),
        ("unwrapped", &named, "order", "unwrapped_push"),
        (
            "binary",
            &root,
            "google.cloud.pubsub.topic.v1.messagePublished",
            "cloud_event_binary",
        ),
        (
            "structured",
            &root,
            "google.cloud.pubsub.topic.v1.messagePublished",
            "cloud_event_structured",
        ),
    ] {
        let (code, out) = push(&[
            url.as_str(),
            "--format",
            format,
            "--count",
            "3",
            "--concurrency",
            "2",
            "--data",
            r#"{"n":1}"#,
            "--attribute",
            "tenant=acme",
            "--message-id",
            format,
            "--json",
        ])
        .await;
        assert_eq!(code, 0, "{format}: {out}");
        let s = summary(&out);
        assert_eq!(
            (s["delivered"].as_u64(), s["dead_lettered"].as_u64()),
            (Some(3), Some(0)),
            "{s}"
        );
        assert_eq!(s["attempts"], 3, "{s}");
        let mut ids = Vec::new();
        for _ in 0..3 {
            let line = next_line(&mut r).await;
            assert_eq!(
                (line["kind"].as_str(), line["format"].as_str()),
                (Some(kind), Some(shape)),
                "{line}"
            );
            assert_eq!(line["pubsub"]["attributes"]["tenant"], "acme", "{line}");
            ids.push(line["pubsub"]["message_id"].as_str().unwrap().to_owned());
        }
        ids.sort();
        let expected: Vec<String> = (1..=3).map(|n| format!("{format}-{n}")).collect();
        assert_eq!(ids, expected, "each message once, with its own id");
    }
}

/// Cloud Tasks and Cloud Scheduler (SPEC C7): the receiver prints each delivery with its
/// context; a task the receiver refuses comes again with growing counts and the previous
/// answer; a Scheduler run's plain-text octet-stream body is accepted.
#[tokio::test]
async fn delivers_cloud_tasks_and_scheduler_runs_with_their_context() {
    let mut r = receiver(&[]).await;
    let addr = r.addr;
    let url = |kind: &str| format!("http://{addr}/gcp-events/events/{kind}/1");
    let args = |url: &str, format: &'static str, data: &'static str| {
        vec![
            url.to_owned(),
            "--format".to_owned(),
            format.to_owned(),
            "--data".to_owned(),
            data.to_owned(),
            "--message-id".to_owned(),
            "welcome".to_owned(),
            "--max-attempts".to_owned(),
            "3".to_owned(),
            "--min-backoff-ms".to_owned(),
            "10".to_owned(),
            "--json".to_owned(),
        ]
    };
    let run = |args: Vec<String>| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        push(&args).await
    };

    let (code, out) = run(args(&url("email"), "cloud-tasks", "send it")).await;
    assert_eq!(code, 0, "{out}");
    let line = next_line(&mut r).await;
    assert_eq!(line["format"], "cloud_tasks", "{line}");
    assert_eq!(line["payload_text"], "send it", "{line}");
    let task = &line["cloud_tasks"];
    assert_eq!(
        (
            &task["queue_name"],
            &task["task_name"],
            &task["retry_count"]
        ),
        (
            &Value::from("push"),
            &Value::from("welcome"),
            &Value::from(0)
        ),
        "{line}"
    );
    assert!(task.get("previous_response").is_none(), "{line}");

    // Kind `fail` prints, then fails: each retry shows the counts and the previous answer.
    let (code, out) = run(args(&url("fail"), "cloud-tasks", "x")).await;
    assert_eq!(code, 1, "dead-lettered after 3 attempts: {out}");
    for attempt in 0..3u64 {
        let line = next_line(&mut r).await;
        let task = &line["cloud_tasks"];
        assert_eq!(task["retry_count"], attempt, "{line}");
        assert_eq!(task["execution_count"], attempt, "{line}");
        if attempt > 0 {
            assert_eq!(task["previous_response"], 400, "{line}");
        }
    }

    let (code, out) = run(args(&url("nightly"), "cloud-scheduler", "run-nightly")).await;
    assert_eq!(code, 0, "{out}");
    let line = next_line(&mut r).await;
    assert_eq!(line["format"], "cloud_scheduler", "{line}");
    assert_eq!(line["payload_text"], "run-nightly", "{line}");
    assert_eq!(line["scheduler"]["job_name"], "push", "{line}");
    assert!(line["scheduler"]["schedule_time"].is_string(), "{line}");
}

#[tokio::test]
async fn oidc_tokens_are_verified_by_the_receiver() {
    let jwks = free_addr();
    let (code, settings) = push(&[
        "http://127.0.0.1:9/ignored",
        "--oidc",
        "--jwks-addr",
        jwks.as_str(),
        "--audience",
        "https://orders.example/push",
        "--print-settings",
    ])
    .await;
    assert_eq!(code, 0);
    let env: Vec<(String, String)> = settings
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "GCP_EVENTS_AUDIENCE",
            "GCP_EVENTS_ALLOWED_EMAILS",
            "GCP_EVENTS_JWKS_URL"
        ]
    );
    let mut r = receiver(&env).await;
    let url = format!("http://{}/gcp-events/events/order/1", r.addr);
    let signed = [
        "--oidc",
        "--jwks-addr",
        jwks.as_str(),
        "--audience",
        "https://orders.example/push",
    ];

    let mut args = vec![url.as_str(), "--json", "--message-id", "signed"];
    args.extend(signed);
    let (code, out) = push(&args).await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(summary(&out)["delivered"], 1);
    let line = next_line(&mut r).await;
    assert_eq!(
        line["caller"]["email"], "push@local.iam.gserviceaccount.com",
        "{line}"
    );
    assert_eq!(line["caller"]["signature_verified"], true, "{line}");

    // Without a token: 401 every time, dead-lettered after the attempts.
    let (code, out) = push(&[
        url.as_str(),
        "--json",
        "--max-attempts",
        "2",
        "--min-backoff-ms",
        "10",
    ])
    .await;
    assert_eq!(code, 1, "{out}");
    let s = summary(&out);
    assert_eq!(
        (s["delivered"].as_u64(), s["dead_lettered"].as_u64()),
        (Some(0), Some(1)),
        "{s}"
    );
    assert_eq!(s["last_refusal"], "HTTP 401");
    // A token for another audience: refused too.
    let mut args = vec![
        url.as_str(),
        "--json",
        "--max-attempts",
        "1",
        "--oidc",
        "--jwks-addr",
        jwks.as_str(),
    ];
    args.extend(["--audience", "https://someone-else.example"]);
    let (code, out) = push(&args).await;
    assert_eq!(
        (code, summary(&out)["last_refusal"].as_str()),
        (1, Some("HTTP 401")),
        "{out}"
    );
}

#[tokio::test]
async fn refused_messages_are_redelivered_with_backoff_then_dead_lettered() {
    let mut r = receiver(&[]).await;
    // The receivers fail every event of kind `fail` (400): a non-ack each time.
    let fail = format!("http://{}/gcp-events/events/fail/1", r.addr);
    let started = std::time::Instant::now();
    let (code, out) = push(&[
        fail.as_str(),
        "--json",
        "--max-attempts",
        "3",
        "--min-backoff-ms",
        "100",
        "--message-id",
        "doomed",
    ])
    .await;
    assert_eq!(code, 1, "{out}");
    let s = summary(&out);
    assert_eq!(
        (s["dead_lettered"].as_u64(), s["attempts"].as_u64()),
        (Some(1), Some(3)),
        "{s}"
    );
    assert_eq!(s["last_refusal"], "HTTP 400");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "backoff 100 + 200 ms"
    );
    let (mut attempts, mut published) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let line = next_line(&mut r).await;
        attempts.push(line["pubsub"]["delivery_attempt"].as_u64());
        published.push((
            line["pubsub"]["message_id"].clone(),
            line["pubsub"]["publish_time"].clone(),
        ));
    }
    assert_eq!(
        attempts,
        [Some(1), Some(2), Some(3)],
        "a growing deliveryAttempt"
    );
    published.dedup();
    assert_eq!(
        published.len(),
        1,
        "the same message each time: {published:?}"
    );

    // A message that succeeds is delivered at once, and the text summary says so.
    let ok = format!("http://{}/gcp-events/events/order/1", r.addr);
    let (code, out) = push(&[ok.as_str()]).await;
    assert_eq!(code, 0);
    assert!(
        out.starts_with("1 messages: 1 delivered (0 after a redelivery), 0 dead-lettered"),
        "{out}"
    );
    let (code, _) = push(&[ok.as_str(), "--format", "nonsense"]).await;
    assert_eq!(code, 2, "bad usage");
}

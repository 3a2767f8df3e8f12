//! Runs each example receiver binary as a user would, and checks what it prints and answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

struct Receiver {
    child: Child,
    addr: SocketAddr,
    stdout: Lines<BufReader<ChildStdout>>,
}

async fn start(bin: &str) -> Receiver {
    let mut child = Command::new(bin)
        .env("PORT", "0")
        .env("HOST", "127.0.0.1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the receiver");
    let stderr = child.stderr.take().unwrap();
    let mut err_lines = BufReader::new(stderr).lines();
    let addr = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = err_lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return rest
                    .split('/')
                    .next()
                    .unwrap()
                    .parse::<SocketAddr>()
                    .unwrap();
            }
        }
        panic!("the receiver exited without announcing its address");
    })
    .await
    .expect("the receiver announced its address");
    // Keep draining stderr so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = err_lines.next_line().await {} });
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    Receiver {
        child,
        addr,
        stdout,
    }
}

async fn next_line(r: &mut Receiver) -> serde_json::Value {
    let line = tokio::time::timeout(Duration::from_secs(20), r.stdout.next_line())
        .await
        .expect("a line within 20 s")
        .unwrap()
        .expect("a line before the output closed");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not one JSON line ({e}): {line}"))
}

async fn post(addr: SocketAddr, target: &str, body: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let raw = format!(
        "POST {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut out)
        .await
        .unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// The receiver prints each event as one JSON line, answers failures for kind `fail`, decodes
/// push envelopes, and finishes an in-flight request after SIGTERM before exiting.
async fn check_receiver(bin: &str) {
    let mut r = start(bin).await;

    // The README's curl.
    let (status, body) = post(
        r.addr,
        "/gcp-events/events/my-kind/my-ref?a=1",
        r#"{"x":1}"#,
    )
    .await;
    assert_eq!((status, body.as_str()), (201, "{}"));
    let line = next_line(&mut r).await;
    assert_eq!(
        line,
        serde_json::json!({"kind": "my-kind", "reference": "my-ref", "parameters": {"a": "1"}, "payload": {"x": 1}})
    );

    // Payload exactly as received, even across line breaks and with huge numbers.
    let (status, _) = post(
        r.addr,
        "/gcp-events/events/k/r",
        "{\"n\":\n123456789012345678901234567890}",
    )
    .await;
    assert_eq!(status, 201);
    let raw_line = tokio::time::timeout(Duration::from_secs(20), r.stdout.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        raw_line.contains("123456789012345678901234567890"),
        "{raw_line}"
    );

    // A push envelope gains a decoded "pubsub" field.
    let envelope = gcp_events_core::pubsub::PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&serde_json::json!({"hello": "world"}))
        .unwrap()
        .message_id("123")
        .build();
    let (status, _) = post(
        r.addr,
        "/gcp-events/events/push/1",
        &envelope.to_json_string(),
    )
    .await;
    assert_eq!(status, 201);
    let line = next_line(&mut r).await;
    assert_eq!(line["pubsub"]["message_id"], "123");
    assert_eq!(line["pubsub"]["subscription"], "projects/p/subscriptions/s");
    assert_eq!(
        line["pubsub"]["data"],
        serde_json::json!({"hello": "world"})
    );

    // Kind `fail` shows the failure response.
    let (status, body) = post(r.addr, "/gcp-events/events/fail/x", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":"Unable to handle event of kind fail with reference x"}"#
    );
    let _ = next_line(&mut r).await; // printed before the failing handler ran

    // Graceful shutdown: a request whose body is still arriving completes after SIGTERM.
    let mut stream = tokio::net::TcpStream::connect(r.addr).await.unwrap();
    stream
        .write_all(b"POST /gcp-events/events/late/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 10\r\n\r\n{\"late\"")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = r.child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream.write_all(b":1}").await.unwrap();
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut out)
        .await
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 201"), "{out}");
    let line = next_line(&mut r).await;
    assert_eq!(line["payload"], serde_json::json!({"late": 1}));
    let exit = tokio::time::timeout(Duration::from_secs(20), r.child.wait())
        .await
        .expect("the receiver stopped after SIGTERM")
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}

#[tokio::test]
async fn axum_receiver() {
    check_receiver(env!("CARGO_BIN_EXE_axum-receiver")).await;
}

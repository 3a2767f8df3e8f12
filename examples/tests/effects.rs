//! The example receivers with `GCP_EVENTS_POSTGRES` (a real PostgreSQL from the test kit): the
//! effect kinds commit one row per delivery with the inbox's mark, across two instances on one
//! database; a failure or a process that aborts inside the transaction leaves no row; the event
//! line is printed only after the commit. An unparsable URL stops the receiver at start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{next_line, post, receiver_command, start_with};
use gcp_events_core::testing::postgres::PostgresServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn push(id: &str, attributes: &str) -> String {
    format!(
        r#"{{"message": {{"data": "e30=", "messageId": "{id}", "attributes": {{{attributes}}}}},
            "subscription": "projects/p/subscriptions/s"}}"#
    )
}

async fn rows(db: &sqlx::PgPool, id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM example_effects WHERE message_id = $1")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// A POST whose answer never comes: the bytes read before the connection closed.
async fn post_unanswered(addr: SocketAddr, target: &str, body: &str) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await;
    out
}

async fn check_receiver_effects(bin: &str) {
    let server = PostgresServer::start();
    let url = server.url();
    let env = [
        ("GCP_EVENTS_POSTGRES", url.as_str()),
        ("GCP_EVENTS_HANDLER_TIMEOUT_MS", "5000"),
    ];
    let (mut a, mut b) = (start_with(bin, &env).await, start_with(bin, &env).await);
    let db = sqlx::PgPool::connect(&url).await.unwrap();

    // One row, committed before the answer and the line; the duplicate on the other instance
    // is acknowledged without a second row.
    assert_eq!(
        post(a.addr, "/gcp-events/events/effect/1", &push("e1", ""))
            .await
            .0,
        201
    );
    assert_eq!(rows(&db, "e1").await, 1);
    let line = next_line(&mut a).await;
    assert_eq!(
        (line["kind"].as_str(), line["pubsub"]["message_id"].as_str()),
        (Some("effect"), Some("e1"))
    );
    assert_eq!(
        post(b.addr, "/gcp-events/events/effect/1", &push("e1", ""))
            .await
            .0,
        200
    );
    assert_eq!(rows(&db, "e1").await, 1);

    // A failure rolls its row back; the redelivery that succeeds commits one.
    let failing = push("f1", r#""fail": "true""#);
    assert_eq!(
        post(a.addr, "/gcp-events/events/effect-fail/1", &failing)
            .await
            .0,
        400
    );
    assert_eq!(rows(&db, "f1").await, 0);
    let passing = push("f1", r#""fail": "false""#);
    assert_eq!(
        post(b.addr, "/gcp-events/events/effect-fail/1", &passing)
            .await
            .0,
        201
    );
    assert_eq!(rows(&db, "f1").await, 1);

    // A duplicate while the first is still in its transaction: 409 at once, on either instance.
    let target = "/gcp-events/events/effect-slow/1?ms=1500";
    let first = tokio::spawn({
        let (addr, body) = (a.addr, push("s1", ""));
        async move { post(addr, target, &body).await.0 }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    assert_eq!(post(b.addr, target, &push("s1", "")).await.0, 409);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "never a wait"
    );
    assert_eq!(first.await.unwrap(), 201);
    assert_eq!(rows(&db, "s1").await, 1);
    // a printed e1, then s1 (the failed f1 printed nothing).
    assert_eq!(next_line(&mut a).await["pubsub"]["message_id"], "s1");

    // The process dies inside the transaction: no answer, no row, no mark.
    let marks_before: i64 = sqlx::query_scalar("SELECT count(*) FROM gcp_events_inbox")
        .fetch_one(&db)
        .await
        .unwrap();
    let answer = post_unanswered(
        a.addr,
        "/gcp-events/events/effect-crash/1",
        &push("c1", r#""crash": "true""#),
    )
    .await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    let exit = tokio::time::timeout(Duration::from_secs(10), a.child.wait())
        .await
        .expect("the receiver died")
        .unwrap();
    assert!(!exit.success(), "{exit:?}");
    // Nothing of it was kept: its redelivery on the other instance runs (a kept mark would be
    // 200 without running), once PostgreSQL has aborted the dead connection's transaction.
    let started = Instant::now();
    let redelivered = loop {
        let body = push("c1", "");
        match post(b.addr, "/gcp-events/events/effect-crash/1", &body)
            .await
            .0
        {
            409 if started.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other,
        }
    };
    assert_eq!(redelivered, 201, "the redelivery runs");
    assert_eq!(rows(&db, "c1").await, 1);
    let marks_after: i64 = sqlx::query_scalar("SELECT count(*) FROM gcp_events_inbox")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(marks_after, marks_before + 1);

    // A handler that ignores a failed statement: never acknowledged (its repeat is refused
    // again, where a kept mark would make it 200), nothing kept, no line printed; the next
    // well-behaved event on the same instance commits normally.
    for _ in 0..2 {
        let body = push("w1", "");
        let swallowed = post(b.addr, "/gcp-events/events/effect-swallow/1", &body).await;
        assert_eq!(swallowed.0, 400);
    }
    assert_eq!(rows(&db, "w1").await, 0);
    assert_eq!(
        post(b.addr, "/gcp-events/events/effect/3", &push("e3", ""))
            .await
            .0,
        201
    );
    assert_eq!(rows(&db, "e3").await, 1);
    assert_eq!(next_line(&mut b).await["pubsub"]["message_id"], "f1");
    assert_eq!(next_line(&mut b).await["pubsub"]["message_id"], "c1");
    assert_eq!(next_line(&mut b).await["pubsub"]["message_id"], "e3");
    let out = receiver_command(bin)
        .env("PORT", "0")
        .env("GCP_EVENTS_POSTGRES", "postgres//nowhere")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GCP_EVENTS_POSTGRES"));
}

per_receiver!(check_receiver_effects:
    axum_receiver_effects => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_effects => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_effects => "CARGO_BIN_EXE_poem-receiver",
);

/// Six receivers started at the same moment against one fresh database (a Cloud Run deploy
/// starting instances together): every one makes or finds the inbox and serves.
async fn check_receivers_start_together(bin: &'static str) {
    let server = PostgresServer::start();
    let starts: Vec<_> = (0..6)
        .map(|_| {
            let url = server.url();
            tokio::spawn(
                async move { start_with(bin, &[("GCP_EVENTS_POSTGRES", url.as_str())]).await },
            )
        })
        .collect();
    let mut receivers = Vec::new();
    for start in starts {
        receivers.push(start.await.expect("the receiver started and serves"));
    }
    for (n, receiver) in receivers.iter().enumerate() {
        let body = push(&format!("start-{n}"), "");
        let answer = post(receiver.addr, "/gcp-events/events/effect/1", &body).await;
        assert_eq!(answer.0, 201, "receiver {n}");
    }
}

per_receiver!(check_receivers_start_together:
    axum_receivers_start_together => "CARGO_BIN_EXE_axum-receiver",
    warp_receivers_start_together => "CARGO_BIN_EXE_warp-receiver",
    poem_receivers_start_together => "CARGO_BIN_EXE_poem-receiver",
);

/// A password in `GCP_EVENTS_POSTGRES` is never printed, in either form Cloud SQL users write
/// (`?password=` on a socket URL, or before the `@` of one), at debug level, whether the
/// database is up, goes down under traffic, or is down when the receiver starts.
async fn check_receiver_keeps_the_password(bin: &str) {
    let mut server = PostgresServer::start();
    let socket = server.socket_dir().display().to_string();
    let port = server.port();
    let urls = [
        format!(
            "postgres:///postgres?host={socket}&port={port}&user=postgres&password=SECRET-QUERY"
        ),
        format!("postgres://postgres:SECRET-USERINFO@/postgres?host={socket}&port={port}"),
    ];
    let mut printed = String::new();
    for url in &urls {
        server.restart();
        let env = [("GCP_EVENTS_POSTGRES", url.as_str()), ("RUST_LOG", "debug")];
        let mut receiver = start_with(bin, &env).await;
        printed.push_str(&receiver.startup_log);
        let body = push(&format!("p-{}", printed.len()), "");
        assert_eq!(
            post(receiver.addr, "/gcp-events/events/effect/1", &body)
                .await
                .0,
            201
        );
        server.stop();
        let body = push("down", "");
        assert_eq!(
            post(receiver.addr, "/gcp-events/events/effect/2", &body)
                .await
                .0,
            503
        );
        receiver.child.kill().await.unwrap();
        while let Ok(Some(line)) =
            tokio::time::timeout(Duration::from_secs(5), receiver.stdout.next_line())
                .await
                .unwrap()
        {
            printed.push_str(&line);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        while let Ok(line) = receiver.stderr.try_recv() {
            printed.push_str(&line);
            printed.push('\n');
        }
        // Started while the database is down: it stops, saying why, without the password.
        let out = receiver_command(bin)
            .env("PORT", "0")
            .env("RUST_LOG", "debug")
            .env("GCP_EVENTS_POSTGRES", url)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        printed.push_str(&String::from_utf8_lossy(&out.stdout));
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        printed.contains("inbox database"),
        "the refusal is printed: {printed}"
    );
    assert!(printed.contains("sqlx"), "debug logs are on: {printed}");
    assert!(!printed.contains("SECRET"), "{printed}");
}

per_receiver!(check_receiver_keeps_the_password:
    axum_receiver_keeps_the_password => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_keeps_the_password => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_keeps_the_password => "CARGO_BIN_EXE_poem-receiver",
);

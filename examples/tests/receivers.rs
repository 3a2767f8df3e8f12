//! Runs each example binary as a user would, and checks what it prints and answers: the three
//! receivers (axum, warp, poem) must behave the same, and the codec example must round-trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{exchange, exchange_bytes, next_line, post, post_with, receiver_command, start_with};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The receiver prints each event as one JSON line, answers failures for kind `fail`, decodes
/// push envelopes, and finishes an in-flight request after SIGTERM before exiting.
async fn check_receiver(bin: &str) {
    let mut r = start_with(bin, &[("GCP_EVENTS_ATTRIBUTE_HEADERS", "origin")]).await;
    // Logs piped to a file or a collector carry no terminal colour codes (SPEC O3).
    assert!(!r.startup_log.contains('\u{1b}'), "{:?}", r.startup_log);
    // No auth settings: it runs, and says loudly that it is unauthenticated.
    assert!(
        r.startup_log.contains("UNAUTHENTICATED"),
        "{}",
        r.startup_log
    );

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
        serde_json::json!({"kind": "my-kind", "reference": "my-ref", "parameters": {"a": "1"}, "format": "json_body", "payload": {"x": 1}})
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

    // Eventarc: a binary-mode CloudEvent at `/`, named by its type and id, with its attributes
    // and the Pub/Sub message (topic from ce-source) on the line.
    let ce_headers = "ce-id: 77\r\nce-source: //pubsub.googleapis.com/projects/p/topics/t\r\nce-specversion: 1.0\r\nce-type: google.cloud.pubsub.topic.v1.messagePublished\r\nce-time: 2020-12-20T13:37:33.647Z\r\nContent-Type: application/json\r\n";
    let (status, _) = post_with(r.addr, "/", ce_headers, &envelope.to_json_string()).await;
    assert_eq!(status, 201);
    let line = next_line(&mut r).await;
    assert_eq!(
        line["kind"],
        "google.cloud.pubsub.topic.v1.messagePublished"
    );
    assert_eq!(line["reference"], "77");
    assert_eq!(line["format"], "cloud_event_binary");
    assert_eq!(line["cloud_event"]["id"], "77");
    assert_eq!(line["cloud_event"]["time"], "2020-12-20T13:37:33.647Z");
    assert_eq!(line["pubsub"]["topic"], "projects/p/topics/t");
    assert_eq!(
        line["pubsub"]["data"],
        serde_json::json!({"hello": "world"})
    );

    // An unwrapped push of binary data: the payload in base64, the message from headers.
    let unwrapped = "x-goog-pubsub-message-id: 9\r\nx-goog-pubsub-subscription-name: projects/p/subscriptions/s\r\norigin: web\r\n";
    let mut stream = tokio::net::TcpStream::connect(r.addr).await.unwrap();
    let mut raw = format!(
        "POST /gcp-events/events/raw/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{unwrapped}Content-Length: 3\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(&[0xff, 0x00, 0x01]);
    stream.write_all(&raw).await.unwrap();
    let mut out = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stream, &mut out)
        .await
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 201"), "{out}");
    let line = next_line(&mut r).await;
    assert_eq!(line["format"], "unwrapped_push");
    assert_eq!(line["payload_base64"], "/wAB");
    assert_eq!(line["pubsub"]["message_id"], "9");
    assert_eq!(
        line["pubsub"]["attributes"],
        serde_json::json!({"origin": "web"})
    );

    // Kind `fail` shows the failure response.
    let (status, body) = post(r.addr, "/gcp-events/events/fail/x", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":"Unable to handle event of kind fail with reference x"}"#
    );
    let _ = next_line(&mut r).await; // printed before the failing handler ran

    // Paths outside the events path get the framework's bare 404; a segment that is not UTF-8
    // once decoded gets the core's 400; the CloudEvents path (`/`) wants a CloudEvent. Nothing is
    // printed for any of them.
    assert_eq!(
        post(r.addr, "/", "{}").await,
        (400, r#"{"error":"Expected a CloudEvent"}"#.to_owned())
    );
    for target in ["/x", "/other/events/k/r", "/gcp-events/eventsx/k/r"] {
        assert_eq!(
            post(r.addr, target, "{}").await,
            (404, String::new()),
            "{target}"
        );
    }
    let (status, body) = post(r.addr, "/gcp-events/events/k/%FF", "{}").await;
    assert_eq!(
        (status, body.as_str()),
        (400, r#"{"error":"Invalid percent-encoding in path"}"#)
    );

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

per_receiver!(check_receiver:
    axum_receiver => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver => "CARGO_BIN_EXE_poem-receiver",
);

/// Cloud Run with `--use-http2` speaks HTTP/2 without TLS to the container, with prior
/// knowledge (h2c: no upgrade, the HTTP/2 preface first): the receiver must answer it as it
/// answers HTTP/1.1, a push envelope included.
async fn check_receiver_h2c(bin: &str) {
    let mut r = start_with(bin, &[]).await;
    let client = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let envelope = r#"{"message": {"data": "eyJoZWxsbyI6IndvcmxkIn0=", "messageId": "42",
        "publishTime": "2021-02-26T19:13:55.749Z"}, "subscription": "projects/p/subscriptions/s"}"#;
    let response = client
        .post(format!("http://{}/gcp-events/events/greeting/h2", r.addr))
        .header("content-type", "application/json")
        .body(envelope)
        .send()
        .await
        .expect("an h2c answer");
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(response.status(), 201);
    assert_eq!(response.text().await.unwrap(), "{}");
    let line = next_line(&mut r).await;
    assert_eq!(line["kind"], "greeting");
    assert_eq!(line["reference"], "h2");
    assert_eq!(line["pubsub"]["message_id"], "42");
    assert_eq!(
        line["pubsub"]["data"],
        serde_json::json!({"hello": "world"})
    );
}

per_receiver!(check_receiver_h2c:
    axum_receiver_h2c => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_h2c => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_h2c => "CARGO_BIN_EXE_poem-receiver",
);

/// A Firestore event as Eventarc sends it (protobuf at `/`): the line gains the decoded `data`
/// in its proto3 JSON form and `data_type`; the same event as JSON prints the same data; data
/// that does not decode as its type is not acknowledged and prints nothing.
async fn check_receiver_typed_data(bin: &str) {
    use gcp_events_core::google_events::firestore::{
        Document, DocumentEventData, Value, ValueKind,
    };
    use prost::Message as _;

    let mut r = start_with(bin, &[]).await;
    let document = Document {
        name: "projects/p/databases/(default)/documents/users/ada".into(),
        fields: [("age".into(), Value::from(ValueKind::IntegerValue(36)))].into(),
        ..Document::default()
    };
    let data = DocumentEventData {
        value: Some(document),
        ..DocumentEventData::default()
    };
    let head = |content_type: &str| {
        format!(
            "ce-id: 9\r\nce-specversion: 1.0\r\nce-type: google.cloud.firestore.document.v1.written\r\n\
             ce-source: //firestore.googleapis.com/projects/p/databases/(default)\r\n\
             ce-subject: documents/users/ada\r\nContent-Type: {content_type}\r\n"
        )
    };
    let expected = serde_json::json!({"value": {
        "name": "projects/p/databases/(default)/documents/users/ada",
        "fields": {"age": {"integerValue": "36"}}}});
    for (content_type, body) in [
        ("application/protobuf", data.encode_to_vec()),
        ("application/json", serde_json::to_vec(&data).unwrap()),
    ] {
        let (status, _) = exchange_bytes(r.addr, "POST", "/", &head(content_type), &body).await;
        assert_eq!(status, 201, "{content_type}");
        let line = next_line(&mut r).await;
        assert_eq!(line["kind"], "google.cloud.firestore.document.v1.written");
        assert_eq!(
            line["data_type"],
            "google.events.cloud.firestore.v1.DocumentEventData"
        );
        assert_eq!(line["data"], expected, "{content_type}");
    }
    let (status, _) = exchange_bytes(
        r.addr,
        "POST",
        "/",
        &head("application/protobuf"),
        b"\xff\xff",
    )
    .await;
    assert_eq!(status, 400, "undecodable data is not acknowledged");
    // Nothing was printed for it: the next line is the next event's.
    let (status, _) = post(r.addr, "/gcp-events/events/after/1", "{}").await;
    assert_eq!(status, 201);
    assert_eq!(next_line(&mut r).await["kind"], "after");
}

per_receiver!(check_receiver_typed_data:
    axum_receiver_typed_data => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_typed_data => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_typed_data => "CARGO_BIN_EXE_poem-receiver",
);

/// With `GCP_EVENTS_AUDIENCE`, `GCP_EVENTS_ALLOWED_EMAILS` and `GCP_EVENTS_JWKS_URL` the
/// receiver verifies push tokens against the JWKS (here a real one on loopback): no token 401,
/// a genuine one printed with its caller, a stranger 403. With `GCP_EVENTS_URL_KEY` it
/// requires signed URLs and strips the token.
async fn check_receiver_auth(bin: &str) {
    use gcp_events_core::testing::auth::{
        jwks, push_claims, JwksServer, TestSigner, TEST_AUDIENCE, TEST_EMAIL,
    };
    let signer = TestSigner::google("example-kid");
    let server = JwksServer::start(jwks(&[&signer])).await;
    let url = server.url();
    let mut r = start_with(
        bin,
        &[
            ("GCP_EVENTS_AUDIENCE", TEST_AUDIENCE),
            (
                "GCP_EVENTS_ALLOWED_EMAILS",
                &format!("other@x.iam.gserviceaccount.com, {TEST_EMAIL}"),
            ),
            ("GCP_EVENTS_JWKS_URL", &url),
        ],
    )
    .await;
    assert!(
        !r.startup_log.contains("UNAUTHENTICATED"),
        "{}",
        r.startup_log
    );
    let target = "/gcp-events/events/k/r";
    assert_eq!(
        post(r.addr, target, "{}").await,
        (401, r#"{"error":"Unauthorized"}"#.to_owned())
    );
    let token = signer.token(&push_claims(std::time::SystemTime::now()));
    let auth = format!("Authorization: Bearer {token}\r\n");
    assert_eq!(post_with(r.addr, target, &auth, "{}").await.0, 201);
    let line = next_line(&mut r).await;
    assert_eq!(line["caller"]["email"], TEST_EMAIL);
    assert_eq!(line["caller"]["audience"], TEST_AUDIENCE);
    assert!(!line.to_string().contains(&token));
    let mut stranger = push_claims(std::time::SystemTime::now());
    stranger["email"] = serde_json::json!("intruder@x.iam.gserviceaccount.com");
    let auth = format!("Authorization: Bearer {}\r\n", signer.token(&stranger));
    assert_eq!(post_with(r.addr, target, &auth, "{}").await.0, 403);
    r.child.kill().await.unwrap();

    // Signed URLs from GCP_EVENTS_URL_KEY.
    let secret = [9u8; 32];
    let key_b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, secret);
    let mut r = start_with(bin, &[("GCP_EVENTS_URL_KEY", &key_b64)]).await;
    assert_eq!(post(r.addr, target, "{}").await.0, 401);
    let key = gcp_events_core::auth::signed_url::UrlSigningKey::new(secret).unwrap();
    let signed = gcp_events_core::event_url::event_url("k", "r")
        .parameter("x", "1")
        .base_url("")
        .signed(&key)
        .build()
        .unwrap();
    assert_eq!(post(r.addr, &signed, "{}").await.0, 201);
    let line = next_line(&mut r).await;
    assert_eq!(line["parameters"], serde_json::json!({"x": "1"}));
    r.child.kill().await.unwrap();

    // Half a configuration is refused at start, never silently unauthenticated.
    let out = receiver_command(bin)
        .env("PORT", "0")
        .env("GCP_EVENTS_AUDIENCE", TEST_AUDIENCE)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GCP_EVENTS_ALLOWED_EMAILS"));

    // A misspelt setting is refused rather than leaving the receiver open.
    let out = receiver_command(bin)
        .env("PORT", "0")
        .env("GCP_EVENTS_AUDIENCES", TEST_AUDIENCE)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown setting GCP_EVENTS_AUDIENCES"));
}

per_receiver!(check_receiver_auth:
    axum_receiver_auth_from_env => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_auth_from_env => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_auth_from_env => "CARGO_BIN_EXE_poem-receiver",
);

/// With `GCP_EVENTS_IDEMPOTENCY` (here one real Redis shared by two receivers),
/// `GCP_EVENTS_HANDLER_TIMEOUT_MS` and `GCP_EVENTS_MAX_IN_FLIGHT` the receivers de-duplicate
/// across instances, cut slow handlers off, and shed load; what is not dispatched prints
/// nothing. A setting that does not parse stops the receiver at start.
async fn check_receiver_delivery(bin: &str) {
    use gcp_events_core::testing::redis::RedisServer;
    let redis = RedisServer::start();
    let env = [
        ("GCP_EVENTS_IDEMPOTENCY", redis.url()),
        ("GCP_EVENTS_HANDLER_TIMEOUT_MS", "2000".to_owned()),
        ("GCP_EVENTS_MAX_IN_FLIGHT", "1".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (mut a, mut b) = (start_with(bin, &env).await, start_with(bin, &env).await);
    let push = r#"{"message": {"data": "eyJuIjoxfQ==", "messageId": "41"},
                   "subscription": "projects/p/subscriptions/s"}"#;
    let target = "/gcp-events/events/order/1";
    assert_eq!(post(a.addr, target, push).await.0, 201);
    assert_eq!(
        post(b.addr, target, push).await.0,
        200,
        "a duplicate on the other instance"
    );
    assert_eq!(next_line(&mut a).await["pubsub"]["message_id"], "41");

    // Past the 2 s deadline: 504, and the cut-off handler never prints.
    let (status, body) = post(a.addr, "/gcp-events/events/slow/1?ms=5000", "{}").await;
    assert_eq!(status, 504, "{body}");
    // One event in flight: the next is shed with 503 and not dispatched.
    let busy = b.addr;
    let slow =
        tokio::spawn(async move { post(busy, "/gcp-events/events/slow/2?ms=1500", "{}").await });
    // Half a second for the slow request to reach its handler; it then holds the place 1 s more.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(post(b.addr, "/gcp-events/events/shed/1", "{}").await.0, 503);
    assert_eq!(slow.await.unwrap().0, 201);
    for r in [&mut a, &mut b] {
        assert_eq!(
            post(r.addr, "/gcp-events/events/marker/1", "{}").await.0,
            201
        );
    }
    // The next lines: a's marker (no timed-out slow line), b's slow then marker (no duplicate,
    // no shed line).
    assert_eq!(next_line(&mut a).await["kind"], "marker");
    assert_eq!(next_line(&mut b).await["kind"], "slow");
    assert_eq!(next_line(&mut b).await["kind"], "marker");

    let out = receiver_command(bin)
        .env("PORT", "0")
        .env("GCP_EVENTS_MAX_IN_FLIGHT", "many")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GCP_EVENTS_MAX_IN_FLIGHT"));
}

per_receiver!(check_receiver_delivery:
    axum_receiver_delivery_from_env => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_delivery_from_env => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_delivery_from_env => "CARGO_BIN_EXE_poem-receiver",
);

/// GET a path; the status and body.
async fn get(addr: SocketAddr, target: &str) -> (u16, String) {
    exchange(addr, "GET", target, "", "").await
}

/// The value of one Prometheus sample line `name{labels} value` (labels in the exporter's order).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// With `GCP_EVENTS_METRICS=prometheus` the receiver serves the library's metrics at
/// `GET /metrics` with the counts of a known sequence of requests (O1); with
/// `GCP_EVENTS_LOG_FORMAT=json` every stderr line is one Cloud Logging JSON object, and the
/// request line carries its severity, the span fields and the trace (O3).
async fn check_receiver_operations(bin: &str) {
    let mut r = start_with(
        bin,
        &[
            ("GCP_EVENTS_METRICS", "prometheus"),
            ("GCP_EVENTS_LOG_FORMAT", "json"),
            ("GOOGLE_CLOUD_PROJECT", "my-project"),
        ],
    )
    .await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let traceparent = format!("traceparent: 00-{trace_id}-00f067aa0ba902b7-01\r\n");
    let target = "/gcp-events/events/order/1";
    assert_eq!(post_with(r.addr, target, &traceparent, "{}").await.0, 201);
    assert_eq!(
        post(r.addr, "/gcp-events/events/order/2", "[1]").await.0,
        201
    );
    assert_eq!(post(r.addr, "/gcp-events/events/fail/1", "{}").await.0, 400);
    assert_eq!(post(r.addr, target, "{oops").await.0, 400);
    let (status, text) = get(r.addr, "/metrics").await;
    assert_eq!(status, 200, "{text}");
    let requests = |labels: &str| sample(&text, &format!("gcp_events_requests_total{{{labels}}}"));
    assert_eq!(
        requests(r#"outcome="handled",format="json_body""#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        requests(r#"outcome="failed",format="json_body""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        requests(r#"outcome="refused",format="json_body""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "gcp_events_in_flight"), Some(0.0), "{text}");
    let handled =
        r#"gcp_events_handler_duration_seconds_count{outcome="handled",format="json_body"}"#;
    assert_eq!(sample(&text, handled), Some(2.0), "{text}");

    // The startup lines and the request lines: each a JSON object with severity and message.
    let mut lines: Vec<serde_json::Value> = r
        .startup_log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let done = loop {
        let line = tokio::time::timeout(Duration::from_secs(20), r.stderr.recv())
            .await
            .expect("a log line within 20 s")
            .expect("stderr open");
        let line: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        lines.push(line.clone());
        if line["message"] == "event request done" && line["reference"] == "1" {
            break line;
        }
    };
    for line in &lines {
        assert!(
            line["severity"].is_string() && line["message"].is_string(),
            "{line}"
        );
    }
    assert!(
        lines.iter().any(|l| l["severity"] == "WARNING"),
        "the unauthenticated warning"
    );
    assert_eq!(done["severity"], "INFO");
    assert_eq!(
        (done["kind"].as_str(), done["status"].as_u64()),
        (Some("order"), Some(201))
    );
    assert_eq!(done["outcome"], "handled");
    assert_eq!(done["trace_id"], trace_id);
    assert_eq!(
        done["logging.googleapis.com/trace"],
        format!("projects/my-project/traces/{trace_id}")
    );
    assert_eq!(
        next_line(&mut r).await["kind"],
        "order",
        "events stay on stdout"
    );

    let out = receiver_command(bin)
        .env("PORT", "0")
        .env("GCP_EVENTS_METRICS", "statsd")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GCP_EVENTS_METRICS"));
}

per_receiver!(check_receiver_operations:
    axum_receiver_metrics_and_json_logs => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_metrics_and_json_logs => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_metrics_and_json_logs => "CARGO_BIN_EXE_poem-receiver",
);

/// The codec example prints one JSON line per step; the decoded message is what was encoded.
#[tokio::test]
async fn codec_example() {
    let out = Command::new(env!("CARGO_BIN_EXE_codec"))
        .env_remove("BASE_URL")
        .output()
        .await
        .expect("run the codec example");
    assert!(
        out.status.success(),
        "exit status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let steps: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["envelope", "decoded", "decode_error", "event_url"],
        "{stdout}"
    );
    let (envelope, decoded, error, url) = (&steps[0], &steps[1], &steps[2], &steps[3]);

    // The envelope is in wire form: data is the base64 of the JSON text.
    let message = &envelope["body"]["message"];
    let data = serde_json::json!({"order": 42, "status": "paid"});
    assert_eq!(
        message["data"],
        "eyJvcmRlciI6NDIsInN0YXR1cyI6InBhaWQifQ==" // base64 of {"order":42,"status":"paid"}
    );
    assert_eq!(message["attributes"]["origin"], "codec-example");
    assert_eq!(message["messageId"], "2070443601311540");
    assert_eq!(message["publishTime"], "2021-02-26T19:13:55.749000000Z");
    assert_eq!(
        envelope["body"]["subscription"],
        "projects/my-project/subscriptions/my-sub"
    );

    // Decoding gives back what was encoded.
    assert_eq!(decoded["data"], data);
    assert_eq!(
        decoded["attributes"],
        serde_json::json!({"origin": "codec-example"})
    );
    assert_eq!(decoded["message_id"], "2070443601311540");
    assert_eq!(decoded["publish_time"], "2021-02-26T19:13:55.749Z");
    assert_eq!(
        decoded["subscription"],
        "projects/my-project/subscriptions/my-sub"
    );
    assert_eq!(decoded["project"], "my-project");
    assert_eq!(decoded["subscription_id"], "my-sub");

    assert_eq!(
        error["error"],
        "Failed to decode Pub/Sub message: the body has no `subscription` member"
    );

    // The reference's `/` is encoded, so it stays one path segment; parameters form the query.
    let url = url["url"].as_str().unwrap();
    let (base_and_path, query) = url.split_once('?').unwrap();
    let path = base_and_path
        .strip_prefix("https://my-service.run.app")
        .unwrap_or_else(|| panic!("{url}"));
    assert_eq!(path, "/gcp-events/events/order-paid/order%2F42/");
    assert_eq!(query, "tenant=acme");
}

/// On Cloud Run (`K_SERVICE` set) a receiver refuses to start without authentication unless
/// told `GCP_EVENTS_ALLOW_UNAUTHENTICATED=true`; without `HOST` it listens on every interface,
/// as Cloud Run's front end needs, and answers there.
async fn check_receiver_listens_everywhere_on_cloud_run(bin: &str) {
    // Without authentication and without saying so, it refuses to start, saying what to set.
    let refused = receiver_command(bin)
        .env("K_SERVICE", "orders")
        .env("PORT", "0")
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("GCP_EVENTS_ALLOW_UNAUTHENTICATED"), "{said}");

    let mut command = receiver_command(bin);
    command
        .env_remove("HOST")
        .env("K_SERVICE", "orders")
        .env("GCP_EVENTS_ALLOW_UNAUTHENTICATED", "true")
        .env("PORT", "0")
        .env("RUST_LOG", "info");
    let receiver = common::spawn(command).await;
    let announced = receiver.addr;
    assert!(announced.ip().is_unspecified(), "{announced}");
    let loopback = SocketAddr::from(([127, 0, 0, 1], announced.port()));
    let answer = post(loopback, "/gcp-events/events/k/r", r#"{"x": 1}"#).await;
    assert_eq!(answer.0, 201);
}

per_receiver!(check_receiver_listens_everywhere_on_cloud_run:
    axum_receiver_listens_everywhere_on_cloud_run => "CARGO_BIN_EXE_axum-receiver",
    warp_receiver_listens_everywhere_on_cloud_run => "CARGO_BIN_EXE_warp-receiver",
    poem_receiver_listens_everywhere_on_cloud_run => "CARGO_BIN_EXE_poem-receiver",
);

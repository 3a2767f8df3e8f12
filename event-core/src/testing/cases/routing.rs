//! E1–E4 and U2: what the URL and body say reaches the handler, exactly.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;

use serde_json::json;

use super::{path, recording, serve};
use crate::event_url::event_url;
use crate::testing::client::{post, raw_request, send};
use crate::testing::Recorder;
use crate::EventService;

/// E1, E4, E5 (django-gcp's own case): a valid event reaches the handler with kind, reference,
/// payload and parameters; the answer is `201 {}`.
pub async fn e1_dispatches_kind_reference_payload_parameters<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let body = br#"{"x": 1, "nested": {"list": [1, "two", null]}}"#;
    let resp = send(
        addr,
        &post("/gcp-events/events/my-kind/my-ref?a=1&b=two", body),
    )
    .await;
    resp.assert_json(201, json!({}));
    let event = rec.single();
    assert_eq!(event.kind(), "my-kind");
    assert_eq!(event.reference(), "my-ref");
    assert_eq!(event.payload().raw().as_bytes(), body);
    let expected: BTreeMap<String, String> =
        [("a".into(), "1".into()), ("b".into(), "two".into())].into();
    assert_eq!(event.parameters(), &expected);
}

/// E1: the route matches with and without a trailing slash.
pub async fn e1_trailing_slash<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    send(addr, &post("/gcp-events/events/k/r/", b"1"))
        .await
        .assert_json(201, json!({}));
    send(addr, &post("/gcp-events/events/k/r", b"2"))
        .await
        .assert_json(201, json!({}));
    let refs: Vec<String> = rec
        .events()
        .iter()
        .map(|e| e.reference().to_owned())
        .collect();
    assert_eq!(refs, ["r", "r"]);
}

/// E1: segments are percent-decoded once as UTF-8 (an encoded `/` stays inside its segment).
pub async fn e1_percent_encoded_and_unicode_segments<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    send(
        addr,
        &post(
            &path("caf%C3%A9%20%E2%9C%93", "a%2Fb%3Fc%23d%25252B"),
            b"{}",
        ),
    )
    .await
    .assert_json(201, json!({}));
    send(addr, &post(&path("%F0%9F%98%80", "%2e%2e%2e"), b"{}"))
        .await
        .assert_json(201, json!({}));
    let events = rec.events();
    assert_eq!(events[0].kind(), "café ✓");
    assert_eq!(events[0].reference(), "a/b?c#d%252B");
    assert_eq!(events[1].kind(), "😀");
    assert_eq!(events[1].reference(), "...");
}

/// E1 (django-gcp's case): a path without a reference does not match.
pub async fn e1_missing_reference_is_404<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [
        "/gcp-events/events/my-kind",
        "/gcp-events/events/my-kind/",
        "/gcp-events/events/",
        "/gcp-events/events",
    ] {
        send(addr, &post(target, b"{}"))
            .await
            .assert_json(404, json!({"error": "Not found"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E1: extra segments do not match.
pub async fn e1_extra_segment_is_404<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [
        "/gcp-events/events/k/r/x",
        "/gcp-events/events/k/r/x/",
        "/gcp-events/events/k/r//",
    ] {
        send(addr, &post(target, b"{}"))
            .await
            .assert_json(404, json!({"error": "Not found"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E1: an empty kind or reference does not match.
pub async fn e1_empty_segment_is_404<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [
        "/gcp-events/events//r",
        "/gcp-events/events/k//",
        "/gcp-events/events///",
    ] {
        send(addr, &post(target, b"{}"))
            .await
            .assert_json(404, json!({"error": "Not found"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E1: `.` and `..`, raw or percent-encoded, are never a kind or a reference.
pub async fn e1_dot_segments_are_404<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [
        path("..", "r"),
        path(".", "r"),
        path("k", ".."),
        path("k", "."),
        path("%2e%2e", "r"),
        path("k", "%2E%2e"),
        path("%2E", "r"),
        path("k", "%2e"),
    ] {
        send(addr, &post(&target, b"{}"))
            .await
            .assert_json(404, json!({"error": "Not found"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E1: a segment that is not UTF-8 once decoded is a 400, decided by the core.
pub async fn e1_invalid_utf8_in_path_is_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [path("%FF", "r"), path("k", "%C0%AF"), path("k", "ok%E2%82")] {
        let resp = send(addr, &post(&target, b"{}")).await;
        assert_eq!(resp.status, 400, "{target}: {resp:?}");
        resp.assert_json(400, json!({"error": "Invalid percent-encoding in path"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E1: paths outside `{prefix}/events` belong to the application (the framework's 404 here).
pub async fn e1_other_paths_are_left_to_the_app<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for target in [
        "/gcp-events/eventsx/k/r",
        "/other/events/k/r",
        "/events/k/r",
        "/gcp-events",
    ] {
        let resp = send(addr, &post(target, b"{}")).await;
        assert_eq!(resp.status, 404, "{target}: {resp:?}");
    }
    assert_eq!(rec.count(), 0);
}

/// E1: the prefix is chosen when mounting; `""` mounts at the root.
pub async fn e1_custom_and_root_prefix<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    for (prefix, target) in [("/hooks/v1/", "/hooks/v1/events/k/r"), ("", "/events/k/r")] {
        let rec = Recorder::new();
        let addr = serve(
            &start,
            EventService::builder()
                .allow_unauthenticated()
                .prefix(prefix)
                .handler(rec.clone()),
        )
        .await;
        send(addr, &post(target, b"{}"))
            .await
            .assert_json(201, json!({}));
        let resp = send(addr, &post("/gcp-events/events/k/r", b"{}")).await;
        assert_eq!(resp.status, 404, "{prefix:?}: {resp:?}");
        assert_eq!(rec.count(), 1, "{prefix:?}");
    }
}

/// E2 (django-gcp's case: GET): any method but POST is 405 with `Allow: POST`.
pub async fn e2_other_methods_are_405_with_allow<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let resp = send(addr, &raw_request(method, &path("k", "r"), &[], b"{}")).await;
        resp.assert_json(405, json!({"error": "Method not allowed"}));
        assert_eq!(resp.header("allow"), Some("POST"), "{method}");
    }
    assert_eq!(rec.count(), 0);
}

/// E2 at the CloudEvents path, which Eventarc makes `/` and an application often uses too: POST
/// is the service's, the application keeps its own methods there (the suite's application
/// answers `GET /` with `home`), and a method it has no route for is the service's 405. (axum
/// used to panic at start when merging the service beside an application's own `/` route.)
pub async fn e2_the_app_keeps_its_methods_at_the_cloud_events_path<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .handler(rec.clone());
    let addr = serve(&start, builder).await;
    let page = send(addr, &raw_request("GET", "/", &[], b"")).await;
    assert_eq!(
        (page.status, page.body.as_slice()),
        (200, &b"home"[..]),
        "{page:?}"
    );
    for method in ["PUT", "DELETE", "PATCH"] {
        let resp = send(addr, &raw_request(method, "/", &[], b"{}")).await;
        resp.assert_json(405, json!({"error": "Method not allowed"}));
        assert_eq!(resp.header("allow"), Some("POST"), "{method}");
    }
    let event = [
        ("ce-id", "1"),
        ("ce-source", "//example.com/s"),
        ("ce-specversion", "1.0"),
        ("ce-type", "com.example.made"),
        ("content-type", "application/json"),
    ];
    send(addr, &raw_request("POST", "/", &event, b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.single().kind(), "com.example.made");
}

/// E3: the body may be any JSON type, and the handler reads it exactly as sent.
pub async fn e3_every_json_type_is_accepted<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let bodies = [
        "{\"a\":1}",
        "[1, 2]",
        "\"text\"",
        "-12.5e3",
        "true",
        "false",
        "null",
        "  {}\n",
    ];
    for body in bodies {
        send(addr, &post(&path("k", "r"), body.as_bytes()))
            .await
            .assert_json(201, json!({}));
    }
    let raws: Vec<String> = rec
        .events()
        .iter()
        .map(|e| e.payload().raw().to_owned())
        .collect();
    assert_eq!(raws, bodies);
    assert_eq!(rec.events()[1].payload().value(), &json!([1, 2]));
}

/// E3: numbers keep every digit in the raw payload.
pub async fn e3_numbers_keep_every_digit<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let body =
        r#"{"big":123456789012345678901234567890,"exp":1e23,"neg":-0.000000000000000000001}"#;
    send(addr, &post(&path("k", "r"), body.as_bytes()))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.single().payload().raw(), body);
}

/// E3: an empty body is refused and nothing is dispatched.
pub async fn e3_empty_body_is_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for body in [&b""[..], b"   \r\n"] {
        send(addr, &post(&path("k", "r"), body))
            .await
            .assert_json(400, json!({"error": "Request body is empty"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E3: invalid JSON (also NaN/Infinity, trailing data, invalid UTF-8) is refused, nothing dispatched.
pub async fn e3_invalid_json_is_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let bodies: [&[u8]; 8] = [
        b"{",
        b"NaN",
        b"Infinity",
        b"{\"a\":1} x",
        b"{'a':1}",
        b"\"\xff\"",
        b"[1,]",
        b"\xef\xbb\xbf{}",
    ];
    for body in bodies {
        let resp = send(addr, &post(&path("k", "r"), body)).await;
        resp.assert_json(400, json!({"error": "Request body is not valid JSON"}));
    }
    assert_eq!(rec.count(), 0);
}

/// E3: no Content-Type is required (Cloud Scheduler and Tasks send octet-stream).
pub async fn e3_content_type_is_not_required<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for ct in [
        "application/octet-stream",
        "text/plain",
        "application/json; charset=utf-8",
    ] {
        let resp = send(
            addr,
            &raw_request(
                "POST",
                &path("k", "r"),
                &[("Content-Type", ct)],
                b"{\"ok\":true}",
            ),
        )
        .await;
        resp.assert_json(201, json!({}));
    }
    assert_eq!(rec.count(), 3);
}

/// E3: handlers deserialize the payload into their own type.
pub async fn e3_typed_access_to_the_payload<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Order {
        id: u64,
        items: Vec<String>,
    }
    let (addr, rec) = recording(&start).await;
    send(
        addr,
        &post(
            &path("k", "r"),
            br#"{"id": 18446744073709551615, "items": ["a"], "extra": 1}"#,
        ),
    )
    .await
    .assert_json(201, json!({}));
    let order: Order = rec.single().payload().deserialize().unwrap();
    assert_eq!(
        order,
        Order {
            id: u64::MAX,
            items: vec!["a".into()]
        }
    );
}

/// E4: the query string is form-urlencoded; a repeated key keeps its last value.
pub async fn e4_parameters_are_form_urlencoded<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let target = format!(
        "{}?amp=a%26b&eq=x%3Dy&plus=1%2B1&space=a+b&u=%C3%A9%F0%9F%98%80&rep=1&rep=2&empty=&bare",
        path("k", "r")
    );
    send(addr, &post(&target, b"{}"))
        .await
        .assert_json(201, json!({}));
    let event = rec.single();
    let expected: BTreeMap<String, String> = [
        ("amp", "a&b"),
        ("eq", "x=y"),
        ("plus", "1+1"),
        ("space", "a b"),
        ("u", "é😀"),
        ("rep", "2"),
        ("empty", ""),
        ("bare", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(event.parameters(), &expected);
}

/// E4: a query that is not UTF-8 once decoded is refused (no replacement characters).
pub async fn e4_invalid_utf8_in_query_is_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let target = format!("{}?a=%FF", path("k", "r"));
    send(addr, &post(&target, b"{}")).await.assert_json(
        400,
        json!({"error": "Invalid percent-encoding in query string"}),
    );
    assert_eq!(rec.count(), 0);
}

/// U2: URLs built by `event_url` from any text deliver exactly that text to the handler.
pub async fn u2_event_urls_round_trip_through_the_server<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let texts = [
        "plain",
        "://something?> awkward",
        "a/b/c",
        "%2F%",
        "+ +",
        "&=;#?",
        "...",
        ". .",
        "😀 café ✓ 日本語",
        "\"quoted\" \\back\\",
        "tab\there\nnewline",
        "\u{0}\u{1f}\u{7f}",
        "'<>`{}|^[]",
    ];
    for (i, kind) in texts.iter().enumerate() {
        let reference = texts[(i + 3) % texts.len()];
        let value = texts[(i + 5) % texts.len()];
        let url = event_url(*kind, reference)
            .parameter(*kind, value)
            .parameter("awkward", "://something?> awkward")
            .base_url("")
            .build()
            .unwrap();
        send(addr, &post(&url, b"{}"))
            .await
            .assert_json(201, json!({}));
        let event = rec.events().pop().unwrap();
        assert_eq!(event.kind(), *kind, "{url}");
        assert_eq!(event.reference(), reference, "{url}");
        assert_eq!(event.parameter(kind), Some(value), "{url}");
        assert_eq!(
            event.parameter("awkward"),
            Some("://something?> awkward"),
            "{url}"
        );
    }
}

/// Sends raw bytes as they are (no `Host` added).
async fn raw(addr: SocketAddr, text: &str) -> Option<crate::testing::client::HttpResponse> {
    crate::testing::client::exchange(addr, text.as_bytes(), false).await
}

/// R6: an HTTP/1.1 request needs exactly one valid `Host` (RFC 9112 §3.2): none, two (equal
/// or not) or an invalid one is a 400 from the core, the same through every adapter, and
/// nothing is dispatched.
pub async fn r6_exactly_one_valid_host_header<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let target = path("k", "r");
    let request = |hosts: &str| {
        format!(
            "POST {target} HTTP/1.1\r\n{hosts}Connection: close\r\nContent-Length: 2\r\n\r\n{{}}"
        )
    };
    for hosts in [
        "",
        "Host: a.example\r\nHost: a.example\r\n",
        "Host: a.example\r\nHost: b.example\r\n",
        "Host: a b\r\n",
    ] {
        let resp = raw(addr, &request(hosts)).await.expect("an answer");
        resp.assert_json(
            400,
            json!({"error": "Exactly one valid Host header is required"}),
        );
    }
    assert_eq!(rec.count(), 0);
    raw(addr, &request("Host: a.example:8080\r\n"))
        .await
        .expect("an answer")
        .assert_json(201, json!({}));
    assert_eq!(rec.count(), 1);
}

/// R6: unusual request targets — authority form (`CONNECT host:port`), asterisk form
/// (`OPTIONS *`) — get a clean 4xx (or no answer at all, never a 2xx) and nothing is
/// dispatched; the absolute form (`POST http://host/…`) reaches its route as usual, and so
/// does a target with a fragment, which the HTTP parser (the `http` crate, under every
/// framework) drops before anyone sees it; the server keeps serving. (The suite fails a case
/// when anything panicked.)
pub async fn r6_unusual_request_targets_are_answered_cleanly<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let head = |line: &str| {
        format!("{line}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{{}}")
    };
    for line in [
        "CONNECT 127.0.0.1:80 HTTP/1.1",
        "POST 127.0.0.1:80 HTTP/1.1",
        "OPTIONS * HTTP/1.1",
        "POST * HTTP/1.1",
    ] {
        if let Some(resp) = raw(addr, &head(line)).await {
            assert!((400..500).contains(&resp.status), "{line}: {resp:?}");
        }
        assert_eq!(rec.count(), 0, "{line}");
    }
    for line in [
        format!("POST http://127.0.0.1{} HTTP/1.1", path("k", "r")),
        format!("POST {}#fragment HTTP/1.1", path("k", "r")),
    ] {
        raw(addr, &head(&line))
            .await
            .expect("an answer")
            .assert_json(201, json!({}));
    }
    send(addr, &post(&path("k", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.count(), 3);
}

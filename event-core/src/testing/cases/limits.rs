//! E9: bounded bodies, URIs and nesting; truncated bodies never dispatched.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::json;

use super::{path, recording, serve};
use crate::testing::client::{chunked, exchange, post, raw_request, send};
use crate::testing::Recorder;
use crate::EventService;

const LIMIT: usize = 1024;

async fn limited<S, F>(start: &S) -> (SocketAddr, Recorder)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let addr = serve(
        start,
        EventService::builder()
            .allow_unauthenticated()
            .body_limit(LIMIT)
            .handler(rec.clone()),
    )
    .await;
    (addr, rec)
}

/// A JSON string body of exactly `len` bytes.
fn json_of_len(len: usize) -> Vec<u8> {
    let mut body = vec![b'"'];
    body.resize(len - 1, b'a');
    body.push(b'"');
    body
}

/// E9: a declared Content-Length over the limit is refused at once, before any body byte.
pub async fn e9_declared_length_over_limit_is_413_at_once<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await; // default limit: 16 MiB
    for declared in ["16777217", "1099511627776", "4611686018427387904"] {
        let raw = raw_request(
            "POST",
            &path("k", "r"),
            &[("Content-Length", declared)],
            b"",
        );
        let resp = send(addr, &raw).await;
        assert_eq!(resp.status, 413, "declared {declared}");
        resp.assert_json(413, json!({"error": "Request body too large"}));
    }
    // hyper itself refuses u64::MAX as a length (before any framework sees it): still no ack.
    let raw = raw_request(
        "POST",
        &path("k", "r"),
        &[("Content-Length", "18446744073709551615")],
        b"",
    );
    if let Some(resp) = exchange(addr, &raw, false).await {
        assert!(resp.status >= 400, "{resp:?}");
    }
    assert_eq!(rec.count(), 0);
}

/// E9: with `Expect: 100-continue` and an over-limit length, 413 comes without `100 Continue`.
pub async fn e9_expect_continue_over_limit_is_413_without_100<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = limited(&start).await;
    let raw = raw_request(
        "POST",
        &path("k", "r"),
        &[("Content-Length", "4096"), ("Expect", "100-continue")],
        b"",
    );
    let resp = send(addr, &raw).await;
    assert!(
        resp.interim.is_empty(),
        "sent interim responses {:?}",
        resp.interim
    );
    resp.assert_json(413, json!({"error": "Request body too large"}));
    assert_eq!(rec.count(), 0);
}

/// E9: a chunked body (no declared length) is cut off at the limit while read.
pub async fn e9_chunked_body_over_limit_is_413<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = limited(&start).await;
    let body = chunked(&json_of_len(LIMIT + 1), 100);
    let raw = raw_request(
        "POST",
        &path("k", "r"),
        &[("Transfer-Encoding", "chunked")],
        &body,
    );
    send(addr, &raw)
        .await
        .assert_json(413, json!({"error": "Request body too large"}));
    // Under the limit, chunked is fine.
    let body = chunked(&json_of_len(LIMIT), 100);
    let raw = raw_request(
        "POST",
        &path("k", "r"),
        &[("Transfer-Encoding", "chunked")],
        &body,
    );
    send(addr, &raw).await.assert_json(201, json!({}));
    assert_eq!(rec.count(), 1);
}

/// E9: a body of exactly the limit is accepted; one byte more is not.
pub async fn e9_body_at_the_limit_is_accepted<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = limited(&start).await;
    send(addr, &post(&path("k", "r"), &json_of_len(LIMIT)))
        .await
        .assert_json(201, json!({}));
    send(addr, &post(&path("k", "r"), &json_of_len(LIMIT + 1)))
        .await
        .assert_json(413, json!({"error": "Request body too large"}));
    assert_eq!(rec.single().payload().raw().len(), LIMIT);
}

/// E9: a body that ends before its declared length is never dispatched.
pub async fn e9_truncated_body_is_never_dispatched<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    // `{}` is valid JSON on its own: only the declared length says it is incomplete.
    let raw = raw_request("POST", &path("k", "r"), &[("Content-Length", "100")], b"{}");
    if let Some(resp) = exchange(addr, &raw, true).await {
        assert!(
            !(200..300).contains(&resp.status),
            "acknowledged a truncated body: {resp:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rec.count(), 0);
    // The server is still fine.
    send(addr, &post(&path("k", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
}

/// E9: an over-long request target is refused with 414.
pub async fn e9_long_uri_is_414<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .max_uri_length(256)
            .handler(rec.clone()),
    )
    .await;
    let target = format!("{}?q={}", path("k", "r"), "a".repeat(300));
    send(addr, &post(&target, b"{}"))
        .await
        .assert_json(414, json!({"error": "Request URI too long"}));
    let target = path("k", &"r".repeat(300));
    send(addr, &post(&target, b"{}"))
        .await
        .assert_json(414, json!({"error": "Request URI too long"}));
    assert_eq!(rec.count(), 0);
}

/// E9: JSON nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH) is refused (no stack exhaustion).
pub async fn e9_deep_nesting_is_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    for depth in [crate::MAX_DEPTH + 1, 100_000] {
        let deep = "[".repeat(depth) + &"]".repeat(depth);
        send(addr, &post(&path("k", "r"), deep.as_bytes()))
            .await
            .assert_json(400, json!({"error": "Request body is not valid JSON"}));
    }
    let ok = "[".repeat(crate::MAX_DEPTH) + &"]".repeat(crate::MAX_DEPTH);
    send(addr, &post(&path("k", "r"), ok.as_bytes()))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.count(), 1);
}

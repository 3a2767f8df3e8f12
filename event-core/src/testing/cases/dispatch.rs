//! E5–E8: who runs, in which order, and what a failure answers.

use std::future::Future;
use std::net::SocketAddr;

use serde_json::json;

use super::{path, recording, serve};
use crate::pubsub::PushEnvelope;
use crate::testing::client::{post, send};
use crate::testing::{Discarding, Failing, Panicking, Recorder, FAILURE_TEXT};
use crate::EventService;

/// E5: every handler whose filter matches runs, in registration order, with the same event.
pub async fn e5_handlers_run_in_order_by_filter<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler(rec.named("any-1"))
        .kind_handler("order-paid", rec.named("exact"))
        .kind_prefix_handler("order-", rec.named("prefix"))
        .kind_handler("other", rec.named("other"))
        .handler(rec.named("any-2"));
    let addr = serve(&start, builder).await;
    send(addr, &post(&path("order-paid", "1"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.names(), ["any-1", "exact", "prefix", "any-2"]);
    send(addr, &post(&path("order-shipped", "1"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.names()[4..], ["any-1", "prefix", "any-2"]);
    let events = rec.events();
    assert!(events[..4].iter().all(|e| e.kind() == "order-paid"));
}

/// E5, E8: a kind no handler accepts is not acknowledged (nothing handled it).
pub async fn e5_no_matching_handler_is_404<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .kind_handler("known", rec.clone()),
    )
    .await;
    send(addr, &post(&path("unknown", "r"), b"{}"))
        .await
        .assert_json(
            404,
            json!({"error": "No handler for events of kind unknown"}),
        );
    send(addr, &post(&path("known", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.count(), 1);
}

/// E5: 100 concurrent requests are each dispatched exactly once.
pub async fn e5_concurrent_requests_each_dispatched_once<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            tokio::spawn(async move {
                let resp = send(
                    addr,
                    &post(
                        &path("k", &format!("ref-{i}")),
                        format!("{{\"i\":{i}}}").as_bytes(),
                    ),
                )
                .await;
                resp.assert_json(201, json!({}));
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut refs: Vec<String> = rec
        .events()
        .iter()
        .map(|e| e.reference().to_owned())
        .collect();
    refs.sort();
    let mut expected: Vec<String> = (0..100).map(|i| format!("ref-{i}")).collect();
    expected.sort();
    assert_eq!(refs, expected);
    for event in rec.events() {
        let i: u32 = event.reference()[4..].parse().unwrap();
        assert_eq!(event.payload().value(), &json!({ "i": i }));
    }
}

/// E5, P2: a Pub/Sub push envelope reaches the handler decoded.
pub async fn e5_pubsub_push_is_decoded_for_handlers<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let envelope = PushEnvelope::builder("projects/my-project/subscriptions/my-sub")
        .json(&json!({"order": 17}))
        .unwrap()
        .attribute("origin", "test")
        .message_id("2070443601311540")
        .delivery_attempt(3)
        .build();
    send(addr, &post(&path("order", "17"), &envelope.to_bytes()))
        .await
        .assert_json(201, json!({}));
    let event = rec.single();
    let message = event.pubsub().unwrap();
    assert_eq!(
        message.subscription,
        "projects/my-project/subscriptions/my-sub"
    );
    assert_eq!(message.message_id.as_deref(), Some("2070443601311540"));
    assert_eq!(
        message.attributes.get("origin").map(String::as_str),
        Some("test")
    );
    assert_eq!(message.delivery_attempt, Some(3));
    assert_eq!(
        message.data_as::<serde_json::Value>().unwrap(),
        json!({"order": 17})
    );
}

/// E6 (django-gcp's case): a failing handler gives 400 with the generic text; its own error
/// text never reaches the response.
pub async fn e6_handler_error_is_generic_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .handler(Failing),
    )
    .await;
    let resp = send(addr, &post(&path("my-kind", "my-ref"), b"{}")).await;
    resp.assert_json(
        400,
        json!({"error": "Unable to handle event of kind my-kind with reference my-ref"}),
    );
    let text = String::from_utf8_lossy(&resp.body);
    assert!(
        !text.contains("hunter2") && !text.contains("/srv"),
        "{text}"
    );
}

/// E6: the error body is real JSON whatever the kind and reference hold.
pub async fn e6_error_body_escapes_kind_and_reference<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .handler(Failing),
    )
    .await;
    let resp = send(
        addr,
        &post(&path("a%22b%5Cc", "%7B%22x%22%3A%0A1%7D"), b"{}"),
    )
    .await;
    resp.assert_json(
        400,
        json!({"error": "Unable to handle event of kind a\"b\\c with reference {\"x\":\n1}"}),
    );
}

/// E6: debug mode adds the handler's error text as `detail`; off by default.
pub async fn e6_debug_mode_adds_detail<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .handler(Failing)
            .debug(true),
    )
    .await;
    send(addr, &post(&path("k", "r"), b"{}")).await.assert_json(
        400,
        json!({"error": "Unable to handle event of kind k with reference r", "detail": FAILURE_TEXT}),
    );
    let resp = send(addr, &post(&path("k", "r"), b"{oops")).await;
    assert_eq!(resp.status, 400);
    assert!(resp.json()["detail"].is_string(), "{resp:?}");
}

/// E6: the failure status is configurable per endpoint.
pub async fn e6_failure_status_is_configurable<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler(Failing)
        .failure_status(http::StatusCode::INTERNAL_SERVER_ERROR);
    let addr = serve(&start, builder).await;
    send(addr, &post(&path("k", "r"), b"{}")).await.assert_json(
        500,
        json!({"error": "Unable to handle event of kind k with reference r"}),
    );
}

/// E5, E6: the first error stops the remaining handlers.
pub async fn e6_first_error_stops_the_rest<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler(rec.named("before"))
        .handler(Failing)
        .handler(rec.named("after"));
    let addr = serve(&start, builder).await;
    let resp = send(addr, &post(&path("k", "r"), b"{}")).await;
    assert_eq!(resp.status, 400);
    assert_eq!(rec.names(), ["before"]);
}

/// E7: a panicking handler is a handler error; the server keeps serving.
pub async fn e7_panicking_handler_fails_and_server_keeps_serving<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .kind_handler("boom", Panicking)
        .handler(rec.clone());
    let addr = serve(&start, builder).await;
    for _ in 0..3 {
        send(addr, &post(&path("boom", "r"), b"{}"))
            .await
            .assert_json(
                400,
                json!({"error": "Unable to handle event of kind boom with reference r"}),
            );
    }
    send(addr, &post(&path("fine", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.names(), [""]);
}

/// E8: a handler can discard a poison event: acknowledged (200), the rest do not run.
pub async fn e8_discard_is_acknowledged_and_stops_the_rest<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .handler(rec.named("first"))
        .handler(Discarding)
        .handler(rec.named("never"));
    let addr = serve(&start, builder).await;
    send(addr, &post(&path("k", "r"), b"{}"))
        .await
        .assert_json(200, json!({}));
    assert_eq!(rec.names(), ["first"]);
}

/// O2: the trace is continued from the `traceparent` header, else the `googclient_traceparent`
/// attribute of a push, else `X-Cloud-Trace-Context`; an invalid header is skipped.
pub async fn o2_trace_context_is_continued<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let traceparent = |c: char| format!("00-{}-00f067aa0ba902b7-01", c.to_string().repeat(32));
    let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&json!({}))
        .unwrap()
        .attribute("googclient_traceparent", traceparent('b'))
        .build()
        .to_bytes();
    let header_a = traceparent('a');
    let cloud = "cccccccccccccccccccccccccccccccc/10;o=0";
    for (headers, body, trace_id, span_id, sampled) in [
        (
            vec![("traceparent", header_a.as_str())],
            &envelope,
            'a',
            "00f067aa0ba902b7",
            true,
        ),
        (
            vec![("traceparent", "garbage")],
            &envelope,
            'b',
            "00f067aa0ba902b7",
            true,
        ),
        (
            vec![("x-cloud-trace-context", cloud)],
            &b"{}".to_vec(),
            'c',
            "000000000000000a",
            false,
        ),
    ] {
        let raw = crate::testing::client::raw_request("POST", &path("k", "r"), &headers, body);
        send(addr, &raw).await.assert_json(201, json!({}));
        let events = rec.events();
        let trace = events
            .last()
            .unwrap()
            .context()
            .trace
            .clone()
            .expect("a trace");
        assert_eq!(trace.trace_id, trace_id.to_string().repeat(32));
        assert_eq!((trace.span_id.as_str(), trace.sampled), (span_id, sampled));
    }
    send(addr, &post(&path("k", "r"), b"{}"))
        .await
        .assert_json(201, json!({}));
    assert_eq!(rec.events().last().unwrap().context().trace, None);
}

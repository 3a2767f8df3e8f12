//! The request pipeline's cost per event, in one run so the ratios compare like with like:
//! a wrapped push unauthenticated, the same push with OIDC verification (cached key), and the
//! OIDC verification alone; plus an Eventarc binary CloudEvent and an unwrapped push.
//!
//! `cargo bench -p gcp-events-benches --bench pipeline`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::SystemTime;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use gcp_events_core::auth::{KeySet, OidcConfig};
use gcp_events_core::pubsub::PushEnvelope;
use gcp_events_core::testing::auth::{jwks, push_claims, TestSigner, TEST_AUDIENCE, TEST_EMAIL};
use gcp_events_core::{handler_fn, EventService};
use http_body_util::Full;

fn envelope() -> Bytes {
    let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&serde_json::json!({"order": 17, "status": "paid", "items": [1, 2, 3]}))
        .unwrap()
        .attribute("origin", "bench")
        .message_id("2070443601311540")
        .build();
    Bytes::from(envelope.to_bytes())
}

fn service(oidc: bool) -> EventService {
    let builder = EventService::builder().handler(handler_fn(|event| async move {
        let message = event.pubsub()?;
        std::hint::black_box(message.data.len());
        Ok(())
    }));
    let builder = if oidc {
        let signer = TestSigner::google("bench");
        let keys = KeySet::from_jwks_json(jwks(&[&signer]).to_string().as_bytes()).unwrap();
        builder.oidc(
            OidcConfig::new()
                .audience(TEST_AUDIENCE)
                .allowed_email(TEST_EMAIL)
                .key_source(keys),
        )
    } else {
        builder.allow_unauthenticated().cloud_events_path("/")
    };
    builder.build().unwrap()
}

fn request(target: &str, headers: &[(&str, &str)], body: &Bytes) -> http::Request<Full<Bytes>> {
    let mut request = http::Request::post(target).header("host", "localhost");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Full::new(body.clone())).unwrap()
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = envelope();
    let target = "/gcp-events/events/order-paid/17?tenant=acme";
    let token = TestSigner::google("bench").token(&push_claims(SystemTime::now()));
    let bearer = format!("Bearer {token}");

    let open = service(false);
    let authed = service(true);
    // Warm the key cache so the bench measures verification, not the first fetch.
    let first = rt.block_on(authed.handle(request(target, &[("authorization", &bearer)], &body)));
    assert_eq!(first.status(), 201);

    let mut group = c.benchmark_group("pipeline");
    group.bench_function("wrapped_push_unauthenticated", |b| {
        b.iter(|| rt.block_on(open.handle(request(target, &[], &body))))
    });
    group.bench_function("wrapped_push_oidc", |b| {
        b.iter(|| rt.block_on(authed.handle(request(target, &[("authorization", &bearer)], &body))))
    });
    let ce = [
        ("ce-id", "2070443601311540"),
        ("ce-source", "//pubsub.googleapis.com/projects/p/topics/t"),
        ("ce-specversion", "1.0"),
        ("ce-type", "google.cloud.pubsub.topic.v1.messagePublished"),
        ("ce-time", "2020-12-20T13:37:33.647Z"),
        ("content-type", "application/json"),
    ];
    group.bench_function("eventarc_binary_at_root", |b| {
        b.iter(|| rt.block_on(open.handle(request("/", &ce, &body))))
    });
    let unwrapped_body = Bytes::from_static(br#"{"order":17,"status":"paid","items":[1,2,3]}"#);
    let unwrapped = [
        ("x-goog-pubsub-message-id", "2070443601311540"),
        (
            "x-goog-pubsub-subscription-name",
            "projects/p/subscriptions/s",
        ),
        ("x-goog-pubsub-publish-time", "2021-02-26T19:13:55.749Z"),
        ("origin", "bench"),
    ];
    group.bench_function("unwrapped_push", |b| {
        b.iter(|| rt.block_on(open.handle(request(target, &unwrapped, &unwrapped_body))))
    });
    group.finish();

    let verifier = OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .key_source(
            KeySet::from_jwks_json(jwks(&[&TestSigner::google("bench")]).to_string().as_bytes())
                .unwrap(),
        )
        .build()
        .unwrap();
    rt.block_on(verifier.verify_token(&token)).unwrap();
    c.bench_function("oidc_verify_token_alone", |b| {
        b.iter(|| rt.block_on(verifier.verify_token(&token)).unwrap())
    });
}

criterion_group!(benches, pipeline);
criterion_main!(benches);

//! The codec alone, against what a user would write by hand, in one run (issue 13):
//!
//! - `push_decode/library` vs `push_decode/bare_serde_base64`: `DecodedMessage::from_slice` on
//!   the 1840-byte envelope of `benches/make_body.py` (committed as `benches/push-1840.json`)
//!   against a typed serde struct plus a base64 decode of `data` (target: ≤ 1.1×);
//! - `push_decode_size/{10k,1m,10m}`: envelopes of growing data, for time linear in size
//!   (criterion's throughput line gives bytes per second for each);
//! - `oidc/remembered` (a token verified before: digest, lookup, time checks; target ≤ 1 µs),
//!   `oidc/first` (a fresh verifier each time, keys already fetched) vs `oidc/bare_ring_rs256`
//!   (ring's RS256 verify of the same signature alone; target ≤ 1.2×).
//!
//! `cargo bench -p gcp-events-benches --bench codec -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::SystemTime;

use base64::Engine as _;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use gcp_events_core::auth::{KeySet, OidcConfig};
use gcp_events_core::pubsub::{DecodedMessage, PushEnvelope};
use gcp_events_core::testing::auth::{jwks, push_claims, TestSigner, TEST_AUDIENCE, TEST_EMAIL};

const BODY: &[u8] = include_bytes!("../push-1840.json");

fn envelope_of(size: usize) -> Vec<u8> {
    let data: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
    PushEnvelope::builder("projects/p/subscriptions/s")
        .bytes(&data)
        .message_id("1")
        .attribute("k", "v")
        .build()
        .to_bytes()
}

fn codec(c: &mut Criterion) {
    let mut group = c.benchmark_group("push_decode");
    group.throughput(Throughput::Bytes(BODY.len() as u64));
    group.bench_function("library", |b| {
        b.iter(|| DecodedMessage::from_slice(std::hint::black_box(BODY)).unwrap())
    });
    group.bench_function("bare_serde_base64", |b| {
        b.iter(|| gcp_events_benches::hand_decode(std::hint::black_box(BODY)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("push_decode_size");
    group.sample_size(20);
    for (name, size) in [("10k", 10_000), ("1m", 1_000_000), ("10m", 10_000_000)] {
        let body = envelope_of(size);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| DecodedMessage::from_slice(std::hint::black_box(&body)).unwrap())
        });
    }
    group.finish();
}

fn oidc(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signer = TestSigner::google("bench");
    let token = signer.token(&push_claims(SystemTime::now()));
    let config = OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .key_source(KeySet::from_jwks_json(jwks(&[&signer]).to_string().as_bytes()).unwrap());
    let verifier = config.clone().build().unwrap();
    rt.block_on(verifier.verify_token(&token)).unwrap();

    let mut group = c.benchmark_group("oidc");
    group.bench_function("remembered", |b| {
        b.iter(|| rt.block_on(verifier.verify_token(&token)).unwrap())
    });
    group.bench_function("first", |b| {
        b.iter_batched(
            || {
                let fresh = config.clone().build().unwrap();
                rt.block_on(fresh.warm_up()).unwrap();
                fresh
            },
            |fresh| rt.block_on(fresh.verify_token(&token)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    // The same signature checked by ring alone, the floor of any RS256 verification.
    let jwk = signer.jwk();
    let decode = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .unwrap()
    };
    let key = ring::signature::RsaPublicKeyComponents {
        n: decode(jwk["n"].as_str().unwrap()),
        e: decode(jwk["e"].as_str().unwrap()),
    };
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = decode(signature);
    group.bench_function("bare_ring_rs256", |b| {
        b.iter(|| {
            key.verify(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                input.as_bytes(),
                &signature,
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, codec, oidc);
criterion_main!(benches);

//! The key cache against a real JWKS server on 127.0.0.1 (research R16, R17; SPEC A3):
//! `max-age` minus `Age`, rotation, rate-limited refreshes for unknown `kid`s, stale keys during
//! an outage, 503 with nothing cached, and single flight under 100 concurrent requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use gcp_events_core::auth::{AuthError, OidcConfig, OidcVerifier};
use gcp_events_core::testing::auth::{
    jwks, push_claims, JwksReply, JwksServer, TestClock, TestSigner, TEST_AUDIENCE, TEST_EMAIL,
};
use http::StatusCode;

fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000)
}

fn verifier(server: &JwksServer, clock: &TestClock) -> OidcVerifier {
    OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .jwks_url(&server.url())
        .unwrap()
        .clock(clock.clone())
        .build()
        .unwrap()
}

/// A fresh token at the clock's current time (tokens live one hour). Each is distinct (a
/// `jti` counter), so the verifier's memory of verified tokens never answers for the key cache.
fn token(signer: &TestSigner, clock: &TestClock) -> String {
    use gcp_events_core::auth::Clock as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let mut claims = push_claims(clock.now());
    claims["jti"] = serde_json::json!(NEXT.fetch_add(1, Ordering::Relaxed));
    signer.token(&claims)
}

/// One key `k1` served with `max-age=60`, already fetched.
async fn warmed_one_key() -> (TestSigner, JwksServer, TestClock, OidcVerifier) {
    let google = TestSigner::google("k1");
    let server = JwksServer::start(jwks(&[&google])).await;
    server.set_keys(jwks(&[&google]), 60, 0);
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    v.warm_up().await.unwrap();
    (google, server, clock, v)
}

/// Waits (up to 10 s) until the server has seen `n` fetches and the refresh they belong to has
/// landed: a stale key is refreshed in the background.
async fn wait_for_fetches(server: &JwksServer, v: &OidcVerifier, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.fetches() < n {
        assert!(std::time::Instant::now() < deadline, "no refresh happened");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    v.refresh_idle().await;
}

#[tokio::test]
async fn a3_keys_are_cached_for_max_age_minus_age() {
    let old = TestSigner::google("old");
    let server = JwksServer::start(jwks(&[&old])).await;
    server.set_keys(jwks(&[&old]), 100, 10); // fresh for 90 s
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);

    v.verify_token(&token(&old, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 1);
    clock.advance(Duration::from_secs(80));
    v.verify_token(&token(&old, &clock)).await.unwrap();
    v.verify_token(&token(&old, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 1, "still fresh: no refetch");
    clock.advance(Duration::from_secs(11));
    v.verify_token(&token(&old, &clock)).await.unwrap();
    wait_for_fetches(&server, &v, 2).await; // stale after 90 s: refetched once, in the background
    v.verify_token(&token(&old, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn a3_rotation_new_kid_triggers_one_refresh() {
    let old = TestSigner::google("old");
    let new = TestSigner::attacker("new"); // a different key pair standing in for Google's next key
    let server = JwksServer::start(jwks(&[&old])).await;
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    v.verify_token(&token(&old, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 1);

    server.set_keys(jwks(&[&old, &new]), 21155, 12);
    clock.advance(Duration::from_secs(31));
    let claims = v.verify_token(&token(&new, &clock)).await.unwrap();
    assert_eq!(claims.key_id, "new");
    assert_eq!(server.fetches(), 2);
    v.verify_token(&token(&old, &clock)).await.unwrap();
    v.verify_token(&token(&new, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn a3_unknown_kid_refreshes_are_rate_limited() {
    let known = TestSigner::google("known");
    let stranger = TestSigner::attacker("stranger");
    let server = JwksServer::start(jwks(&[&known])).await;
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    v.verify_token(&token(&known, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 1);

    // Right after a fetch: no new fetch, the kid is simply unknown.
    for _ in 0..5 {
        let err = v.verify_token(&token(&stranger, &clock)).await.unwrap_err();
        assert_eq!(
            (err.status(), err),
            (StatusCode::UNAUTHORIZED, AuthError::UnknownKeyId)
        );
    }
    assert_eq!(server.fetches(), 1, "rate limit holds within 30 s");
    clock.advance(Duration::from_secs(31));
    for _ in 0..5 {
        v.verify_token(&token(&stranger, &clock)).await.unwrap_err();
    }
    assert_eq!(
        server.fetches(),
        2,
        "one refresh per interval, however many unknown kids"
    );
}

#[tokio::test]
async fn a3_outage_keeps_serving_cached_keys() {
    let (google, server, clock, v) = warmed_one_key().await;

    server.set_reply(JwksReply::Error);
    clock.advance(Duration::from_secs(3600)); // long stale
    let claims = v.verify_token(&token(&google, &clock)).await.unwrap();
    assert_eq!(claims.email, TEST_EMAIL);
    wait_for_fetches(&server, &v, 2).await; // the stale set prompted one refresh attempt
    v.verify_token(&token(&google, &clock)).await.unwrap();

    server.set_reply(JwksReply::Drop);
    clock.advance(Duration::from_secs(31));
    v.verify_token(&token(&google, &clock)).await.unwrap();
    wait_for_fetches(&server, &v, 3).await;
    // A failed fetch never empties the cache, and is not retried within the interval.
    v.verify_token(&token(&google, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 3);
}

#[tokio::test]
async fn a2_outage_with_empty_cache_is_503_then_recovers() {
    let google = TestSigner::google("k1");
    let server = JwksServer::start(jwks(&[&google])).await;
    server.set_reply(JwksReply::Error);
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);

    let err = v.verify_token(&token(&google, &clock)).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(v.warm_up().await.is_err());

    // Unknown kid after a failed refresh is 503 too (we cannot tell it is not Google's).
    clock.advance(Duration::from_secs(31));
    let err = v
        .verify_token(&token(&TestSigner::attacker("other"), &clock))
        .await
        .unwrap_err();
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    server.set_keys(jwks(&[&google]), 21155, 12);
    clock.advance(Duration::from_secs(31));
    v.verify_token(&token(&google, &clock)).await.unwrap();
}

#[tokio::test]
async fn a2_invalid_jwks_document_is_503() {
    let google = TestSigner::google("k1");
    let server = JwksServer::start(serde_json::json!({"not": "a jwks"})).await;
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    let err = v.verify_token(&token(&google, &clock)).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    server.set_keys(serde_json::json!({"keys": []}), 100, 0);
    clock.advance(Duration::from_secs(31));
    let err = v.verify_token(&token(&google, &clock)).await.unwrap_err();
    assert_eq!(
        err.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "an empty set is a failure, not 'no keys'"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a3_single_flight_under_100_concurrent_requests_with_a_new_kid() {
    let old = TestSigner::google("old");
    let new = TestSigner::attacker("new");
    let server = JwksServer::start(jwks(&[&old])).await;
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    v.warm_up().await.unwrap();
    assert_eq!(server.fetches(), 1);

    server.set_keys(jwks(&[&old, &new]), 21155, 12);
    server.set_delay(Duration::from_millis(300));
    clock.advance(Duration::from_secs(31));
    let token = token(&new, &clock);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let v = v.clone();
            let token = token.clone();
            tokio::spawn(async move { v.verify_token(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(server.fetches(), 2, "exactly one refresh for 100 requests");
}

#[tokio::test]
async fn a3_a_stale_key_answers_at_once_while_a_slow_refresh_runs() {
    let (google, server, clock, v) = warmed_one_key().await;
    server.set_delay(Duration::from_secs(3));
    clock.advance(Duration::from_secs(61));
    let started = std::time::Instant::now();
    for _ in 0..3 {
        v.verify_token(&token(&google, &clock)).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no request waited for the refresh: {:?}",
        started.elapsed()
    );
    wait_for_fetches(&server, &v, 2).await;
    assert_eq!(server.fetches(), 2, "one refresh, however many requests");
}

#[tokio::test]
async fn a2_key_fetch_times_out_into_503() {
    let google = TestSigner::google("k1");
    let server = JwksServer::start(jwks(&[&google])).await;
    server.set_delay(Duration::from_secs(8));
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    let started = std::time::Instant::now();
    let err = v.verify_token(&token(&google, &clock)).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "bounded by the 5 s timeout"
    );
}

#[test]
fn r4_jwks_url_must_be_https_or_loopback() {
    assert!(OidcConfig::new()
        .jwks_url("https://www.googleapis.com/oauth2/v3/certs")
        .is_ok());
    assert!(OidcConfig::new()
        .jwks_url("http://127.0.0.1:9/certs")
        .is_ok());
    assert!(OidcConfig::new().jwks_url("http://[::1]:9/certs").is_ok());
    assert!(OidcConfig::new()
        .jwks_url("http://localhost:9/certs")
        .is_ok());
    assert!(OidcConfig::new()
        .jwks_url("http://keys.example.com/certs")
        .is_err());
    assert!(OidcConfig::new().jwks_url("ftp://127.0.0.1/certs").is_err());
    assert!(OidcConfig::new().jwks_url("not a url").is_err());
}

#[tokio::test]
async fn r16_a_key_removed_from_the_set_is_no_longer_accepted() {
    let old = TestSigner::google("old");
    let new = TestSigner::attacker("new");
    let server = JwksServer::start(jwks(&[&old])).await;
    server.set_keys(jwks(&[&old]), 60, 0);
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    let remembered = token(&old, &clock);
    v.verify_token(&remembered).await.unwrap();

    // Google rotates `old` out; once the set is stale and refetched, `old` is unknown — for a
    // new token and for one verified (and remembered) before.
    server.set_keys(jwks(&[&new]), 60, 0);
    clock.advance(Duration::from_secs(61));
    // The request that finds the set stale is answered with the stale key while the refresh
    // runs behind it (stale-while-revalidate); once the refresh lands, `old` is gone.
    v.verify_token(&token(&old, &clock)).await.unwrap();
    wait_for_fetches(&server, &v, 2).await;
    let err = v.verify_token(&token(&old, &clock)).await.unwrap_err();
    assert_eq!(err, AuthError::UnknownKeyId);
    assert_eq!(
        v.verify_token(&remembered).await.unwrap_err(),
        AuthError::UnknownKeyId
    );
    v.verify_token(&token(&new, &clock)).await.unwrap();
}

#[tokio::test]
async fn r16_no_cache_and_max_age_zero_are_clamped_to_a_minute() {
    let google = TestSigner::google("k1");
    let server = JwksServer::start(jwks(&[&google])).await;
    server.set_keys(jwks(&[&google]), 0, 0);
    let clock = TestClock::at(start_time());
    let v = verifier(&server, &clock);
    v.verify_token(&token(&google, &clock)).await.unwrap();
    clock.advance(Duration::from_secs(45)); // past the 30 s rate limit, within the clamp
    v.verify_token(&token(&google, &clock)).await.unwrap();
    assert_eq!(server.fetches(), 1, "max-age=0 still caches for 60 s");
    clock.advance(Duration::from_secs(16));
    v.verify_token(&token(&google, &clock)).await.unwrap();
    wait_for_fetches(&server, &v, 2).await;
}

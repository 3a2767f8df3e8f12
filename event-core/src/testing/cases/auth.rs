//! A1–A5, U3: authentication over HTTP — what each rejection answers, and that nothing is
//! dispatched unless the caller is proven.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use chrono::Utc;
use serde_json::json;

use super::{path, serve};
use crate::auth::signed_url::UrlSigningKey;
use crate::auth::{KeySet, OidcConfig};
use crate::pubsub::PushEnvelope;
use crate::testing::auth::{jwks, push_claims, FailingKeys, TestSigner, TEST_AUDIENCE, TEST_EMAIL};
use crate::testing::client::{raw_request, send};
use crate::testing::Recorder;
use crate::EventService;

const KID: &str = "conformance-key";

fn oidc() -> OidcConfig {
    let keys = KeySet::from_jwks_json(jwks(&[&TestSigner::google(KID)]).to_string().as_bytes())
        .expect("test JWKS");
    OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .key_source(keys)
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// POSTs `body` to the `known` event route with this `Authorization` value.
async fn post_as(
    addr: SocketAddr,
    authorization: &str,
    body: &[u8],
) -> crate::testing::client::HttpResponse {
    send(
        addr,
        &raw_request(
            "POST",
            &path("known", "r"),
            &[("Authorization", authorization)],
            body,
        ),
    )
    .await
}

fn genuine() -> String {
    TestSigner::google(KID).token(&push_claims(SystemTime::now()))
}

async fn oidc_service<S, F>(start: &S, debug: bool) -> (SocketAddr, Recorder)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .oidc(oidc())
        .kind_handler("known", rec.clone())
        .debug(debug);
    (serve(start, builder).await, rec)
}

/// A2: no token → 401 with a bare `WWW-Authenticate: Bearer`; checked before the handler
/// lookup, so an unknown kind does not reveal itself with a 404; nothing dispatched.
pub async fn a2_missing_token_is_401_with_bearer_challenge<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = oidc_service(&start, false).await;
    for kind in ["known", "unknown"] {
        let response = send(addr, &raw_request("POST", &path(kind, "r"), &[], b"{}")).await;
        response.assert_json(401, json!({"error": "Unauthorized"}));
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    }
    assert_eq!(rec.count(), 0);
}

/// A2: a forged, expired or misaddressed token → 401 `Bearer error="invalid_token"`.
pub async fn a2_invalid_token_is_401_invalid_token<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = oidc_service(&start, false).await;
    let now = SystemTime::now();
    let mut expired = push_claims(now - Duration::from_secs(7200));
    expired["exp"] = json!(crate::testing::auth::unix(now) - 3600);
    let mut other_audience = push_claims(now);
    other_audience["aud"] = json!("https://attacker.example/push");
    // R2: the audience comes from configuration, never from the request: a token minted for
    // exactly the URL this request went to is still refused.
    let mut own_url = push_claims(now);
    own_url["aud"] = json!(format!("http://{addr}{}", path("known", "r")));
    let tokens = [
        TestSigner::google(KID).token(&own_url),
        TestSigner::attacker(KID).token(&push_claims(now)),
        TestSigner::google(KID).token(&expired),
        TestSigner::google(KID).token(&other_audience),
        "not.a.jwt".to_owned(),
    ];
    for token in &tokens {
        let auth = bearer(token);
        let response = post_as(addr, &auth, b"{}").await;
        response.assert_json(401, json!({"error": "Unauthorized"}));
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\"")
        );
    }
    // Two Authorization fields, even both genuine, are refused.
    let auth = bearer(&genuine());
    let response = send(
        addr,
        &raw_request(
            "POST",
            &path("known", "r"),
            &[("Authorization", &auth), ("Authorization", &auth)],
            b"{}",
        ),
    )
    .await;
    assert_eq!(response.status, 401);
    // Another scheme is no bearer credential at all: the bare challenge.
    let response = post_as(addr, "Basic dXNlcjpwYXNz", b"{}").await;
    response.assert_json(401, json!({"error": "Unauthorized"}));
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    assert_eq!(rec.count(), 0);
}

/// A2: a genuine token of a caller not in the allow-list → 403.
pub async fn a2_disallowed_caller_is_403<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = oidc_service(&start, false).await;
    let mut claims = push_claims(SystemTime::now());
    claims["email"] = json!("someone-else@other.iam.gserviceaccount.com");
    let auth = bearer(&TestSigner::google(KID).token(&claims));
    let response = post_as(addr, &auth, b"{}").await;
    response.assert_json(403, json!({"error": "Forbidden"}));
    assert_eq!(rec.count(), 0);
}

/// A2: no key obtainable and none cached → 503 with `Retry-After`, so Pub/Sub retries.
pub async fn a2_keys_unavailable_is_503_with_retry_after<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let config = OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .key_source(FailingKeys);
    let addr = serve(
        &start,
        EventService::builder().oidc(config).handler(rec.clone()),
    )
    .await;
    let auth = bearer(&genuine());
    let response = post_as(addr, &auth, b"{}").await;
    response.assert_json(503, json!({"error": "Service unavailable"}));
    assert_eq!(response.header("retry-after"), Some("30"));
    assert_eq!(rec.count(), 0);
}

/// A1, A4: a genuine push is dispatched, and the handler sees the verified caller alongside
/// the decoded Pub/Sub message.
pub async fn a4_genuine_token_is_dispatched_with_claims<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = oidc_service(&start, false).await;
    let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
        .json(&json!({"order": 17}))
        .expect("JSON data")
        .message_id("m-1")
        .build();
    for scheme in ["Bearer", "bearer"] {
        let auth = format!("{scheme} {}", genuine());
        send(
            addr,
            &raw_request(
                "POST",
                &path("known", "r"),
                &[("Authorization", &auth)],
                &envelope.to_bytes(),
            ),
        )
        .await
        .assert_json(201, json!({}));
    }
    let events = rec.events();
    assert_eq!(events.len(), 2);
    let claims = events[0].context().claims.clone().expect("claims");
    assert_eq!(claims.email, TEST_EMAIL);
    assert_eq!(claims.audience, TEST_AUDIENCE);
    assert_eq!(claims.subject.as_deref(), Some("113774264463038321964"));
    assert!(claims.signature_verified);
    let message = events[0].pubsub().expect("push decoded");
    assert_eq!(message.message_id.as_deref(), Some("m-1"));
}

/// A5: even in debug mode a rejection names only a reason code — never the token or claims.
pub async fn a5_rejections_never_echo_the_token<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, _rec) = oidc_service(&start, true).await;
    let mut claims = push_claims(SystemTime::now());
    claims["email"] = json!("intruder@evil.example");
    let token = TestSigner::google(KID).token(&claims);
    let auth = bearer(&token);
    let response = post_as(addr, &auth, b"{}").await;
    response.assert_json(
        403,
        json!({"error": "Forbidden", "detail": "email_not_allowed"}),
    );
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let headers = format!("{:?}", response.headers);
    for secret in [
        token.as_str(),
        token.split('.').nth(1).unwrap_or(""),
        "intruder",
    ] {
        assert!(!text.contains(secret) && !headers.contains(secret));
    }
}

fn signed_service(key: &UrlSigningKey, rec: &Recorder) -> crate::EventServiceBuilder {
    EventService::builder()
        .signed_urls(key.clone())
        .handler(rec.clone())
}

/// U3: a signed event URL is accepted, and handlers never see the token parameter.
pub async fn u3_signed_url_is_accepted_and_token_stripped<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let key = UrlSigningKey::new([7u8; 32]).expect("key");
    let rec = Recorder::new();
    let addr = serve(&start, signed_service(&key, &rec)).await;
    for expiry in [None, Some(Utc::now() + chrono::Duration::hours(1))] {
        let mut url = crate::event_url::event_url("order paid", "ref/1 ü")
            .parameter("tenant", "a&b")
            .base_url("")
            .signed(&key);
        if let Some(at) = expiry {
            url = url.signed_until(&key, at);
        }
        let url = url.build().expect("url");
        send(addr, &raw_request("POST", &url, &[], b"{}"))
            .await
            .assert_json(201, json!({}));
    }
    for event in rec.events() {
        assert_eq!((event.kind(), event.reference()), ("order paid", "ref/1 ü"));
        assert_eq!(
            event.parameters().keys().collect::<Vec<_>>(),
            ["tenant"],
            "the token is stripped"
        );
        assert_eq!(event.parameter("tenant"), Some("a&b"));
    }
    assert_eq!(rec.count(), 2);
}

/// U3: a missing, wrong, transplanted or expired token → 401; nothing dispatched.
pub async fn u3_bad_signed_url_is_401<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let key = UrlSigningKey::new([7u8; 32]).expect("key");
    let other_key = UrlSigningKey::new([8u8; 32]).expect("key");
    let rec = Recorder::new();
    let addr = serve(&start, signed_service(&key, &rec)).await;
    let url = |kind: &str, key: &UrlSigningKey| {
        crate::event_url::event_url(kind, "r")
            .base_url("")
            .signed(key)
            .build()
            .expect("url")
    };
    let transplanted = url("a", &key).replace("/events/a/", "/events/b/");
    let expired = crate::event_url::event_url("a", "r")
        .base_url("")
        .signed_until(&key, Utc::now() - chrono::Duration::seconds(5))
        .build()
        .expect("url");
    let targets = [
        path("a", "r"),
        url("a", &other_key),
        transplanted,
        expired,
        format!("{}?gcp_events_sig=v1.-.AAAA", path("a", "r")),
    ];
    for target in &targets {
        let response = send(addr, &raw_request("POST", target, &[], b"{}")).await;
        response.assert_json(401, json!({"error": "Unauthorized"}));
        assert!(response.header("www-authenticate").is_some());
    }
    assert_eq!(rec.count(), 0);
}

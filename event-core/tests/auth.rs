//! OIDC verification through the public API: every row of the attack catalogue (research §5.1)
//! and each header case (R5–R7), with an injected clock and the test keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use gcp_events_core::auth::{AuthError, KeySet, OidcConfig, OidcMode, OidcVerifier};
use gcp_events_core::testing::auth::{
    jwks, push_claims, segment, unix, TestClock, TestSigner, TEST_AUDIENCE, TEST_EMAIL,
};
use http::StatusCode;
use serde_json::{json, Value};

const KID: &str = "0123456789abcdef0123456789abcdef01234567";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000)
}

fn google() -> TestSigner {
    TestSigner::google(KID)
}

fn config() -> OidcConfig {
    OidcConfig::new()
        .audience(TEST_AUDIENCE)
        .allowed_email(TEST_EMAIL)
        .key_source(KeySet::from_jwks_json(jwks(&[&google()]).to_string().as_bytes()).unwrap())
        .clock(TestClock::at(now()))
}

fn verifier() -> OidcVerifier {
    config().build().unwrap()
}

fn claims() -> Value {
    push_claims(now())
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

async fn verdict(token: &str) -> Result<(), AuthError> {
    verifier().verify_token(token).await.map(|_| ())
}

async fn assert_401(token: &str, reason: AuthError) {
    let err = verdict(token).await.expect_err("must be rejected");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{err:?}");
    assert_eq!(err, reason);
}

async fn assert_403(token: &str, reason: AuthError) {
    let err = verdict(token).await.expect_err("must be rejected");
    assert_eq!(err.status(), StatusCode::FORBIDDEN, "{err:?}");
    assert_eq!(err, reason);
}

#[tokio::test]
async fn a1_genuine_token_is_accepted_with_its_claims() {
    let token = google().token(&claims());
    let verified = verifier().verify_token(&token).await.unwrap();
    assert_eq!(verified.email, TEST_EMAIL);
    assert_eq!(verified.audience, TEST_AUDIENCE);
    assert_eq!(verified.subject.as_deref(), Some("113774264463038321964"));
    assert_eq!(verified.issuer, "https://accounts.google.com");
    assert_eq!(verified.key_id, KID);
    assert!(verified.signature_verified);
    assert_eq!(verified.issued_at.timestamp(), unix(now()));
    assert_eq!(verified.expires_at.timestamp(), unix(now()) + 3600);
    assert_eq!(verified.claims["azp"], "113774264463038321964");
}

#[tokio::test]
async fn a1_issuer_without_scheme_is_accepted() {
    let token = google().token(&with(claims(), "iss", json!("accounts.google.com")));
    verdict(&token).await.unwrap();
}

#[tokio::test]
async fn alg_none_is_401() {
    for alg in ["none", "None", "NONE"] {
        let header = json!({"alg": alg, "kid": KID, "typ": "JWT"});
        let token = format!("{}.{}.", segment(&header), segment(&claims()));
        assert_401(&token, AuthError::AlgorithmNotAllowed).await;
    }
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_401() {
    let header = json!({"alg": "HS256", "kid": KID, "typ": "JWT"});
    let input = format!("{}.{}", segment(&header), segment(&claims()));
    // The classic confusion: the public key's bytes used as an HMAC secret.
    let public = google().jwk().to_string();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, public.as_bytes());
    let tag = ring::hmac::sign(&key, input.as_bytes());
    let token = format!(
        "{input}.{}",
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            tag.as_ref()
        )
    );
    assert_401(&token, AuthError::AlgorithmNotAllowed).await;
}

#[tokio::test]
async fn rs512_and_ps256_by_the_right_key_are_401() {
    let signer = google();
    for (alg, encoding) in [
        (
            "RS512",
            &ring::signature::RSA_PKCS1_SHA512 as &'static dyn ring::signature::RsaEncoding,
        ),
        ("PS256", &ring::signature::RSA_PSS_SHA256),
    ] {
        let header = json!({"alg": alg, "kid": KID, "typ": "JWT"});
        let input = format!("{}.{}", segment(&header), segment(&claims()));
        let token = format!("{input}.{}", signer.signature(&input, encoding));
        assert_401(&token, AuthError::AlgorithmNotAllowed).await;
        // And the same signature relabelled RS256 does not verify either.
        let relabelled_header = segment(&json!({"alg": "RS256", "kid": KID, "typ": "JWT"}));
        let relabelled = format!(
            "{relabelled_header}.{}.{}",
            segment(&claims()),
            signer.signature(&input, encoding)
        );
        assert_401(&relabelled, AuthError::BadSignature).await;
    }
}

#[tokio::test]
async fn unknown_kid_is_401_after_a_refresh() {
    let token = TestSigner::google("some-other-kid").token(&claims());
    assert_401(&token, AuthError::UnknownKeyId).await;
}

#[tokio::test]
async fn missing_or_empty_kid_is_401() {
    let signer = google();
    let token = signer.sign(&json!({"alg": "RS256", "typ": "JWT"}), &claims());
    assert_401(&token, AuthError::KeyIdMissing).await;
    let token = signer.sign(&json!({"alg": "RS256", "kid": "", "typ": "JWT"}), &claims());
    assert_401(&token, AuthError::KeyIdMissing).await;
    let token = signer.sign(&json!({"alg": "RS256", "kid": 7, "typ": "JWT"}), &claims());
    assert_401(&token, AuthError::KeyIdMissing).await;
}

#[tokio::test]
async fn crit_header_is_401() {
    let token = google().sign(
        &json!({"alg": "RS256", "kid": KID, "crit": ["exp"], "exp": 1}),
        &claims(),
    );
    assert_401(&token, AuthError::CriticalHeaderUnsupported).await;
}

#[tokio::test]
async fn signed_by_another_key_with_the_same_kid_is_401() {
    let token = TestSigner::attacker(KID).token(&claims());
    assert_401(&token, AuthError::BadSignature).await;
}

#[tokio::test]
async fn expired_beyond_leeway_is_401_within_leeway_accepted() {
    let iat = unix(now()) - 3700;
    let expired_long_ago = with(
        with(claims(), "iat", json!(iat)),
        "exp",
        json!(unix(now()) - 61),
    );
    assert_401(&google().token(&expired_long_ago), AuthError::Expired).await;
    let just_expired = with(
        with(claims(), "iat", json!(iat)),
        "exp",
        json!(unix(now()) - 59),
    );
    verdict(&google().token(&just_expired)).await.unwrap();
}

#[tokio::test]
async fn issued_in_the_future_is_401_small_skew_accepted() {
    let future = with(claims(), "iat", json!(unix(now()) + 3600));
    let future = with(future, "exp", json!(unix(now()) + 7200));
    assert_401(&google().token(&future), AuthError::IssuedInFuture).await;
    let five_seconds = with(claims(), "iat", json!(unix(now()) + 5));
    verdict(&google().token(&five_seconds)).await.unwrap();
}

#[tokio::test]
async fn leeway_is_configurable() {
    let five_seconds = with(claims(), "iat", json!(unix(now()) + 5));
    let strict = config().leeway(Duration::ZERO).build().unwrap();
    let err = strict
        .verify_token(&google().token(&five_seconds))
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::IssuedInFuture);
}

#[tokio::test]
async fn nbf_in_the_future_is_401() {
    let token = google().token(&with(claims(), "nbf", json!(unix(now()) + 3600)));
    assert_401(&token, AuthError::NotYetValid).await;
    let past = google().token(&with(claims(), "nbf", json!(unix(now()) - 10)));
    verdict(&past).await.unwrap();
}

#[tokio::test]
async fn expiry_more_than_a_day_ahead_is_401() {
    let token = google().token(&with(claims(), "exp", json!(unix(now()) + 2 * 86_400)));
    assert_401(&token, AuthError::LifetimeTooLong).await;
}

#[tokio::test]
async fn iat_after_exp_is_401() {
    let token = google().token(&with(
        with(claims(), "iat", json!(unix(now()) + 30)),
        "exp",
        json!(unix(now()) + 20),
    ));
    assert_401(&token, AuthError::IssuedAfterExpiry).await;
}

#[tokio::test]
async fn missing_exp_or_iat_is_401() {
    assert_401(
        &google().token(&without(claims(), "exp")),
        AuthError::ExpiryMissing,
    )
    .await;
    assert_401(
        &google().token(&without(claims(), "iat")),
        AuthError::IssuedAtMissing,
    )
    .await;
}

#[tokio::test]
async fn time_claims_as_strings_are_401() {
    let exp = unix(now()) + 3600;
    let token = google().token(&with(claims(), "exp", json!(exp.to_string())));
    assert_401(&token, AuthError::TimeClaimNotNumeric).await;
    let token = google().token(&with(claims(), "iat", json!(unix(now()).to_string())));
    assert_401(&token, AuthError::TimeClaimNotNumeric).await;
    let token = google().token(&with(claims(), "nbf", json!("0")));
    assert_401(&token, AuthError::TimeClaimNotNumeric).await;
}

#[tokio::test]
async fn float_exp_is_accepted() {
    let exp = unix(now()) as f64 + 3600.5;
    verdict(&google().token(&with(claims(), "exp", json!(exp))))
        .await
        .unwrap();
}

#[tokio::test]
async fn wrong_audience_is_401() {
    for aud in [
        json!("https://attacker.example/push"),
        json!(format!("{TEST_AUDIENCE}/")),
        json!(TEST_AUDIENCE.to_uppercase()),
        json!(""),
        json!(17),
    ] {
        assert_401(
            &google().token(&with(claims(), "aud", aud)),
            AuthError::WrongAudience,
        )
        .await;
    }
    assert_401(
        &google().token(&without(claims(), "aud")),
        AuthError::WrongAudience,
    )
    .await;
}

#[tokio::test]
async fn audience_array_is_401_even_when_it_contains_ours() {
    let token = google().token(&with(claims(), "aud", json!([TEST_AUDIENCE])));
    assert_401(&token, AuthError::AudienceNotAString).await;
}

#[tokio::test]
async fn any_configured_audience_is_accepted() {
    let other = "https://other.example/push";
    let v = config().audience(other).build().unwrap();
    let token = google().token(&with(claims(), "aud", json!(other)));
    assert_eq!(v.verify_token(&token).await.unwrap().audience, other);
}

#[tokio::test]
async fn wrong_issuer_is_401() {
    for iss in [
        json!("https://attacker.example"),
        json!("http://accounts.google.com"),
        json!(["https://accounts.google.com"]),
    ] {
        assert_401(
            &google().token(&with(claims(), "iss", iss)),
            AuthError::WrongIssuer,
        )
        .await;
    }
    assert_401(
        &google().token(&without(claims(), "iss")),
        AuthError::WrongIssuer,
    )
    .await;
}

#[tokio::test]
async fn unverified_email_is_403() {
    for value in [json!(false), json!("true"), json!(1)] {
        let token = google().token(&with(claims(), "email_verified", value));
        assert_403(&token, AuthError::EmailNotVerified).await;
    }
    assert_403(
        &google().token(&without(claims(), "email_verified")),
        AuthError::EmailNotVerified,
    )
    .await;
}

#[tokio::test]
async fn other_email_is_403() {
    for email in [
        json!("someone@other-project.iam.gserviceaccount.com"),
        json!(TEST_EMAIL.to_uppercase()),
        json!(""),
        json!([TEST_EMAIL]),
    ] {
        assert_403(
            &google().token(&with(claims(), "email", email)),
            AuthError::EmailNotAllowed,
        )
        .await;
    }
    assert_403(
        &google().token(&without(claims(), "email")),
        AuthError::EmailNotAllowed,
    )
    .await;
}

#[tokio::test]
async fn subject_allow_list_is_enforced_when_set() {
    let token = google().token(&claims());
    let pinned = config().allowed_subject("42").build().unwrap();
    let err = pinned.verify_token(&token).await.unwrap_err();
    assert_eq!(
        (err.status(), err),
        (StatusCode::FORBIDDEN, AuthError::SubjectNotAllowed)
    );
    let right = config()
        .allowed_subject("113774264463038321964")
        .build()
        .unwrap();
    right.verify_token(&token).await.unwrap();
}

#[tokio::test]
async fn damaged_signatures_are_401() {
    let token = google().token(&claims());
    let (input, sig) = token.rsplit_once('.').unwrap();
    assert_401(&format!("{input}."), AuthError::BadSignature).await;
    assert_401(
        &format!("{input}.{}", &sig[..sig.len() - 8]),
        AuthError::MalformedSignature,
    )
    .await;
    let mut flipped = sig.as_bytes().to_vec();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    assert_401(
        &format!("{input}.{}", String::from_utf8(flipped).unwrap()),
        AuthError::BadSignature,
    )
    .await;
    // A valid signature moved onto another payload.
    let other = segment(&with(claims(), "email", json!("x@y.z")));
    let header = input.split('.').next().unwrap();
    assert_401(&format!("{header}.{other}.{sig}"), AuthError::BadSignature).await;
}

#[tokio::test]
async fn non_canonical_base64_is_401() {
    let token = google().token(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    // Padding.
    let padded = format!("{}==.{}.{}", parts[0], parts[1], parts[2]);
    assert_401(&padded, AuthError::MalformedHeader).await;
    // Standard alphabet instead of URL-safe: a `+` and a `/` where the URL-safe text has
    // letters (always present, so the case never silently skips).
    let std_sig = format!("+/{}", &parts[2][2..]);
    assert_401(
        &format!("{}.{}.{std_sig}", parts[0], parts[1]),
        AuthError::MalformedSignature,
    )
    .await;
    // An illegal character.
    assert_401(
        &format!("{}.{}!.{}", parts[0], parts[1], parts[2]),
        AuthError::MalformedPayload,
    )
    .await;
}

#[tokio::test]
async fn wrong_segment_counts_and_non_json_are_401() {
    let token = google().token(&claims());
    let parts: Vec<&str> = token.split('.').collect();
    assert_401(
        &format!("{}.{}", parts[0], parts[1]),
        AuthError::NotThreeSegments,
    )
    .await;
    assert_401(
        &format!("{token}.{}", parts[2]),
        AuthError::NotThreeSegments,
    )
    .await;
    assert_401("", AuthError::NotThreeSegments).await;
    let not_json = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        b"not json",
    );
    assert_401(
        &format!("{not_json}.{}.{}", parts[1], parts[2]),
        AuthError::HeaderNotJsonObject,
    )
    .await;
    let array = segment(&json!([1, 2]));
    assert_401(
        &format!("{}.{array}.{}", parts[0], parts[2]),
        AuthError::PayloadNotJsonObject,
    )
    .await;
}

#[tokio::test]
async fn oversized_token_is_401_before_decoding() {
    let big = with(claims(), "padding", json!("x".repeat(1 << 20)));
    assert_401(&google().token(&big), AuthError::TokenTooLong).await;
    // Just under the default cap passes; the cap is configurable.
    let small = google().token(&claims());
    let tight = config().max_token_length(small.len() - 1).build().unwrap();
    assert_eq!(
        tight.verify_token(&small).await.unwrap_err(),
        AuthError::TokenTooLong
    );
}

#[tokio::test]
async fn removed_signature_is_401_unless_cloud_run_iam_is_trusted() {
    let token = google().token(&claims());
    let (input, _) = token.rsplit_once('.').unwrap();
    let stripped = format!("{input}.SIGNATURE_REMOVED_BY_GOOGLE");
    assert_401(&stripped, AuthError::SignatureRemoved).await;

    let trusting = config().mode(OidcMode::TrustCloudRunIam).build().unwrap();
    let claims_seen = trusting.verify_token(&stripped).await.unwrap();
    assert!(!claims_seen.signature_verified);
    assert_eq!(claims_seen.email, TEST_EMAIL);
    // Claims are still checked in that mode…
    let other_aud = google().token(&with(claims(), "aud", json!("https://x.example")));
    let (input, _) = other_aud.rsplit_once('.').unwrap();
    let err = trusting
        .verify_token(&format!("{input}.SIGNATURE_REMOVED_BY_GOOGLE"))
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::WrongAudience);
    // …and a token with a real signature is still verified.
    let forged = TestSigner::attacker(KID).token(&claims());
    assert_eq!(
        trusting.verify_token(&forged).await.unwrap_err(),
        AuthError::BadSignature
    );
    assert!(
        trusting
            .verify_token(&google().token(&claims()))
            .await
            .unwrap()
            .signature_verified
    );
}

fn headers(values: &[&str]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for v in values {
        map.append(http::header::AUTHORIZATION, v.parse().unwrap());
    }
    map
}

async fn header_verdict(values: &[&str]) -> Result<(), AuthError> {
    verifier()
        .verify_headers(&headers(values))
        .await
        .map(|_| ())
}

#[tokio::test]
async fn r5_scheme_is_case_insensitive_with_one_or_more_spaces() {
    let token = google().token(&claims());
    for value in [
        format!("Bearer {token}"),
        format!("bearer {token}"),
        format!("BEARER {token}"),
        format!("Bearer   {token}"),
    ] {
        header_verdict(&[&value]).await.unwrap();
    }
}

#[tokio::test]
async fn r5_malformed_authorization_headers_are_401() {
    let token = google().token(&claims());
    let cases = [
        (format!("Basic {token}"), AuthError::NotBearer),
        (
            format!("Bearer\t{token}"),
            AuthError::MalformedAuthorizationHeader,
        ),
        (
            format!("Bearer {token} extra"),
            AuthError::MalformedAuthorizationHeader,
        ),
        (
            format!("Bearer {token},x=y"),
            AuthError::MalformedAuthorizationHeader,
        ),
        (
            "Bearer ".to_owned(),
            AuthError::MalformedAuthorizationHeader,
        ),
        ("Bearer".to_owned(), AuthError::MalformedAuthorizationHeader),
        (format!(" Bearer {token}"), AuthError::NotBearer),
        (token.clone(), AuthError::MalformedAuthorizationHeader),
    ];
    for (value, reason) in cases {
        let err = header_verdict(&[&value]).await.unwrap_err();
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(err, reason, "{value}");
    }
}

#[tokio::test]
async fn r5_missing_header_is_401_missing_token() {
    let err = header_verdict(&[]).await.unwrap_err();
    assert_eq!(err, AuthError::MissingToken);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn r5_two_authorization_headers_are_401_even_if_both_are_valid() {
    let token = format!("Bearer {}", google().token(&claims()));
    let err = header_verdict(&[&token, &token]).await.unwrap_err();
    assert_eq!(err, AuthError::MultipleAuthorizationHeaders);
}

#[tokio::test]
async fn r6_oversized_header_is_refused_before_parsing() {
    let value = format!("Bearer {}", "a".repeat(64 * 1024));
    let err = header_verdict(&[&value]).await.unwrap_err();
    assert_eq!(err, AuthError::TokenTooLong);
}

#[tokio::test]
async fn configuration_requires_audience_and_email() {
    let keys = KeySet::from_jwks_json(jwks(&[&google()]).to_string().as_bytes()).unwrap();
    let no_aud = OidcConfig::new()
        .allowed_email(TEST_EMAIL)
        .key_source(keys.clone());
    assert!(no_aud.build().is_err());
    let no_email = OidcConfig::new().audience(TEST_AUDIENCE).key_source(keys);
    assert!(no_email.build().is_err());
}

#[test]
fn r20_crypto_backend_is_compiled_in() {
    // Signing and verifying a real token must work (no backend chosen at run time).
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let claims = rt
        .block_on(verifier().verify_token(&google().token(&claims())))
        .unwrap();
    assert!(claims.signature_verified);
}

#[test]
fn secure_by_default_building_requires_an_auth_choice() {
    use gcp_events_core::{ConfigError, EventService};
    let none = EventService::builder().build().unwrap_err();
    assert_eq!(none, ConfigError::NoAuthentication);
    assert!(none.to_string().contains("allow_unauthenticated"));
    EventService::builder()
        .allow_unauthenticated()
        .build()
        .unwrap();
    EventService::builder().oidc(config()).build().unwrap();
    let key = gcp_events_core::auth::signed_url::UrlSigningKey::new([1u8; 32]).unwrap();
    EventService::builder()
        .signed_urls(key.clone())
        .build()
        .unwrap();
    // Both together: both are required, which is allowed.
    EventService::builder()
        .oidc(config())
        .signed_urls(key.clone())
        .build()
        .unwrap();
    // Contradictory choices are refused rather than silently resolved.
    assert!(matches!(
        EventService::builder()
            .oidc(config())
            .allow_unauthenticated()
            .build(),
        Err(ConfigError::Auth(_))
    ));
    // An incomplete OIDC configuration fails the service build, not the first request.
    assert!(EventService::builder()
        .oidc(OidcConfig::new().allowed_email(TEST_EMAIL))
        .build()
        .is_err());
}

/// A writer that keeps everything logged, to search it for secrets.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures everything logged at `level` or above on this thread, until the guard drops.
    fn start(level: tracing::Level) -> (Self, tracing::subscriber::DefaultGuard) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(captured.clone())
            .finish();
        (
            captured.clone(),
            tracing::subscriber::set_default(subscriber),
        )
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a5_r15_tokens_and_signed_url_tokens_never_reach_the_logs() {
    use gcp_events_core::auth::signed_url::UrlSigningKey;
    use gcp_events_core::{handler_fn, EventService};
    use http_body_util::Full;

    let (captured, _guard) = Captured::start(tracing::Level::TRACE);

    let key = UrlSigningKey::new([3u8; 32]).unwrap();
    let service = EventService::builder()
        .oidc(config())
        .signed_urls(key.clone())
        .debug(true)
        .handler(handler_fn(|_event| async move { Ok(()) }))
        .build()
        .unwrap();
    let good = google().token(&claims());
    let forged = TestSigner::attacker(KID).token(&claims());
    let url = gcp_events_core::event_url::event_url("k", "r")
        .base_url("")
        .signed(&key)
        .build()
        .unwrap();
    let sig = url.split("gcp_events_sig=").nth(1).unwrap().to_owned();
    for (token, target, status) in [
        (&good, url.clone(), 201),
        (&forged, url.clone(), 401),
        (
            &good,
            "/gcp-events/events/k/r?gcp_events_sig=v1.-.AAAA".to_owned(),
            401,
        ),
    ] {
        let request = http::Request::post(target)
            .header("host", "localhost")
            .header("authorization", format!("Bearer {token}"))
            .body(Full::new(bytes::Bytes::from_static(b"{}")))
            .unwrap();
        let response = service.handle(request).await;
        assert_eq!(response.status(), status);
    }
    let logs = captured.text();
    assert!(logs.contains("event request done"), "logging was captured");
    for secret in [good.as_str(), forged.as_str(), sig.as_str(), "v1.-.AAAA"] {
        let signature = secret.rsplit('.').next().unwrap();
        assert!(!logs.contains(signature), "a secret reached the logs");
    }
}

/// A wrong audience is the usual push misconfiguration (Pub/Sub's default audience is the full
/// push URL): the warning names the `aud` that arrived and the ones expected, never the token.
#[tokio::test]
async fn a_wrong_audience_is_logged_with_what_arrived_and_what_was_expected() {
    let (captured, _guard) = Captured::start(tracing::Level::WARN);
    let pushed_to = "https://my-service.a.run.app/gcp-events/events/order/1?tenant=acme";
    let token = google().token(&with(claims(), "aud", json!(pushed_to)));
    assert_eq!(verdict(&token).await, Err(AuthError::WrongAudience));
    let logs = captured.text();
    assert!(
        logs.contains(pushed_to),
        "the received aud is named: {logs}"
    );
    assert!(
        logs.contains(TEST_AUDIENCE),
        "the expected aud is named: {logs}"
    );
    let signature = token.rsplit('.').next().unwrap();
    assert!(
        !logs.contains(signature),
        "the token never reaches the logs"
    );
}

#[tokio::test]
async fn r18_a_remembered_token_is_still_checked_against_the_clock() {
    let clock = TestClock::at(now());
    let v = config().clock(clock.clone()).build().unwrap();
    let token = google().token(&claims());
    let first = v.verify_token(&token).await.unwrap();
    // The second time comes from the verified-token cache: same claims.
    assert_eq!(v.verify_token(&token).await.unwrap(), first);
    // An hour and a bit later the same token has expired, cache or not.
    clock.advance(Duration::from_secs(3600 + 61));
    assert_eq!(
        v.verify_token(&token).await.unwrap_err(),
        AuthError::Expired
    );
    // A token that failed is never remembered as good.
    let forged = TestSigner::attacker(KID).token(&claims());
    for _ in 0..2 {
        assert_eq!(
            v.verify_token(&forged).await.unwrap_err(),
            AuthError::BadSignature
        );
    }
}

#[tokio::test]
async fn r8_only_rs256_signing_keys_are_taken_from_the_jwks() {
    let good = google().jwk();
    let with = |key: &str, value: Value| {
        let mut jwk = good.clone();
        jwk[key] = value;
        jwk
    };
    let mut no_kid = good.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let doc = json!({"keys": [
        with("kid", json!("ok")),
        with("kty", json!("EC")),
        with("alg", json!("RS512")),
        with("use", json!("enc")),
        with("kid", json!("")),
        no_kid,
        with("n", json!("not base64!")),
        with("n", json!("AQAB")), // a 24-bit modulus
    ]});
    let with_keys = |doc: Value| {
        config()
            .key_source(KeySet::from_jwks_json(doc.to_string().as_bytes()).unwrap())
            .build()
            .unwrap()
    };
    // Every entry holds the same RSA key; only the one that is a usable RS256 signing key
    // ("ok") verifies, the others' kid (KID) is unknown.
    let v = with_keys(doc);
    v.verify_token(&TestSigner::google("ok").token(&claims()))
        .await
        .unwrap();
    assert_eq!(
        v.verify_token(&google().token(&claims()))
            .await
            .unwrap_err(),
        AuthError::UnknownKeyId
    );
    // `alg` and `use` may be absent.
    let mut bare = good.clone();
    bare.as_object_mut().unwrap().remove("alg");
    bare.as_object_mut().unwrap().remove("use");
    let v = with_keys(json!({"keys": [bare]}));
    v.verify_token(&google().token(&claims())).await.unwrap();
}

#[tokio::test]
async fn oidc_follows_the_services_clock_unless_it_has_its_own() {
    // A1 with EventServiceBuilder::clock: a token valid at the service's time is accepted,
    // the same token an hour and more later is expired.
    use gcp_events_core::testing::Recorder;
    use gcp_events_core::EventService;
    let token = google().token(&claims());
    let service_at = |clock: TestClock| {
        EventService::builder()
            .oidc(
                OidcConfig::new()
                    .audience(TEST_AUDIENCE)
                    .allowed_email(TEST_EMAIL)
                    .key_source(
                        KeySet::from_jwks_json(jwks(&[&google()]).to_string().as_bytes()).unwrap(),
                    ),
            )
            .clock(clock)
            .handler(Recorder::new())
            .build()
            .unwrap()
    };
    let request = || {
        http::Request::post("/gcp-events/events/k/r")
            .header("host", "localhost")
            .header("authorization", format!("Bearer {token}"))
            .body(String::from("{}"))
            .unwrap()
    };
    assert_eq!(
        service_at(TestClock::at(now()))
            .handle(request())
            .await
            .status(),
        201
    );
    let later = TestClock::at(now() + Duration::from_secs(2 * 3600));
    assert_eq!(service_at(later).handle(request()).await.status(), 401);
}

#[test]
fn reason_codes_are_stable() {
    // The codes are what logs and debug-mode `detail` show: renaming one is a breaking change.
    for (error, code) in [
        (AuthError::MissingToken, "missing_token"),
        (AuthError::NotBearer, "not_a_bearer_token"),
        (
            AuthError::MultipleAuthorizationHeaders,
            "multiple_authorization_headers",
        ),
        (
            AuthError::MalformedAuthorizationHeader,
            "malformed_authorization_header",
        ),
        (AuthError::TokenTooLong, "token_too_long"),
        (AuthError::NotThreeSegments, "not_three_segments"),
        (AuthError::MalformedHeader, "malformed_header"),
        (AuthError::MalformedPayload, "malformed_payload"),
        (AuthError::MalformedSignature, "malformed_signature"),
        (AuthError::HeaderNotJsonObject, "header_not_json_object"),
        (AuthError::PayloadNotJsonObject, "payload_not_json_object"),
        (AuthError::AlgorithmNotAllowed, "algorithm_not_allowed"),
        (
            AuthError::CriticalHeaderUnsupported,
            "critical_header_unsupported",
        ),
        (AuthError::KeyIdMissing, "key_id_missing"),
        (AuthError::SignatureRemoved, "signature_removed"),
        (AuthError::UnknownKeyId, "unknown_key_id"),
        (AuthError::BadSignature, "bad_signature"),
        (AuthError::ExpiryMissing, "expiry_missing"),
        (AuthError::IssuedAtMissing, "issued_at_missing"),
        (AuthError::TimeClaimNotNumeric, "time_claim_not_numeric"),
        (AuthError::Expired, "expired"),
        (AuthError::IssuedInFuture, "issued_in_future"),
        (AuthError::IssuedAfterExpiry, "issued_after_expiry"),
        (AuthError::LifetimeTooLong, "lifetime_too_long"),
        (AuthError::NotYetValid, "not_yet_valid"),
        (AuthError::WrongIssuer, "wrong_issuer"),
        (AuthError::AudienceNotAString, "audience_not_a_string"),
        (AuthError::WrongAudience, "wrong_audience"),
        (AuthError::EmailNotVerified, "email_not_verified"),
        (AuthError::EmailNotAllowed, "email_not_allowed"),
        (AuthError::SubjectNotAllowed, "subject_not_allowed"),
        (AuthError::KeysUnavailable, "key_source_unavailable"),
    ] {
        assert_eq!(error.reason(), code, "{error:?}");
        assert_eq!(error.to_string(), code, "{error:?}");
        let expected = match code {
            "missing_token" | "not_a_bearer_token" => StatusCode::UNAUTHORIZED,
            c if c.starts_with("email") || c.starts_with("subject") => StatusCode::FORBIDDEN,
            "key_source_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(error.status(), expected, "{error:?}");
    }
}

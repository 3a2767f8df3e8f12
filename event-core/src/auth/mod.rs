//! Authenticated push: verifying the Google-signed OIDC token that Pub/Sub authenticated push
//! and Eventarc put in `Authorization: Bearer …` (SPEC A1–A5).
//!
//! An [`EventService`](crate::EventService) must be told how requests are authenticated: with
//! [`OidcConfig`] (this module), with signed event URLs
//! ([`signed_url`](crate::auth::signed_url)), both, or — explicitly and loudly — not at all
//! ([`EventServiceBuilder::allow_unauthenticated`](crate::EventServiceBuilder::allow_unauthenticated)).
//!
//! # What is checked, in this order (all must pass)
//! 1. Exactly one `Authorization` field, scheme `Bearer` (any case), one or more spaces, one
//!    token of base64url characters; at most 8 KiB bytes, before any
//!    decoding.
//! 2. Three segments, each strict unpadded base64url; header and payload are JSON objects.
//! 3. Header `alg` is `RS256` (fixed by the library, never taken from the token), `kid` present,
//!    no `crit`.
//! 4. The signature verifies (RSASSA-PKCS1-v1_5 SHA-256, 2048–8192-bit key) with the key whose
//!    `kid` matches, from the JWKS (Google's by default). Keys are cached for the response's
//!    `max-age` minus `Age` (60 s to 24 h); a stale set keeps answering while one refresh runs in
//!    the background, and a failed refresh keeps the old keys. An unknown `kid` triggers one
//!    refresh (single flight, at most once per 30 s); if no key set can be had it is a 503.
//!    A token verified once is remembered by its SHA-256 digest, so the RSA check runs once per
//!    token (Pub/Sub reuses one for up to an hour); its times are still checked every request.
//! 5. `iss` is `https://accounts.google.com` or `accounts.google.com`; `aud` is a string equal to
//!    a configured audience (never derived from the request; arrays are refused).
//! 6. `exp` and `iat` are JSON numbers; `now ≤ exp + leeway`, `iat ≤ now + leeway`,
//!    `iat ≤ exp`, `exp − now ≤ 24 h`; `nbf`, when present, `≤ now + leeway`.
//! 7. `email_verified` is JSON `true` and `email` is in the allow-list (exact match); optionally
//!    `sub` in a subject allow-list.
//!
//! Steps 1–6 failing answer **401** with `WWW-Authenticate: Bearer` (plus
//! `error="invalid_token"` when a token was sent); step 7 failing answers **403**; no key
//! obtainable for the token's `kid` answers **503** with `Retry-After`. Nothing is dispatched
//! in any of these cases, and neither the token nor its claims appear in the response or logs
//! (only a reason code, and in logs the `kid`, `iss`, `aud` and `email`).
//!
//! # Cloud Run with IAM authentication
//! When Cloud Run checks the invoker itself (`--no-allow-unauthenticated`), it verifies the
//! token and forwards it with the signature replaced by `SIGNATURE_REMOVED_BY_GOOGLE`, so
//! verifying the signature again always fails. [`OidcMode::TrustCloudRunIam`] accepts exactly
//! that marker instead of a signature — and still applies every claim check — while a token
//! that does carry a signature is verified normally. It is never chosen automatically: on a
//! publicly reachable service anyone can send a token with that marker.
//!
//! ```
//! use gcp_events_core::auth::{KeySet, OidcConfig};
//! use gcp_events_core::{handler_fn, EventService};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let jwks = br#"{"keys":[]}"#;
//! let service = EventService::builder()
//!     .oidc(
//!         OidcConfig::new()
//!             .audience("https://events.example.com/gcp-events/events")
//!             .allowed_email("push@my-project.iam.gserviceaccount.com")
//!             // With the `jwks-http` feature the keys come from Google by default; here a
//!             // fixed set stands in for it.
//!             .key_source(KeySet::from_jwks_json(jwks)?),
//!     )
//!     .handler(handler_fn(|event| async move {
//!         let caller = event.context().claims.as_ref().map(|c| c.email.clone());
//!         println!("{} from {caller:?}", event.kind());
//!         Ok(())
//!     }))
//!     .build()?;
//! # let _ = service;
//! # Ok(())
//! # }
//! ```

mod error;
#[cfg(feature = "jwks-http")]
mod http_source;
mod keys;
pub mod signed_url;
mod token;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use error::{AuthConfigError, AuthError};
#[cfg(feature = "jwks-http")]
use http_source::HttpKeySource;
pub use keys::{KeySet, KeySource, KeySourceError};
pub use token::VerifiedClaims;

use keys::KeyCache;

/// Google's JWKS URL, the default key source (with the `jwks-http` feature).
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// The two `iss` values Google's ID tokens carry.
const GOOGLE_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// Default clock leeway applied to `exp`, `iat` and `nbf`: 60 s.
const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// Default cap on the token's length, checked before any decoding: 8 KiB (Google's are ~1 KB).
const DEFAULT_MAX_TOKEN_LENGTH: usize = 8 * 1024;

/// Default shortest interval between two key refreshes: 30 s.
const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(30);

/// The signature segment Cloud Run puts in place of the real one after checking it itself.
pub const SIGNATURE_REMOVED_BY_GOOGLE: &str = "SIGNATURE_REMOVED_BY_GOOGLE";

/// The time source for token checks and the key cache; injectable for tests.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock (the default).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// How the token's signature is established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidcMode {
    /// Verify the signature with the JWKS keys (the default; for services deployed with
    /// `--allow-unauthenticated`, Pub/Sub push to any HTTPS endpoint, Eventarc).
    #[default]
    VerifySignature,
    /// Behind Cloud Run IAM authentication: accept a signature segment of exactly
    /// [`SIGNATURE_REMOVED_BY_GOOGLE`] without verifying it (Cloud Run already did); verify any
    /// real signature as usual; check every claim either way. Only safe when the service is
    /// reachable solely through Cloud Run's IAM check.
    TrustCloudRunIam,
}

/// OIDC verification settings (SPEC A1–A4). At least one audience and one allowed e-mail are
/// required; [`EventServiceBuilder::build`](crate::EventServiceBuilder::build) refuses a
/// configuration without them.
#[derive(Clone)]
pub struct OidcConfig {
    pub(crate) audiences: Vec<String>,
    pub(crate) allowed_emails: Vec<String>,
    pub(crate) allowed_subjects: Vec<String>,
    pub(crate) leeway: Duration,
    pub(crate) max_token_length: usize,
    pub(crate) mode: OidcMode,
    pub(crate) key_source: Option<Arc<dyn KeySource>>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) min_refresh_interval: Duration,
    pub(crate) fallback_ttl: Duration,
    pub(crate) max_ttl: Duration,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("audiences", &self.audiences)
            .field("allowed_emails", &self.allowed_emails)
            .field("allowed_subjects", &self.allowed_subjects)
            .field("leeway", &self.leeway)
            .field("max_token_length", &self.max_token_length)
            .field("mode", &self.mode)
            .field("key_source", &self.key_source.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl OidcConfig {
    /// The time now, by the configured clock (the system's when none is set).
    pub(crate) fn now(&self) -> SystemTime {
        self.clock
            .as_ref()
            .map_or_else(SystemTime::now, |c| c.now())
    }

    /// Uses `clock` unless [`clock`](Self::clock) chose one: the service's own clock.
    pub(crate) fn or_clock(mut self, clock: &Arc<dyn Clock>) -> Self {
        self.clock.get_or_insert_with(|| Arc::clone(clock));
        self
    }

    /// Defaults: keys from [`GOOGLE_JWKS_URL`] (with the `jwks-http` feature; without it, set
    /// [`key_source`](Self::key_source)), leeway 60 s, token cap 8 KiB, signature verified.
    pub fn new() -> Self {
        Self {
            audiences: Vec::new(),
            allowed_emails: Vec::new(),
            allowed_subjects: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            max_token_length: DEFAULT_MAX_TOKEN_LENGTH,
            mode: OidcMode::VerifySignature,
            key_source: None,
            clock: None,
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            fallback_ttl: Duration::from_secs(3600),
            max_ttl: Duration::from_secs(24 * 3600),
        }
    }

    /// Adds an accepted audience: the exact `aud` string the push subscription was configured
    /// with (by default Pub/Sub uses the full push endpoint URL, query included). Compared
    /// exactly, case-sensitively; never derived from the request.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Adds an allowed caller: the e-mail of the service account the push subscription (or
    /// Eventarc trigger) signs tokens as. Compared exactly.
    pub fn allowed_email(mut self, email: impl Into<String>) -> Self {
        self.allowed_emails.push(email.into());
        self
    }

    /// Optionally pins the `sub` claim too (the service account's numeric id); once any subject
    /// is added, a token whose `sub` is not listed answers 403.
    pub fn allowed_subject(mut self, subject: impl Into<String>) -> Self {
        self.allowed_subjects.push(subject.into());
        self
    }

    /// Clock leeway for `exp`, `iat` and `nbf` (default 60 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Longest token accepted, checked before decoding (default 8 KiB).
    pub fn max_token_length(mut self, bytes: usize) -> Self {
        self.max_token_length = bytes;
        self
    }

    /// How the signature is established (default [`OidcMode::VerifySignature`]).
    pub fn mode(mut self, mode: OidcMode) -> Self {
        self.mode = mode;
        self
    }

    /// Where the signing keys come from (default: Google's JWKS over HTTPS, with the
    /// `jwks-http` feature). A [`KeySet`] is a fixed set; `HttpKeySource` (feature `jwks-http`) fetches a URL.
    pub fn key_source(mut self, source: impl KeySource) -> Self {
        self.key_source = Some(Arc::new(source));
        self
    }

    /// Fetches keys from this JWKS URL instead of Google's (HTTPS, or HTTP on a loopback
    /// address for tests).
    #[cfg(feature = "jwks-http")]
    pub fn jwks_url(self, url: &str) -> Result<Self, AuthConfigError> {
        Ok(self.key_source(HttpKeySource::new(url)?))
    }

    /// The time source (default: the service's [clock](crate::EventServiceBuilder::clock), else
    /// the system clock); inject a fixed clock in tests.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Shortest interval between two key refreshes, whatever the cause (default 30 s).
    pub fn min_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// Checks the settings and builds the verifier (its key cache starts empty).
    pub fn build(self) -> Result<OidcVerifier, AuthConfigError> {
        if self.audiences.iter().any(|a| a.is_empty())
            || self.allowed_emails.iter().any(|e| e.is_empty())
        {
            return Err(AuthConfigError::EmptyAudienceOrEmail);
        }
        if self.audiences.is_empty() {
            return Err(AuthConfigError::NoAudience);
        }
        if self.allowed_emails.is_empty() {
            return Err(AuthConfigError::NoAllowedEmail);
        }
        if self.max_token_length == 0 {
            return Err(AuthConfigError::ZeroMaxTokenLength);
        }
        let source = match self.key_source.clone() {
            Some(s) => s,
            None => default_source()?,
        };
        let cache = Arc::new(KeyCache::new(
            source,
            self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock)),
            self.min_refresh_interval,
            self.fallback_ttl,
            self.max_ttl,
        ));
        Ok(OidcVerifier {
            inner: Arc::new(VerifierInner {
                config: self,
                cache,
                verified: std::sync::Mutex::new(std::collections::HashMap::new()),
            }),
        })
    }
}

#[cfg(feature = "jwks-http")]
fn default_source() -> Result<Arc<dyn KeySource>, AuthConfigError> {
    Ok(Arc::new(HttpKeySource::new(GOOGLE_JWKS_URL)?))
}

#[cfg(not(feature = "jwks-http"))]
fn default_source() -> Result<Arc<dyn KeySource>, AuthConfigError> {
    Err(AuthConfigError::NoKeySource)
}

/// Verifies push tokens (built from [`OidcConfig::build`]); holds the key cache. Cheap to clone.
///
/// The [`EventService`](crate::EventService) uses it for every request; it can also be used on
/// its own, e.g. to protect another route.
#[derive(Clone)]
pub struct OidcVerifier {
    inner: Arc<VerifierInner>,
}

struct VerifierInner {
    config: OidcConfig,
    cache: Arc<KeyCache>,
    /// Tokens already verified, by SHA-256 of the token (research R18): Pub/Sub reuses one
    /// token for up to an hour, and the RSA check is most of a request's cost. Only successes
    /// are kept, bounded; the time checks run again on every hit.
    verified: std::sync::Mutex<std::collections::HashMap<[u8; 32], VerifiedClaims>>,
}

/// How many verified tokens are remembered (a push subscription uses one at a time).
const VERIFIED_CACHE_SIZE: usize = 1024;

impl std::fmt::Debug for OidcVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcVerifier")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl OidcVerifier {
    /// Checks a request's `Authorization` header(s) and the token in it.
    pub async fn verify_headers(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<VerifiedClaims, AuthError> {
        let token = token::bearer_token(headers, self.inner.config.max_token_length)?;
        self.verify_token(token).await
    }

    /// Checks one token (the part after `Bearer `).
    ///
    /// A token verified before is recognised by its SHA-256 digest and not verified again, but
    /// its `exp`/`iat` are checked against the clock every time.
    pub async fn verify_token(&self, token: &str) -> Result<VerifiedClaims, AuthError> {
        let config = &self.inner.config;
        if token.len() > config.max_token_length {
            return Err(AuthError::TokenTooLong);
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(digest.as_ref());
        let remembered = self.verified().get(&key).cloned();
        if let Some(claims) = remembered {
            let key_still_published =
                !claims.signature_verified || self.inner.cache.holds(&claims.key_id);
            if key_still_published && token::check_times(config, &claims.claims).is_ok() {
                return Ok(claims);
            }
            self.verified().remove(&key);
        }
        let claims = token::verify(config, &self.inner.cache, token).await?;
        let mut verified = self.verified();
        if verified.len() >= VERIFIED_CACHE_SIZE {
            verified.clear();
        }
        verified.insert(key, claims.clone());
        Ok(claims)
    }

    fn verified(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<[u8; 32], VerifiedClaims>> {
        self.inner
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Fetches the keys now, so the first request does not wait for them. A failure is
    /// returned (and can be ignored): requests retry the fetch themselves.
    pub async fn warm_up(&self) -> Result<(), KeySourceError> {
        self.inner.cache.warm_up().await
    }

    /// Resolves once no key refresh is running. A request that finds the keys stale is answered
    /// with them at once and refreshes them in the background (on the current Tokio runtime);
    /// this waits for such a refresh, e.g. in tests or before shutting down.
    pub async fn refresh_idle(&self) {
        self.inner.cache.idle().await;
    }
}

#[cfg(all(test, feature = "test-util"))]
mod tests {
    use super::*;
    use crate::testing::auth::{
        jwks, push_claims, TestClock, TestSigner, TEST_AUDIENCE, TEST_EMAIL,
    };

    #[tokio::test]
    async fn only_verified_tokens_are_remembered() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let signer = TestSigner::google("k");
        let keys = KeySet::from_jwks_json(jwks(&[&signer]).to_string().as_bytes()).unwrap();
        let verifier = OidcConfig::new()
            .audience(TEST_AUDIENCE)
            .allowed_email(TEST_EMAIL)
            .key_source(keys)
            .clock(TestClock::at(now))
            .build()
            .unwrap();
        let good = signer.token(&push_claims(now));
        let forged = TestSigner::attacker("k").token(&push_claims(now));
        assert!(verifier.verify_token(&forged).await.is_err());
        assert!(
            verifier.verified().is_empty(),
            "a failure is never remembered"
        );
        verifier.verify_token(&good).await.unwrap();
        verifier.verify_token(&good).await.unwrap();
        assert_eq!(
            verifier.verified().len(),
            1,
            "the same token is remembered once"
        );
        // (A remembered token whose key is rotated out: jwks.rs,
        // r16_a_key_removed_from_the_set_is_no_longer_accepted.)
    }
}

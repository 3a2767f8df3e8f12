//! Authenticated push: verifying the Google-signed OIDC token that Pub/Sub authenticated push
//! and Eventarc put in `Authorization: Bearer …`.
//!
//! An [`EventService`](crate::EventService) must be told how requests are authenticated: with
//! [`OidcConfig`] (this module), with signed event URLs
//! ([`signed_url`]), both, or — explicitly and loudly — not at all
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

mod cache;
mod config;
mod error;
#[cfg(feature = "jwks-http")]
mod http_source;
mod keys;
pub mod signed_url;
mod token;
mod verifier;

use std::time::{Duration, SystemTime};

pub use config::OidcConfig;
pub use error::{AuthConfigError, AuthError};
pub use keys::{KeySet, KeySource, KeySourceError};
pub use token::VerifiedClaims;
pub use verifier::OidcVerifier;

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

/// The time source for every time check — OIDC token times, the key cache, signed-URL
/// expiry — set on the service with
/// [`EventServiceBuilder::clock`](crate::EventServiceBuilder::clock) (or for OIDC alone with
/// [`OidcConfig::clock`]); injectable for tests.
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

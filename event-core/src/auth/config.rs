//! [`OidcConfig`]: what a push token must be to be accepted.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

#[cfg(feature = "jwks-http")]
use super::http_source::HttpKeySource;
#[cfg(feature = "jwks-http")]
use super::GOOGLE_JWKS_URL;
use super::{
    AuthConfigError, Clock, KeySource, OidcMode, DEFAULT_LEEWAY, DEFAULT_MAX_TOKEN_LENGTH,
    DEFAULT_MIN_REFRESH_INTERVAL,
};

/// OIDC verification settings. At least one audience and one allowed e-mail are
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

    /// Defaults: keys from Google's JWKS, `GOOGLE_JWKS_URL` (with the `jwks-http` feature; without it, set
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
    /// `jwks-http` feature). A [`KeySet`](super::KeySet) is a
    /// fixed set; `jwks_url` (feature `jwks-http`) fetches another URL.
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
}

#[cfg(feature = "jwks-http")]
pub(super) fn default_source() -> Result<Arc<dyn KeySource>, AuthConfigError> {
    Ok(Arc::new(HttpKeySource::new(GOOGLE_JWKS_URL)?))
}

#[cfg(not(feature = "jwks-http"))]
pub(super) fn default_source() -> Result<Arc<dyn KeySource>, AuthConfigError> {
    Err(AuthConfigError::NoKeySource)
}

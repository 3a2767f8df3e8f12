//! Why a `GCP_EVENTS_*` setting was refused.

use crate::auth::signed_url::SignedUrlError;
#[cfg(feature = "jwks-http")]
use crate::auth::AuthConfigError;

/// Why the settings were refused: each names the variable and what it accepts. The signed-URL
/// key and URL credentials never appear in the message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A `GCP_EVENTS_*` name that no setting has (a misspelling must not leave a service open).
    #[error("unknown setting {0}; the settings are {known}", known = super::KNOWN_SETTINGS.join(", "))]
    Unknown(String),
    /// One of `GCP_EVENTS_AUDIENCE` and `GCP_EVENTS_ALLOWED_EMAILS` without the other.
    #[error("set both GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS to verify push tokens (or neither)")]
    HalfOidc,
    /// On Cloud Run (`K_SERVICE` set) with no authentication setting and no
    /// `GCP_EVENTS_ALLOW_UNAUTHENTICATED=true`: a service deployed without its variables.
    #[error("no authentication is set on Cloud Run: set GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS (OIDC) or GCP_EVENTS_URL_KEY, or GCP_EVENTS_ALLOW_UNAUTHENTICATED=true to accept anyone")]
    NoAuthOnCloudRun,
    /// `GCP_EVENTS_ALLOW_UNAUTHENTICATED=true` together with authentication settings.
    #[error(
        "GCP_EVENTS_ALLOW_UNAUTHENTICATED=true contradicts the authentication settings: choose one"
    )]
    AuthAndNoAuth,
    /// An OIDC-only setting without OIDC.
    #[error("{0} is an OIDC setting: set GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS too")]
    OidcOnly(&'static str),
    /// A number setting that is not a whole number.
    #[error("{name}={value:?} is not a whole number")]
    NotANumber {
        /// The variable.
        name: &'static str,
        /// What it held.
        value: String,
    },
    /// A yes-or-no setting (`GCP_EVENTS_TRUST_CLOUD_RUN_IAM`,
    /// `GCP_EVENTS_ALLOW_UNAUTHENTICATED`) that is neither.
    #[error("{name}={value:?}: use `true` or `false`")]
    NotABoolean {
        /// The variable.
        name: &'static str,
        /// What it held.
        value: String,
    },
    /// `GCP_EVENTS_URL_KEY` is not a usable key.
    #[error("GCP_EVENTS_URL_KEY: {0}")]
    UrlKey(SignedUrlError),
    /// `GCP_EVENTS_JWKS_URL` is not a usable key URL.
    #[cfg(feature = "jwks-http")]
    #[error("GCP_EVENTS_JWKS_URL: {0}")]
    JwksUrl(AuthConfigError),
    /// `GCP_EVENTS_IDEMPOTENCY` is neither `memory` nor a Redis URL (credentials in it are
    /// replaced by `***`).
    #[error("GCP_EVENTS_IDEMPOTENCY={0:?}: use `memory` or a redis://host:port/ URL")]
    Idempotency(String),
    /// Redis could not be reached at start.
    #[error("GCP_EVENTS_IDEMPOTENCY: cannot use Redis: {0}")]
    Redis(String),
    /// `GCP_EVENTS_POSTGRES` is not a `postgres://` URL (credentials in it are replaced by
    /// `***`).
    #[error("GCP_EVENTS_POSTGRES={0:?}: use a postgres://user@host:port/database URL")]
    Postgres(String),
    /// PostgreSQL could not be reached at start, or its inbox table not made.
    #[error("GCP_EVENTS_POSTGRES: cannot use PostgreSQL: {0}")]
    PostgresUnavailable(String),
    /// `GCP_EVENTS_METRICS` is not `prometheus`.
    #[error("GCP_EVENTS_METRICS={0:?}: use `prometheus` (or leave it unset)")]
    Metrics(String),
    /// `GCP_EVENTS_LOG_FORMAT` is neither `text` nor `json`.
    #[error("GCP_EVENTS_LOG_FORMAT={0:?}: use `text` or `json`")]
    LogFormat(String),
    /// A setting that needs a feature of `gcp-events-core` that is off.
    #[error("{0} needs the `{1}` feature of gcp-events-core")]
    NeedsFeature(&'static str, &'static str),
}

impl SettingsError {
    pub(super) fn not_a_number(name: &'static str, value: &str) -> Self {
        Self::NotANumber {
            name,
            value: value.to_owned(),
        }
    }
}

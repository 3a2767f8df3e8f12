//! Reading single setting values: flags, the idempotency store, the key URL.

use super::{IdempotencySetting, SettingsError};
use crate::auth::OidcConfig;

pub(super) fn flag(name: &'static str, value: Option<&str>) -> Result<bool, SettingsError> {
    match value {
        None | Some("0" | "false" | "FALSE" | "no") => Ok(false),
        Some("1" | "true" | "TRUE" | "yes") => Ok(true),
        Some(other) => Err(SettingsError::NotABoolean {
            name,
            value: other.to_owned(),
        }),
    }
}

pub(super) fn idempotency(value: &str) -> Result<IdempotencySetting, SettingsError> {
    match value {
        "memory" => Ok(IdempotencySetting::Memory),
        url if url.starts_with("redis://") || url.starts_with("rediss://") => {
            if cfg!(feature = "redis") {
                Ok(IdempotencySetting::Redis(url.to_owned()))
            } else {
                Err(SettingsError::NeedsFeature(
                    "GCP_EVENTS_IDEMPOTENCY",
                    "redis",
                ))
            }
        }
        other => Err(SettingsError::Idempotency(crate::redact::redacted_url(
            other,
        ))),
    }
}

#[cfg(feature = "jwks-http")]
pub(super) fn jwks_url(oidc: OidcConfig, url: &str) -> Result<OidcConfig, SettingsError> {
    oidc.jwks_url(url).map_err(SettingsError::JwksUrl)
}

#[cfg(not(feature = "jwks-http"))]
pub(super) fn jwks_url(_: OidcConfig, _: &str) -> Result<OidcConfig, SettingsError> {
    Err(SettingsError::NeedsFeature(
        "GCP_EVENTS_JWKS_URL",
        "jwks-http",
    ))
}

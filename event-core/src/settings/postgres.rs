//! `GCP_EVENTS_POSTGRES`: the transactional inbox's database.

use super::error::redacted_url;
use super::{Settings, SettingsError};

/// A `postgres://` (or `postgresql://`) URL with a host, or a `host=` parameter (Cloud SQL's
/// socket: `postgres:///orders?host=/cloudsql/project:region:instance&user=app`), checked when the settings are read so
/// that a mistyped one stops the service at start; without the `postgres` feature, an error.
pub(super) fn checked_url(value: &str) -> Result<String, SettingsError> {
    let parsed =
        url::Url::parse(value).map_err(|_| SettingsError::Postgres(redacted_url(value)))?;
    let host = parsed.host_str().is_some_and(|h| !h.is_empty())
        || parsed
            .query_pairs()
            .any(|(name, value)| name == "host" && !value.is_empty());
    if !matches!(parsed.scheme(), "postgres" | "postgresql") || !host {
        return Err(SettingsError::Postgres(redacted_url(value)));
    }
    if cfg!(feature = "postgres") {
        Ok(value.to_owned())
    } else {
        Err(SettingsError::NeedsFeature(
            "GCP_EVENTS_POSTGRES",
            "postgres",
        ))
    }
}

impl Settings {
    /// Connects the transactional inbox named by `GCP_EVENTS_POSTGRES` (getting a connection
    /// bounded by 2 s) and makes its table when missing; `None` when the setting is unset.
    /// Give it to [`EventServiceBuilder::inbox`](crate::EventServiceBuilder::inbox).
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    pub async fn inbox(&self) -> Result<Option<crate::inbox::PgInbox>, SettingsError> {
        let Some(url) = &self.postgres else {
            return Ok(None);
        };
        let unavailable =
            |e: crate::inbox::InboxError| SettingsError::PostgresUnavailable(e.to_string());
        let inbox = crate::inbox::PgInbox::connect(url)
            .await
            .map_err(unavailable)?;
        inbox.setup().await.map_err(unavailable)?;
        Ok(Some(inbox))
    }
}

//! `GCP_EVENTS_POSTGRES`: the transactional inbox's database.

use super::{Settings, SettingsError};

/// A `postgres://` (or `postgresql://`) URL with a host, or a `host=` parameter (Cloud SQL's
/// socket: `postgres:///orders?host=/cloudsql/project:region:instance&user=app`, or with the
/// user and password before the `@`: `postgres://app:pw@/orders?host=/cloudsql/…`), with the
/// pool's own parameters (`max_connections`, `acquire_timeout_ms`) checked, when the settings
/// are read, so that a mistyped one stops the service at start; without the `postgres`
/// feature, an error. Shown redacted in every error.
#[cfg(feature = "postgres")]
pub(super) fn checked_url(value: &str) -> Result<String, SettingsError> {
    crate::inbox::check_url(value)
        .map_err(|_| SettingsError::Postgres(crate::redact::redacted_url(value)))?;
    Ok(value.to_owned())
}

#[cfg(not(feature = "postgres"))]
pub(super) fn checked_url(_: &str) -> Result<String, SettingsError> {
    Err(SettingsError::NeedsFeature(
        "GCP_EVENTS_POSTGRES",
        "postgres",
    ))
}

impl Settings {
    /// Connects the transactional inbox named by `GCP_EVENTS_POSTGRES` (its pool sized by the
    /// URL's `max_connections`, getting a connection bounded by its `acquire_timeout_ms` or
    /// 2 s: see [`PgInbox::connect`](crate::inbox::PgInbox::connect)) and makes its table when
    /// missing; `None` when the setting is unset.
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

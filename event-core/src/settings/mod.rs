//! A service's settings from the environment, as Cloud Run passes them: the `GCP_EVENTS_*`
//! variables, read and checked in one place, with the same names and errors for every service.
//!
//! | variable | meaning |
//! |---|---|
//! | `GCP_EVENTS_AUDIENCE` | OIDC: the exact `aud` of the push subscription or trigger (comma-separated for several) |
//! | `GCP_EVENTS_ALLOWED_EMAILS` | OIDC: allowed service-account e-mails, comma-separated |
//! | `GCP_EVENTS_JWKS_URL` | OIDC: key URL (default Google's; feature `jwks-http`) |
//! | `GCP_EVENTS_TRUST_CLOUD_RUN_IAM` | OIDC: `true` behind Cloud Run IAM, which strips the signature |
//! | `GCP_EVENTS_TASKS_EMAILS` | OIDC: the e-mails Cloud Tasks calls with, comma-separated: only their requests are Cloud Tasks deliveries |
//! | `GCP_EVENTS_SCHEDULER_EMAILS` | OIDC: the e-mails Cloud Scheduler calls with, comma-separated |
//! | `GCP_EVENTS_ALLOW_UNAUTHENTICATED` | `true`: no authentication, said on purpose (on Cloud Run, where `K_SERVICE` is set, settings without authentication are refused unless this says so) |
//! | `GCP_EVENTS_URL_KEY` | signed event URLs: the HMAC key, base64, at least 32 bytes |
//! | `GCP_EVENTS_ATTRIBUTE_HEADERS` | unwrapped push: headers read as attributes, comma-separated; `*` for all but transport and credential headers; none by default |
//! | `GCP_EVENTS_HANDLER_TIMEOUT_MS` | handler deadline in milliseconds: past it `504`, the handlers cancelled |
//! | `GCP_EVENTS_MAX_IN_FLIGHT` | events handled at once; one more is `503` before its body is read |
//! | `GCP_EVENTS_IDEMPOTENCY` | `memory`, or a `redis://host:port/` URL shared by every instance (feature `redis`) |
//! | `GCP_EVENTS_POSTGRES` | a `postgres://` URL for the transactional inbox (feature `postgres`; the application connects with `Settings::inbox`) |
//! | `GCP_EVENTS_METRICS` | `prometheus`: the service should serve its metrics (the exporter is the application's) |
//! | `GCP_EVENTS_LOG_FORMAT` | `text` (default) or `json`, one Cloud Logging object per line |
//!
//! Every value is checked when read: a value that does not parse is an error, never ignored;
//! OIDC needs both the audience and the e-mails (one without the other is an error, not a
//! silent fallback to no authentication); and an unknown `GCP_EVENTS_*` name is an error, so a
//! misspelt setting never leaves a service open by accident. Settings never choose "no
//! authentication" for you: with none of the auth variables set, [`Settings::apply`] leaves the
//! builder as it is, and building it fails until the application says
//! [`allow_unauthenticated`](crate::EventServiceBuilder::allow_unauthenticated) itself.
//!
//! ```
//! use gcp_events_core::settings::Settings;
//! use gcp_events_core::{handler_fn, EventService};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // On Cloud Run: Settings::from_env(). Here, the same variables given explicitly.
//! let settings = Settings::from_vars([
//!     ("GCP_EVENTS_AUDIENCE", "https://orders-abc123-ew.a.run.app"),
//!     ("GCP_EVENTS_ALLOWED_EMAILS", "push@my-project.iam.gserviceaccount.com"),
//!     ("GCP_EVENTS_HANDLER_TIMEOUT_MS", "8000"),
//! ])?;
//! assert!(settings.authenticates());
//! let builder = EventService::builder().handler(handler_fn(|_| async { Ok(()) }));
//! let service = settings.apply(builder).await?.cloud_events_path("/").build()?;
//! # let _ = service;
//!
//! // A misspelt name is refused, naming it.
//! let error = Settings::from_vars([("GCP_EVENTS_AUDIENCES", "x")]).unwrap_err();
//! assert!(error.to_string().starts_with("unknown setting GCP_EVENTS_AUDIENCES"));
//! # Ok(())
//! # }
//! ```

mod error;
mod postgres;
mod values;

use values::{flag, idempotency, jwks_url};

use std::time::Duration;

pub use error::SettingsError;

use crate::auth::signed_url::UrlSigningKey;
use crate::auth::{OidcConfig, OidcMode};
use crate::pubsub::AttributeHeaders;
use crate::EventServiceBuilder;

/// Every `GCP_EVENTS_*` name [`Settings`] reads; any other `GCP_EVENTS_*` name is an error.
pub const KNOWN_SETTINGS: &[&str] = &[
    "GCP_EVENTS_AUDIENCE",
    "GCP_EVENTS_ALLOWED_EMAILS",
    "GCP_EVENTS_JWKS_URL",
    "GCP_EVENTS_TRUST_CLOUD_RUN_IAM",
    "GCP_EVENTS_TASKS_EMAILS",
    "GCP_EVENTS_SCHEDULER_EMAILS",
    "GCP_EVENTS_URL_KEY",
    "GCP_EVENTS_ALLOW_UNAUTHENTICATED",
    "GCP_EVENTS_ATTRIBUTE_HEADERS",
    "GCP_EVENTS_HANDLER_TIMEOUT_MS",
    "GCP_EVENTS_MAX_IN_FLIGHT",
    "GCP_EVENTS_IDEMPOTENCY",
    "GCP_EVENTS_POSTGRES",
    "GCP_EVENTS_METRICS",
    "GCP_EVENTS_LOG_FORMAT",
];

/// How logs are written: `GCP_EVENTS_LOG_FORMAT`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable text (the default); colours only on a terminal.
    #[default]
    Text,
    /// One Cloud Logging JSON object per line (see `cloud_run::init_logging`, feature
    /// `cloud-run`).
    Json,
}

/// Where delivery claims are kept: `GCP_EVENTS_IDEMPOTENCY`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencySetting {
    /// `memory`: one instance's own memory.
    Memory,
    /// A `redis://` URL: one Redis shared by every instance (feature `redis`).
    Redis(String),
}

/// Which metrics exporter the application should serve: `GCP_EVENTS_METRICS`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsSetting {
    /// `prometheus`: Prometheus text, e.g. at `GET /metrics`.
    Prometheus,
}

/// The settings read from `GCP_EVENTS_*` variables, checked. Build one with
/// [`from_env`](Self::from_env) (or [`from_vars`](Self::from_vars) in tests) and apply it to a
/// builder with [`apply`](Self::apply).
#[non_exhaustive]
#[derive(Clone, Default)]
pub struct Settings {
    /// OIDC audiences (`GCP_EVENTS_AUDIENCE`); empty when OIDC is off.
    pub audiences: Vec<String>,
    /// OIDC allowed e-mails (`GCP_EVENTS_ALLOWED_EMAILS`); empty when OIDC is off.
    pub allowed_emails: Vec<String>,
    /// A key URL other than Google's (`GCP_EVENTS_JWKS_URL`).
    pub jwks_url: Option<String>,
    /// `GCP_EVENTS_TRUST_CLOUD_RUN_IAM`: the signature was checked (and stripped) by Cloud Run.
    pub trust_cloud_run_iam: bool,
    /// The service accounts Cloud Tasks calls with (`GCP_EVENTS_TASKS_EMAILS`).
    pub tasks_emails: Vec<String>,
    /// The service accounts Cloud Scheduler calls with (`GCP_EVENTS_SCHEDULER_EMAILS`).
    pub scheduler_emails: Vec<String>,
    /// The signed-URL key (`GCP_EVENTS_URL_KEY`). Never shown by `Debug`.
    pub url_key: Option<UrlSigningKey>,
    /// Headers read as attributes of an unwrapped push (`GCP_EVENTS_ATTRIBUTE_HEADERS`).
    pub attribute_headers: AttributeHeaders,
    /// The handler deadline (`GCP_EVENTS_HANDLER_TIMEOUT_MS`).
    pub handler_timeout: Option<Duration>,
    /// The bound on events in flight (`GCP_EVENTS_MAX_IN_FLIGHT`).
    pub max_in_flight: Option<usize>,
    /// The idempotency store (`GCP_EVENTS_IDEMPOTENCY`).
    pub idempotency: Option<IdempotencySetting>,
    /// The transactional inbox's database (`GCP_EVENTS_POSTGRES`), a checked `postgres://`
    /// URL. `Debug` shows it without its password.
    pub postgres: Option<String>,
    /// The metrics exporter to serve (`GCP_EVENTS_METRICS`).
    pub metrics: Option<MetricsSetting>,
    /// The log format (`GCP_EVENTS_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// `GCP_EVENTS_ALLOW_UNAUTHENTICATED`: no authentication, on purpose.
    pub allow_unauthenticated: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("audiences", &self.audiences)
            .field("allowed_emails", &self.allowed_emails)
            .field("jwks_url", &self.jwks_url)
            .field("trust_cloud_run_iam", &self.trust_cloud_run_iam)
            .field("tasks_emails", &self.tasks_emails)
            .field("scheduler_emails", &self.scheduler_emails)
            .field("url_key", &self.url_key.as_ref().map(|_| "<redacted>"))
            .field("attribute_headers", &self.attribute_headers)
            .field("handler_timeout", &self.handler_timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("idempotency", &self.idempotency)
            .field(
                "postgres",
                &self.postgres.as_deref().map(crate::redact::redacted_url),
            )
            .field("metrics", &self.metrics)
            .field("log_format", &self.log_format)
            .field("allow_unauthenticated", &self.allow_unauthenticated)
            .finish()
    }
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_vars(std::env::vars())
    }

    /// Reads the given variables (name, value) as if they were the environment; other names
    /// than `GCP_EVENTS_*` are ignored, and an empty value counts as unset.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut found = std::collections::BTreeMap::new();
        let mut on_cloud_run = false;
        for (name, value) in vars {
            let name = name.as_ref();
            on_cloud_run |= name == "K_SERVICE";
            if !name.starts_with("GCP_EVENTS_") {
                continue;
            }
            if !KNOWN_SETTINGS.contains(&name) {
                return Err(SettingsError::Unknown(name.to_owned()));
            }
            let value = value.as_ref().trim();
            if !value.is_empty() {
                found.insert(name.to_owned(), value.to_owned());
            }
        }
        let var = |name: &str| found.get(name).map(String::as_str);
        let list = |name: &str| -> Vec<String> {
            var(name)
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let number = |name: &'static str| -> Result<Option<u64>, SettingsError> {
            var(name)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| SettingsError::not_a_number(name, v))
                })
                .transpose()
        };
        let settings = Settings {
            audiences: list("GCP_EVENTS_AUDIENCE"),
            allowed_emails: list("GCP_EVENTS_ALLOWED_EMAILS"),
            jwks_url: var("GCP_EVENTS_JWKS_URL").map(str::to_owned),
            trust_cloud_run_iam: flag(
                "GCP_EVENTS_TRUST_CLOUD_RUN_IAM",
                var("GCP_EVENTS_TRUST_CLOUD_RUN_IAM"),
            )?,
            tasks_emails: list("GCP_EVENTS_TASKS_EMAILS"),
            scheduler_emails: list("GCP_EVENTS_SCHEDULER_EMAILS"),
            url_key: var("GCP_EVENTS_URL_KEY")
                .map(|key| UrlSigningKey::from_base64(key).map_err(SettingsError::UrlKey))
                .transpose()?,
            attribute_headers: match var("GCP_EVENTS_ATTRIBUTE_HEADERS") {
                None => AttributeHeaders::None,
                Some("*") => AttributeHeaders::AllExceptTransport,
                Some(names) => AttributeHeaders::only(names.split(',').map(str::trim)),
            },
            handler_timeout: number("GCP_EVENTS_HANDLER_TIMEOUT_MS")?.map(Duration::from_millis),
            max_in_flight: number("GCP_EVENTS_MAX_IN_FLIGHT")?
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            idempotency: var("GCP_EVENTS_IDEMPOTENCY").map(idempotency).transpose()?,
            postgres: var("GCP_EVENTS_POSTGRES")
                .map(postgres::checked_url)
                .transpose()?,
            metrics: match var("GCP_EVENTS_METRICS") {
                None => None,
                Some("prometheus") => Some(MetricsSetting::Prometheus),
                Some(other) => return Err(SettingsError::Metrics(other.to_owned())),
            },
            allow_unauthenticated: flag(
                "GCP_EVENTS_ALLOW_UNAUTHENTICATED",
                var("GCP_EVENTS_ALLOW_UNAUTHENTICATED"),
            )?,
            log_format: match var("GCP_EVENTS_LOG_FORMAT") {
                None | Some("text") => LogFormat::Text,
                Some("json") => LogFormat::Json,
                Some(other) => return Err(SettingsError::LogFormat(other.to_owned())),
            },
        };
        if settings.allow_unauthenticated && settings.authenticates() {
            return Err(SettingsError::AuthAndNoAuth);
        }
        // A service deployed without its variables must not come up open to the internet.
        if on_cloud_run && !settings.authenticates() && !settings.allow_unauthenticated {
            return Err(SettingsError::NoAuthOnCloudRun);
        }
        if settings.audiences.is_empty() != settings.allowed_emails.is_empty() {
            return Err(SettingsError::HalfOidc);
        }
        if settings.jwks_url.is_some() && settings.audiences.is_empty() {
            return Err(SettingsError::OidcOnly("GCP_EVENTS_JWKS_URL"));
        }
        for (set, name) in [
            (
                settings.trust_cloud_run_iam,
                "GCP_EVENTS_TRUST_CLOUD_RUN_IAM",
            ),
            (!settings.tasks_emails.is_empty(), "GCP_EVENTS_TASKS_EMAILS"),
            (
                !settings.scheduler_emails.is_empty(),
                "GCP_EVENTS_SCHEDULER_EMAILS",
            ),
        ] {
            if set && settings.audiences.is_empty() {
                return Err(SettingsError::OidcOnly(name));
            }
        }
        settings.oidc()?;
        Ok(settings)
    }

    /// Whether these settings authenticate requests (OIDC, signed URLs or both). When they do
    /// not, [`apply`](Self::apply) sets no authentication, and the application decides.
    pub fn authenticates(&self) -> bool {
        !self.audiences.is_empty() || self.url_key.is_some()
    }

    /// Whether the settings can guard a CloudEvents path (such as Eventarc's `/`): OIDC, or no
    /// authentication at all. A signed URL names an event kind, which a CloudEvents path has
    /// not, so signed URLs alone cannot.
    pub fn can_guard_cloud_events(&self) -> bool {
        !self.audiences.is_empty() || self.url_key.is_none()
    }

    /// The OIDC configuration these settings describe, if any.
    pub fn oidc(&self) -> Result<Option<OidcConfig>, SettingsError> {
        if self.audiences.is_empty() {
            return Ok(None);
        }
        let mode = if self.trust_cloud_run_iam {
            OidcMode::TrustCloudRunIam
        } else {
            OidcMode::VerifySignature
        };
        let mut oidc = OidcConfig::new().mode(mode);
        for audience in &self.audiences {
            oidc = oidc.audience(audience.clone());
        }
        for email in &self.allowed_emails {
            oidc = oidc.allowed_email(email.clone());
        }
        if let Some(url) = &self.jwks_url {
            oidc = jwks_url(oidc, url)?;
        }
        Ok(Some(oidc))
    }

    /// Applies every setting to `builder`: authentication (when set), the handler timeout, the
    /// bound on events in flight, idempotency (connecting to Redis, bounded like every store
    /// call) and the unwrapped push's attribute headers. Metrics, the log format and the inbox are
    /// the application's to act on ([`metrics`](Self::metrics), [`log_format`](Self::log_format),
    /// `inbox`, feature `postgres`).
    pub async fn apply(
        &self,
        mut builder: EventServiceBuilder,
    ) -> Result<EventServiceBuilder, SettingsError> {
        if let Some(oidc) = self.oidc()? {
            builder = builder
                .oidc(oidc)
                .cloud_tasks_emails(self.tasks_emails.clone())
                .cloud_scheduler_emails(self.scheduler_emails.clone());
        }
        if let Some(key) = &self.url_key {
            builder = builder.signed_urls(key.clone());
        }
        if self.allow_unauthenticated {
            builder = builder.allow_unauthenticated();
        }
        if let Some(timeout) = self.handler_timeout {
            builder = builder.handler_timeout(timeout);
        }
        if let Some(n) = self.max_in_flight {
            builder = builder.max_in_flight(n);
        }
        match &self.idempotency {
            None => {}
            Some(IdempotencySetting::Memory) => {
                builder = builder.idempotency(crate::idempotency::MemoryStore::default());
            }
            Some(IdempotencySetting::Redis(url)) => builder = redis(builder, url).await?,
        }
        Ok(builder.unwrapped_attribute_headers(self.attribute_headers.clone()))
    }
}

#[cfg(feature = "redis")]
async fn redis(
    builder: EventServiceBuilder,
    url: &str,
) -> Result<EventServiceBuilder, SettingsError> {
    let store = crate::idempotency::RedisStore::connect(url)
        .await
        .map_err(|e| SettingsError::Redis(e.to_string()))?;
    Ok(builder.idempotency(store))
}

#[cfg(not(feature = "redis"))]
async fn redis(_: EventServiceBuilder, _: &str) -> Result<EventServiceBuilder, SettingsError> {
    Err(SettingsError::NeedsFeature(
        "GCP_EVENTS_IDEMPOTENCY",
        "redis",
    ))
}

//! What the example receivers share: the handler that prints each event as one JSON line, the
//! listen address, logging (text or Cloud Logging JSON), metrics (Prometheus), and the shutdown signal. Each `src/bin/*-receiver.rs` only mounts
//! these into its framework.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use gcp_events_core::auth::signed_url::UrlSigningKey;
use gcp_events_core::auth::{OidcConfig, OidcMode};
use gcp_events_core::cloudevents::CloudEventAttributes;
use gcp_events_core::idempotency::{MemoryStore, RedisStore};
use gcp_events_core::pubsub::{AttributeHeaders, DecodedMessage};
use gcp_events_core::{
    async_trait, DeliveryFormat, Event, EventHandler, EventService, EventServiceBuilder,
    HandlerError, HandlerResult,
};
use serde::Serialize;

pub mod logging;

/// Prints each event to stdout as one JSON line:
/// `{"kind":…,"reference":…,"parameters":{…},"format":…,"payload":…,"cloud_event":{…},"pubsub":{…},"caller":{…}}`.
///
/// The payload is the JSON text exactly as received (numbers keep every digit); line breaks
/// between its tokens become spaces so the event stays on one line. `pubsub` is present when
/// the event holds a Pub/Sub message in any format (wrapped push, unwrapped push, Eventarc);
/// `cloud_event` holds the decoded CloudEvent attributes when it arrived as one; a payload that
/// is not JSON is printed as `payload_text` or `payload_base64` instead; `caller` when the request carried a verified OIDC
/// token (its e-mail, subject and audience — never the token). A whole line is written with one locked write, so
/// lines of concurrent events never interleave.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintEvents;

#[derive(Serialize)]
struct Line<'a> {
    kind: &'a str,
    reference: &'a str,
    parameters: &'a BTreeMap<String, String>,
    format: DeliveryFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a serde_json::value::RawValue>,
    /// A payload that is not JSON but is UTF-8 text.
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_text: Option<&'a str>,
    /// A payload that is neither JSON nor text, base64-encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_event: Option<&'a CloudEventAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pubsub: Option<&'a DecodedMessage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caller: Option<Caller<'a>>,
}

/// The verified caller, when the receiver authenticates with OIDC (never the token).
#[derive(Serialize)]
struct Caller<'a> {
    email: &'a str,
    subject: Option<&'a str>,
    audience: &'a str,
    signature_verified: bool,
}

/// The JSON line [`PrintEvents`] prints for `event`.
pub fn event_line(event: &Event) -> Result<String, serde_json::Error> {
    // Line breaks can only stand between tokens (inside strings they are escaped), so turning
    // them into spaces keeps every value exactly as sent.
    let payload = event.payload();
    let flat: String = payload
        .raw()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let json: Option<&serde_json::value::RawValue> = if payload.is_json() {
        Some(serde_json::from_str(&flat)?)
    } else {
        None
    };
    let text = if payload.is_json() {
        None
    } else {
        payload.text()
    };
    let base64 = (!payload.is_json() && text.is_none()).then(|| {
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, payload.bytes())
    });
    serde_json::to_string(&Line {
        kind: event.kind(),
        reference: event.reference(),
        parameters: event.parameters(),
        format: event.context().format,
        payload: json,
        payload_text: text,
        payload_base64: base64,
        cloud_event: event.context().cloud_event.as_ref(),
        pubsub: event.pubsub().ok(),
        caller: event.context().claims.as_ref().map(|c| Caller {
            email: &c.email,
            subject: c.subject.as_deref(),
            audience: &c.audience,
            signature_verified: c.signature_verified,
        }),
    })
}

#[async_trait]
impl EventHandler for PrintEvents {
    async fn handle(&self, event: &Event) -> HandlerResult {
        let mut line = event_line(event)?;
        line.push('\n');
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

/// Fails every event it gets: mounted for the kind `fail`, to show the failure response.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysFail;

#[async_trait]
impl EventHandler for AlwaysFail {
    async fn handle(&self, event: &Event) -> HandlerResult {
        Err(HandlerError::new(format!(
            "events of kind 'fail' always fail (reference {})",
            event.reference()
        )))
    }
}

/// Waits for the `ms` query parameter (milliseconds, at most 60 000; default 0) before the
/// next handler prints the event: mounted for the kind `slow`, to show the handler timeout,
/// load shedding and in-progress duplicates from the outside.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slow;

#[async_trait]
impl EventHandler for Slow {
    async fn handle(&self, event: &Event) -> HandlerResult {
        let ms: u64 = match event.parameter("ms") {
            Some(ms) => ms.parse().map_err(|_| {
                HandlerError::new(format!("ms={ms:?} is not a number of milliseconds"))
            })?,
            None => 0,
        };
        tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
        Ok(())
    }
}

/// The environment variables the receivers read (besides `HOST`, `PORT`, `RUST_LOG`).
pub const KNOWN_SETTINGS: &[&str] = &[
    "GCP_EVENTS_AUDIENCE",
    "GCP_EVENTS_ALLOWED_EMAILS",
    "GCP_EVENTS_JWKS_URL",
    "GCP_EVENTS_TRUST_CLOUD_RUN_IAM",
    "GCP_EVENTS_URL_KEY",
    "GCP_EVENTS_ATTRIBUTE_HEADERS",
    "GCP_EVENTS_HANDLER_TIMEOUT_MS",
    "GCP_EVENTS_MAX_IN_FLIGHT",
    "GCP_EVENTS_IDEMPOTENCY",
    "GCP_EVENTS_METRICS",
    "GCP_EVENTS_LOG_FORMAT",
];

/// The service every example receiver mounts: prints every event, fails kind `fail`, waits
/// `ms` milliseconds before printing kind `slow`,
/// prefix `/gcp-events`, Eventarc CloudEvents at `/` when the auth allows, authentication from the
/// environment (see [`auth_from_env`]); an unwrapped push's attributes are read from the
/// headers named in `GCP_EVENTS_ATTRIBUTE_HEADERS` (comma-separated; `*` for every header but
/// transport and credential headers; none by default). An unknown `GCP_EVENTS_*` variable is
/// an error, so a misspelt setting never leaves the receiver open by accident. Delivery
/// settings come from the environment too (see [`delivery_from_env`]).
pub async fn service() -> Result<EventService, Box<dyn std::error::Error>> {
    let builder = EventService::builder()
        .prefix("/gcp-events")
        .kind_handler("slow", Slow)
        .handler(PrintEvents)
        .kind_handler("fail", AlwaysFail);
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A misspelt setting must not silently leave the receiver open: refuse unknown names.
    if let Some(unknown) = std::env::vars()
        .map(|(name, _)| name)
        .find(|name| name.starts_with("GCP_EVENTS_") && !KNOWN_SETTINGS.contains(&name.as_str()))
    {
        return Err(format!(
            "unknown setting {unknown}; the receivers read {}",
            KNOWN_SETTINGS.join(", ")
        )
        .into());
    }
    let builder = delivery_from_env(builder, var).await?;
    let builder = auth_from_env(builder, var)?.unwrapped_attribute_headers(
        match var("GCP_EVENTS_ATTRIBUTE_HEADERS").as_deref() {
            None => AttributeHeaders::None,
            Some("*") => AttributeHeaders::AllExceptTransport,
            Some(list) => AttributeHeaders::only(list.split(',').map(str::trim)),
        },
    );
    Ok(builder.build()?)
}

/// Delivery settings from environment variables (read through `var`):
///
/// | variable | meaning |
/// |---|---|
/// | `GCP_EVENTS_HANDLER_TIMEOUT_MS` | handler deadline in milliseconds: past it, `504` and the handler is cancelled |
/// | `GCP_EVENTS_MAX_IN_FLIGHT` | at most this many events handled at once; one more is `503` |
/// | `GCP_EVENTS_IDEMPOTENCY` | `memory`, or a `redis://host:port/` URL shared by every instance |
///
/// A value that does not parse is an error, never ignored.
pub async fn delivery_from_env(
    mut builder: EventServiceBuilder,
    var: impl Fn(&str) -> Option<String>,
) -> Result<EventServiceBuilder, Box<dyn std::error::Error>> {
    let number = |name: &str| -> Result<Option<u64>, String> {
        var(name)
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("{name}={v:?} is not a whole number"))
            })
            .transpose()
    };
    if let Some(ms) = number("GCP_EVENTS_HANDLER_TIMEOUT_MS")? {
        builder = builder.handler_timeout(Duration::from_millis(ms));
    }
    if let Some(n) = number("GCP_EVENTS_MAX_IN_FLIGHT")? {
        builder = builder.max_in_flight(usize::try_from(n)?);
    }
    match var("GCP_EVENTS_IDEMPOTENCY").as_deref() {
        None => {}
        Some("memory") => builder = builder.idempotency(MemoryStore::default()),
        Some(url) if url.starts_with("redis://") => {
            builder = builder.idempotency(RedisStore::connect(url).await?);
        }
        Some(other) => {
            return Err(format!(
                "GCP_EVENTS_IDEMPOTENCY={other:?}: use `memory` or a redis://host:port/ URL"
            )
            .into())
        }
    }
    Ok(builder)
}

/// Authentication settings from environment variables (read through `var`):
///
/// | variable | meaning |
/// |---|---|
/// | `GCP_EVENTS_AUDIENCE` | OIDC: the exact `aud` of the push subscription (comma-separated for several) |
/// | `GCP_EVENTS_ALLOWED_EMAILS` | OIDC: allowed service-account e-mails, comma-separated |
/// | `GCP_EVENTS_JWKS_URL` | OIDC: key URL (default Google's, `https://www.googleapis.com/oauth2/v3/certs`) |
/// | `GCP_EVENTS_TRUST_CLOUD_RUN_IAM` | OIDC: `true` behind Cloud Run IAM, which strips the signature |
/// | `GCP_EVENTS_URL_KEY` | signed event URLs: the HMAC key, base64 (at least 32 bytes) |
///
/// OIDC needs both the audience and the e-mails; one without the other is an error, never a
/// silent fallback. With none of these set the receiver runs unauthenticated, and building the
/// service logs a warning saying so.
///
/// Eventarc posts CloudEvents to `/`, so that CloudEvents path is added whenever the chosen auth can guard
/// it: OIDC, or none at all. A signed URL cannot name an event kind there, so a receiver on
/// signed URLs alone does not accept CloudEvents at `/`.
pub fn auth_from_env(
    mut builder: EventServiceBuilder,
    var: impl Fn(&str) -> Option<String>,
) -> Result<EventServiceBuilder, String> {
    let list = |name: &str| -> Vec<String> {
        var(name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let audiences = list("GCP_EVENTS_AUDIENCE");
    let emails = list("GCP_EVENTS_ALLOWED_EMAILS");
    let mut oidc_on = false;
    match (audiences.is_empty(), emails.is_empty()) {
        (true, true) => {}
        (false, false) => {
            let mut oidc = OidcConfig::new().mode(match var("GCP_EVENTS_TRUST_CLOUD_RUN_IAM").as_deref() {
                    Some("1" | "true" | "TRUE" | "yes") => OidcMode::TrustCloudRunIam,
                    _ => OidcMode::VerifySignature,
                });
            for audience in audiences {
                oidc = oidc.audience(audience);
            }
            for email in emails {
                oidc = oidc.allowed_email(email);
            }
            if let Some(url) = var("GCP_EVENTS_JWKS_URL").filter(|u| !u.is_empty()) {
                oidc = oidc.jwks_url(&url).map_err(|e| e.to_string())?;
            }
            builder = builder.oidc(oidc);
            oidc_on = true;
        }
        _ => {
            return Err(
                "set both GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS to verify push tokens (or neither)"
                    .to_owned(),
            )
        }
    }
    if let Some(key) = var("GCP_EVENTS_URL_KEY").filter(|k| !k.is_empty()) {
        let key =
            UrlSigningKey::from_base64(&key).map_err(|e| format!("GCP_EVENTS_URL_KEY: {e}"))?;
        builder = builder.signed_urls(key);
        if !oidc_on {
            return Ok(builder);
        }
    } else if !oidc_on {
        builder = builder.allow_unauthenticated();
    }
    Ok(builder.cloud_events_path("/"))
}

/// The listen address: `HOST` (default `127.0.0.1`; `0.0.0.0` on Cloud Run) and `PORT`
/// (default `8080`; `0` picks a free port).
pub fn listen_addr() -> Result<SocketAddr, String> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let port: u16 = port
        .parse()
        .map_err(|_| format!("PORT must be a port number, got {port:?}"))?;
    let ip: std::net::IpAddr = host
        .parse()
        .map_err(|_| format!("HOST must be an IP address, got {host:?}"))?;
    Ok(SocketAddr::new(ip, port))
}

/// Logs to stderr (filter with `RUST_LOG`, default `info`), so stdout carries only events: text,
/// or Cloud Logging JSON lines with `GCP_EVENTS_LOG_FORMAT=json` (see [`logging`]).
pub fn init_logging() -> Result<(), String> {
    logging::init(logging::LogFormat::from_env()?);
    Ok(())
}

/// Announces the bound address on stderr (tests and scripts read this line), in the log format.
pub fn announce(addr: SocketAddr, framework: &str) {
    logging::notice(&format!(
        "gcp-events {framework} receiver listening on http://{addr}/gcp-events/events/{{kind}}/{{reference}}"
    ));
}

/// The receivers' metrics: with `GCP_EVENTS_METRICS=prometheus` the library's metrics (and any
/// other `metrics` facade metrics in the process) are recorded by
/// `metrics-exporter-prometheus` and served as Prometheus text at `GET /metrics` on the
/// receiver's own port (Cloud Run exposes one port; a sidecar or Managed Prometheus scrapes
/// it there).
#[derive(Clone)]
pub struct Metrics(metrics_exporter_prometheus::PrometheusHandle);

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// The content type of [`render`](Self::render)'s text (Prometheus exposition 0.0.4).
    pub const CONTENT_TYPE: &'static str = "text/plain; version=0.0.4; charset=utf-8";

    /// From `GCP_EVENTS_METRICS`: unset for none, `prometheus`, or an error for anything else.
    /// Installs the global recorder; call it once, inside the tokio runtime, before the first
    /// request.
    pub fn from_env() -> Result<Option<Self>, String> {
        match std::env::var("GCP_EVENTS_METRICS").ok().as_deref() {
            None | Some("") => Ok(None),
            Some("prometheus") => {
                let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
                    .set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full(
                            "gcp_events_handler_duration_seconds".to_owned(),
                        ),
                        &[
                            0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                            30.0, 60.0,
                        ],
                    )
                    .and_then(|b| b.install_recorder())
                    .map_err(|e| format!("GCP_EVENTS_METRICS=prometheus: {e}"))?;
                // Histograms are drained into their buckets by upkeep.
                let upkeep = handle.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        upkeep.run_upkeep();
                    }
                });
                Ok(Some(Self(handle)))
            }
            Some(other) => Err(format!(
                "GCP_EVENTS_METRICS={other:?}: use `prometheus` (or leave it unset)"
            )),
        }
    }

    /// Every metric, as Prometheus text.
    pub fn render(&self) -> String {
        self.0.render()
    }
}

/// Resolves on SIGTERM (what Cloud Run sends) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutdown signal received: finishing in-flight requests");
}

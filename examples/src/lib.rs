//! What the example receivers share: the handler that prints each event as one JSON line, the
//! service built from the `GCP_EVENTS_*` settings, and metrics (Prometheus). Settings, logging
//! (text or Cloud Logging JSON), the listen address and the shutdown signal are the library's
//! own (`gcp_events_core::settings`, `gcp_events_core::cloud_run`). Each `src/bin/*-receiver.rs`
//! only mounts these into its framework.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use chrono::SecondsFormat;
use gcp_events_core::cloud_run;
use gcp_events_core::cloudevents::CloudEventAttributes;
use gcp_events_core::google_events::DataError;
use gcp_events_core::pubsub::DecodedMessage;
use gcp_events_core::settings::{MetricsSetting, Settings};
use gcp_events_core::{
    async_trait, DeliveryFormat, Event, EventHandler, EventService, HandlerError, HandlerResult,
};
use serde::Serialize;

pub mod effects;

/// The library's Cloud Run helpers (logging, listen address, shutdown signal), which the
/// receivers use as they are.
pub use gcp_events_core::cloud_run::{listen_addr, shutdown_signal};

/// Prints each event to stdout as one JSON line:
/// `{"kind":…,"reference":…,"parameters":{…},"format":…,"payload":…,"cloud_event":{…},"pubsub":{…},"caller":{…},"cloud_tasks":{…},"scheduler":{…},"data":{…},"data_type":…}`.
///
/// The payload is the JSON text exactly as received (numbers keep every digit); line breaks
/// between its tokens become spaces so the event stays on one line. `pubsub` is present when
/// the event holds a Pub/Sub message in any format (wrapped push, unwrapped push, Eventarc);
/// `cloud_event` holds the decoded CloudEvent attributes when it arrived as one; a payload that
/// is not JSON is printed as `payload_text` or `payload_base64` instead; `caller` when the request carried a verified OIDC
/// token (its e-mail, subject and audience — never the token); `cloud_tasks` (`queue_name`,
/// `task_name`, `retry_count`, `execution_count`, `eta`, `previous_response`, `retry_reason`)
/// or `scheduler` (`job_name`, `schedule_time`) for those sources, absent values omitted, with
/// `format` `cloud_tasks` or `cloud_scheduler`; `data` and `data_type` for a
/// CloudEvent whose type the catalog knows (its data decoded from protobuf or JSON, written as
/// proto3 JSON, and the data's full message name). A whole line is written with one locked write, so
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
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_tasks: Option<TaskLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduler: Option<SchedulerLine<'a>>,
    /// For a CloudEvent whose type the catalog knows: its data decoded (protobuf or JSON) and
    /// written as its proto3 JSON form, and the data's full message name.
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_type: Option<&'static str>,
}

/// A Cloud Tasks delivery's context (absent values omitted; times in RFC 3339).
#[derive(Serialize)]
struct TaskLine<'a> {
    queue_name: &'a str,
    task_name: &'a str,
    retry_count: u32,
    execution_count: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    eta: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_response: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_reason: Option<&'a str>,
}

/// A Cloud Scheduler delivery's context.
#[derive(Serialize)]
struct SchedulerLine<'a> {
    job_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_time: Option<String>,
}

/// The verified caller, when the receiver authenticates with OIDC (never the token).
#[derive(Serialize)]
struct Caller<'a> {
    email: &'a str,
    subject: Option<&'a str>,
    audience: &'a str,
    signature_verified: bool,
}

/// The JSON line [`PrintEvents`] prints for `event`. A CloudEvent whose type the catalog knows
/// but whose data does not decode as that type is an error (the event is not acknowledged).
pub fn event_line(event: &Event) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let (data_type, data) = match event.data_json() {
        Ok((name, value)) => (Some(name), Some(value)),
        Err(DataError::NotACloudEvent | DataError::UnknownType { .. }) => (None, None),
        Err(e) => return Err(e.into()),
    };
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
        cloud_tasks: event.context().cloud_tasks.as_ref().map(|t| TaskLine {
            queue_name: &t.queue_name,
            task_name: &t.task_name,
            retry_count: t.retry_count,
            execution_count: t.execution_count,
            eta: t
                .eta
                .map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            previous_response: t.previous_response,
            retry_reason: t.retry_reason.as_deref(),
        }),
        scheduler: event.context().scheduler.as_ref().map(|s| SchedulerLine {
            job_name: &s.job_name,
            schedule_time: s
                .schedule_time
                .map(|at| at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }),
        data,
        data_type,
    })
    .map_err(Into::into)
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
        tokio::time::sleep(wait_asked(event)?).await;
        Ok(())
    }
}

/// The `ms` query parameter as a wait (at most 60 s; none when absent); not a number is an
/// error.
pub fn wait_asked(event: &Event) -> Result<Duration, HandlerError> {
    let ms: u64 = match event.parameter("ms") {
        Some(ms) => ms
            .parse()
            .map_err(|_| HandlerError::new(format!("ms={ms:?} is not a number of milliseconds")))?,
        None => 0,
    };
    Ok(Duration::from_millis(ms.min(60_000)))
}

/// The service every example receiver mounts: prints every event, fails kind `fail`, waits
/// `ms` milliseconds before printing kind `slow`, prefix `/gcp-events`, with every setting from
/// the `GCP_EVENTS_*` environment variables ([`Settings`], the library's own reader: an unknown
/// name or a value that does not parse stops the receiver at start). With no authentication
/// set it runs unauthenticated, and building the service logs a warning saying so. Eventarc
/// posts CloudEvents to `/`, so that CloudEvents path is added whenever the chosen auth can
/// guard it: OIDC, or none at all (a signed URL cannot name an event kind there).
///
/// With `GCP_EVENTS_POSTGRES` it connects the transactional inbox, makes its table and
/// `example_effects` when missing, and handles the [`effects`] kinds in its transactions (an
/// unreachable database stops it at start).
pub async fn service(settings: &Settings) -> Result<EventService, Box<dyn std::error::Error>> {
    let mut builder = EventService::builder()
        .prefix("/gcp-events")
        .kind_handler("slow", Slow);
    match settings.inbox().await? {
        None => builder = builder.handler(PrintEvents),
        Some(inbox) => {
            effects::setup(&inbox).await?;
            // Done marks past their 7 days, removed hourly in batches of 1 000.
            drop(inbox.spawn_cleanup(Duration::from_secs(3600), 1_000));
            builder = builder.handler(effects::PrintOthers).inbox(inbox);
            for kind in effects::KINDS {
                builder = builder.transactional_kind_handler(kind, effects::Effect);
            }
        }
    }
    let builder = builder.kind_handler("fail", AlwaysFail);
    let mut builder = settings.apply(builder).await?;
    // Off Cloud Run, a receiver without authentication settings runs open (its first use is a
    // local try); on Cloud Run, `Settings` has already refused that unless
    // GCP_EVENTS_ALLOW_UNAUTHENTICATED=true said so.
    if !settings.authenticates() {
        builder = builder.allow_unauthenticated();
    }
    if settings.can_guard_cloud_events() {
        builder = builder.cloud_events_path("/");
    }
    Ok(builder.build()?)
}

/// Reads the settings and installs the logger they ask for (text, or Cloud Logging JSON with
/// `GCP_EVENTS_LOG_FORMAT=json`) on stderr, so stdout carries only events.
pub fn settings() -> Result<Settings, Box<dyn std::error::Error>> {
    // Shown as its message (`main` would print a returned error's Debug form).
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    cloud_run::init_logging(settings.log_format);
    Ok(settings)
}

/// Announces the bound address on stderr (tests and scripts read this line), in the log format.
pub fn announce(addr: SocketAddr, framework: &str) {
    cloud_run::notice(&format!(
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

    /// What `GCP_EVENTS_METRICS` asked for ([`Settings::metrics`]): nothing, or Prometheus.
    /// Installs the global recorder; call it once, inside the tokio runtime, before the first
    /// request.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, String> {
        match settings.metrics {
            None => Ok(None),
            Some(MetricsSetting::Prometheus) => {
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
            Some(_) => Err("GCP_EVENTS_METRICS: this receiver serves only `prometheus`".into()),
        }
    }

    /// Every metric, as Prometheus text.
    pub fn render(&self) -> String {
        self.0.render()
    }
}

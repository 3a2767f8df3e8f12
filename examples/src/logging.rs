//! The receivers' logs on stderr: human-readable text (the default), or with
//! `GCP_EVENTS_LOG_FORMAT=json` one Cloud Logging JSON object per line (SPEC O3).
//!
//! A JSON line holds `severity` (Cloud Logging's names: `DEBUG`, `INFO`, `WARNING`, `ERROR`),
//! `message`, `time`, `target`, the fields of the event and of every span it is inside (the
//! library's `gcp_event` span: `kind`, `reference`, `message_id`, `trace_id`, `status`,
//! `outcome`, `format`, `latency_us`), and, when the trace and the project are both known,
//! `logging.googleapis.com/trace` = `projects/PROJECT/traces/TRACE_ID`, which links the line
//! to its trace in Cloud Trace. The project is `GOOGLE_CLOUD_PROJECT` (set it on Cloud Run;
//! it is not set there by default).
//!
//! Neither format writes terminal colour codes unless stderr is a terminal.

use std::io::Write;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer};

/// How the receivers write logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// tracing's text format (colours only on a terminal).
    Text,
    /// One Cloud Logging JSON object per line.
    Json,
}

impl LogFormat {
    /// From `GCP_EVENTS_LOG_FORMAT` (`text`, the default, or `json`); anything else is an error.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("GCP_EVENTS_LOG_FORMAT").ok().as_deref() {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(format!(
                "GCP_EVENTS_LOG_FORMAT={other:?}: use `text` or `json`"
            )),
        }
    }
}

static FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// Installs the logger (filter with `RUST_LOG`, default `info`) in the chosen format, on stderr,
/// so stdout carries only the events.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = FORMAT.set(format);
    match format {
        LogFormat::Text => {
            // Colour codes only for a terminal: piped or redirected (Cloud Logging), they are garbage.
            let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(colour)
                .try_init();
        }
        LogFormat::Json => {
            let layer = CloudLogging {
                project: std::env::var("GOOGLE_CLOUD_PROJECT")
                    .ok()
                    .filter(|p| !p.is_empty()),
            };
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(layer)
                .try_init();
        }
    }
}

/// Writes a line that must always appear (the listening address), in the chosen format.
pub fn notice(message: &str) {
    match FORMAT.get() {
        Some(LogFormat::Json) => {
            let line = serde_json::json!({"severity": "NOTICE", "message": message});
            write_line(&line);
        }
        _ => eprintln!("{message}"),
    }
}

fn write_line(line: &Value) {
    let mut text = line.to_string();
    text.push('\n');
    // One write per line, so lines from different threads never interleave.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The Cloud Logging layer: span fields are kept in each span's extensions and merged into
/// every line logged inside the span.
struct CloudLogging {
    project: Option<String>,
}

/// A span's fields, as JSON.
struct SpanFields(Map<String, Value>);

struct JsonVisitor<'a>(&'a mut Map<String, Value>);

impl Visit for JsonVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_owned(), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_owned(), format!("{value:?}").into());
    }
}

fn severity(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "INFO",
        _ => "DEBUG",
    }
}

impl<S> Layer<S> for CloudLogging
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<SpanFields>() {
                values.record(&mut JsonVisitor(&mut fields.0));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        // Outer spans first, so an inner span's field wins over an outer one of the same name.
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        event.record(&mut JsonVisitor(&mut line));
        let metadata = event.metadata();
        line.insert("severity".into(), severity(metadata.level()).into());
        line.insert("target".into(), metadata.target().into());
        line.insert(
            "time".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                .into(),
        );
        if !line.contains_key("message") {
            line.insert("message".into(), "".into());
        }
        if let (Some(project), Some(Value::String(trace_id))) =
            (&self.project, line.get("trace_id"))
        {
            let trace = format!("projects/{project}/traces/{trace_id}");
            line.insert("logging.googleapis.com/trace".into(), trace.into());
        }
        write_line(&Value::Object(line));
    }
}

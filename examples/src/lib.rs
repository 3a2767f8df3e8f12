//! What the example receivers share: the handler that prints each event as one JSON line, the
//! listen address, logging, and the shutdown signal. Each `src/bin/*-receiver.rs` only mounts
//! these into its framework.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;

use gcp_events_core::pubsub::DecodedMessage;
use gcp_events_core::{
    async_trait, Event, EventHandler, EventService, HandlerError, HandlerResult,
};
use serde::Serialize;

/// Prints each event to stdout as one JSON line:
/// `{"kind":…,"reference":…,"parameters":{…},"payload":…,"pubsub":{…}}`.
///
/// The payload is the JSON text exactly as received (numbers keep every digit); line breaks
/// between its tokens become spaces so the event stays on one line. `pubsub` is present when
/// the payload is a Pub/Sub push envelope. A whole line is written with one locked write, so
/// lines of concurrent events never interleave.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintEvents;

#[derive(Serialize)]
struct Line<'a> {
    kind: &'a str,
    reference: &'a str,
    parameters: &'a BTreeMap<String, String>,
    payload: &'a serde_json::value::RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    pubsub: Option<&'a DecodedMessage>,
}

/// The JSON line [`PrintEvents`] prints for `event`.
pub fn event_line(event: &Event) -> Result<String, serde_json::Error> {
    // Line breaks can only stand between tokens (inside strings they are escaped), so turning
    // them into spaces keeps every value exactly as sent.
    let flat: String = event
        .payload()
        .raw()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let payload: &serde_json::value::RawValue = serde_json::from_str(&flat)?;
    serde_json::to_string(&Line {
        kind: event.kind(),
        reference: event.reference(),
        parameters: event.parameters(),
        payload,
        pubsub: event.pubsub().ok(),
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

/// The service every example receiver mounts: prints every event, fails kind `fail`,
/// prefix `/gcp-events`.
pub fn service() -> Result<EventService, gcp_events_core::ConfigError> {
    EventService::builder()
        .allow_unauthenticated()
        .prefix("/gcp-events")
        .handler(PrintEvents)
        .kind_handler("fail", AlwaysFail)
        .build()
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

/// Logs to stderr (filter with `RUST_LOG`, default `info`), so stdout carries only events.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Announces the bound address on stderr (tests and scripts read this line).
pub fn announce(addr: SocketAddr, framework: &str) {
    eprintln!("gcp-events {framework} receiver listening on http://{addr}/gcp-events/events/{{kind}}/{{reference}}");
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

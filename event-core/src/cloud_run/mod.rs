//! What every Cloud Run service needs around the event service (feature `cloud-run`): logs
//! Cloud Logging reads, the listen address Cloud Run gives, and the shutdown signal it sends.
//!
//! - [`init_logging`]: logs on stderr (filter with `RUST_LOG`, default `info`), as text, or with
//!   [`LogFormat::Json`] (`GCP_EVENTS_LOG_FORMAT=json`) one Cloud Logging JSON object per line:
//!   `severity` (Cloud Logging's names: `DEBUG`, `INFO`, `WARNING`, `ERROR`), `message`, `time`,
//!   `target`, the fields of the event and of every span it is inside (the library's
//!   `gcp_event` span: `kind`, `reference`, `message_id`, `trace_id`, `status`, `outcome`,
//!   `format`, `latency_us`), and, when the trace and the project are both known,
//!   `logging.googleapis.com/trace` = `projects/PROJECT/traces/TRACE_ID`, which links the line
//!   to its trace in Cloud Trace. The project is `GOOGLE_CLOUD_PROJECT` (Cloud Run does not set
//!   it: set it on the service). Neither format writes colour codes unless stderr is a
//!   terminal.
//! - [`listen_addr`]: `HOST` (default `127.0.0.1`; set `0.0.0.0` on Cloud Run) and `PORT`
//!   (Cloud Run sets it; default `8080`).
//! - [`shutdown_signal`]: resolves on SIGTERM, which Cloud Run sends 10 s before it kills the
//!   instance, or Ctrl-C; give it to the framework's graceful shutdown.
//!
//! It brings `tracing-subscriber` (fmt, env-filter) and tokio's `signal` feature, which is why it
//! is a feature of its own.
//!
//! ```no_run
//! use gcp_events_core::{cloud_run, settings::Settings};
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let settings = Settings::from_env()?;
//! cloud_run::init_logging(settings.log_format);
//! let listener = tokio::net::TcpListener::bind(cloud_run::listen_addr()?).await?;
//! cloud_run::notice(&format!("listening on {}", listener.local_addr()?));
//! // axum::serve(listener, app).with_graceful_shutdown(cloud_run::shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```

mod logging;

use std::future::Future as _;
use std::net::SocketAddr;

use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::EnvFilter;

pub use crate::settings::LogFormat;

static FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// Installs the process's logger on stderr in `format` (filter with `RUST_LOG`, default
/// `info`), so stdout stays free for the application. A logger already installed is kept.
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = FORMAT.set(format);
    match format {
        LogFormat::Json => {
            let layer = logging::CloudLogging {
                project: std::env::var("GOOGLE_CLOUD_PROJECT")
                    .ok()
                    .filter(|p| !p.is_empty()),
            };
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(layer)
                .try_init();
        }
        _ => {
            // Colour codes only for a terminal: piped or redirected (Cloud Logging), they are
            // garbage.
            let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(colour)
                .try_init();
        }
    }
}

/// Writes a line that must always appear (e.g. the listening address), whatever `RUST_LOG`
/// says, in the format [`init_logging`] chose (`severity` `NOTICE` in JSON).
pub fn notice(message: &str) {
    match FORMAT.get() {
        Some(LogFormat::Json) => {
            logging::write_line(&serde_json::json!({"severity": "NOTICE", "message": message}));
        }
        _ => eprintln!("{message}"),
    }
}

/// Why the listen address was refused.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenAddrError {
    /// `PORT` is not a port number.
    #[error("PORT must be a port number, got {0:?}")]
    Port(String),
    /// `HOST` is not an IP address.
    #[error("HOST must be an IP address, got {0:?}")]
    Host(String),
}

/// The address to listen on: `HOST`, and `PORT` (set by Cloud Run; default `8080`; `0` picks
/// a free port). Without `HOST`: `0.0.0.0` on Cloud Run (`K_SERVICE` set, as Cloud Run sets it
/// in every container: its front end reaches the container from outside, so a loopback address
/// would be unreachable), `127.0.0.1` anywhere else (a service on a laptop is not exposed to the
/// network by default).
pub fn listen_addr() -> Result<SocketAddr, ListenAddrError> {
    listen_addr_from(|name| std::env::var(name).ok())
}

/// [`listen_addr`] reading its variables through `var`.
fn listen_addr_from(var: impl Fn(&str) -> Option<String>) -> Result<SocketAddr, ListenAddrError> {
    let default_host = if var("K_SERVICE").is_some() {
        "0.0.0.0"
    } else {
        "127.0.0.1"
    };
    let host = var("HOST").unwrap_or_else(|| default_host.to_owned());
    let port = var("PORT").unwrap_or_else(|| "8080".to_owned());
    let port: u16 = port.parse().map_err(|_| ListenAddrError::Port(port))?;
    let ip: std::net::IpAddr = host.parse().map_err(|_| ListenAddrError::Host(host))?;
    Ok(SocketAddr::new(ip, port))
}

/// Resolves on SIGTERM (what Cloud Run sends before it stops an instance) or Ctrl-C, and logs
/// that in-flight requests are being finished.
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
    // Whichever comes first (tokio's `select!` would need its macros feature for this alone).
    let (mut ctrl_c, mut term) = (std::pin::pin!(ctrl_c), std::pin::pin!(term));
    std::future::poll_fn(|cx| match ctrl_c.as_mut().poll(cx) {
        std::task::Poll::Ready(()) => std::task::Poll::Ready(()),
        std::task::Poll::Pending => term.as_mut().poll(cx),
    })
    .await;
    tracing::info!("shutdown signal received: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(vars: &[(&str, &str)]) -> Result<SocketAddr, ListenAddrError> {
        listen_addr_from(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn loopback_locally_every_interface_on_cloud_run_host_wins() {
        assert_eq!(addr(&[]).unwrap().to_string(), "127.0.0.1:8080");
        let cloud_run = [("K_SERVICE", "orders"), ("PORT", "8081")];
        assert_eq!(addr(&cloud_run).unwrap().to_string(), "0.0.0.0:8081");
        let chosen = [("K_SERVICE", "orders"), ("HOST", "127.0.0.1")];
        assert_eq!(addr(&chosen).unwrap().to_string(), "127.0.0.1:8080");
        assert_eq!(
            addr(&[("HOST", "localhost")]),
            Err(ListenAddrError::Host("localhost".to_owned()))
        );
        assert_eq!(
            addr(&[("PORT", "http")]),
            Err(ListenAddrError::Port("http".to_owned()))
        );
    }
}

//! Test support: drives the real Google Pub/Sub emulator (Debian package
//! `google-cloud-cli-pubsub-emulator`) on a free loopback port.
//!
//! Only std, tokio, serde_json and base64 are used; the REST calls go through a
//! tiny HTTP/1.1 client over `tokio::net::TcpStream` (`Connection: close`).
//!
//! Emulator quirks worth knowing (observed with emulator 0.8.20):
//! * `Content-Type: application/json` is required on POST `...:publish`,
//!   otherwise the emulator answers `404 Not Found`.
//! * Topic and subscription names must be at least 3 characters long, project
//!   ids at least 2; otherwise `400 INVALID_ARGUMENT`.
//! * Creating an existing topic or subscription answers `409 ALREADY_EXISTS`.
//! * Its REST server ignores `Connection: close` and never hangs up, so responses
//!   are framed by `Content-Length` here, not read to EOF.
//! * The script `exec`s java, so the process group holds just the JVM.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DEBIAN_PACKAGE: &str = "google-cloud-cli-pubsub-emulator";
const DEFAULT_SCRIPT: &str =
    "/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator";
const START_TIMEOUT: Duration = Duration::from_secs(60);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Only the first this-many bytes of emulator output are kept (for panic messages).
const OUTPUT_CAP: usize = 64 * 1024;
const PROJECT: &str = "gcp-events-test";

/// A message to publish: its data and its attributes.
pub type Message = (Vec<u8>, Vec<(String, String)>);

/// How the emulator shapes a push delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushWrapper {
    /// JSON envelope `{"message":{...,"data":"<base64>"},"subscription":"..."}`.
    Wrapped,
    /// Raw message data as the body, no metadata headers (`noWrapper.writeMetadata=false`).
    Unwrapped,
    /// Raw message data as the body plus `x-goog-pubsub-*` and attribute headers
    /// (`noWrapper.writeMetadata=true`).
    UnwrappedWithMetadata,
}

/// A running emulator. Dropping it kills the emulator's whole process group.
pub struct PubSubEmulator {
    child: Option<Child>,
    port: u16,
    project: String,
}

impl PubSubEmulator {
    /// Starts the emulator on a free loopback port and waits until it listens (timeout 60 s).
    /// Panics with a clear message naming the Debian package when the script or java is missing,
    /// or with the emulator's output when it does not come up.
    pub async fn start() -> PubSubEmulator {
        let script = find_script();
        check_java();
        // The free port is found by binding :0 and dropping the listener, so another
        // process could grab it before the emulator does: retry a few times.
        let mut last_failure = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            match spawn_and_wait(&script, port).await {
                Ok(child) => {
                    return PubSubEmulator {
                        child: Some(child),
                        port,
                        project: PROJECT.to_string(),
                    }
                }
                Err((failure, port_clash)) => {
                    if !port_clash {
                        panic!("{failure}");
                    }
                    last_failure = failure;
                }
            }
        }
        panic!("{last_failure}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn project(&self) -> &str {
        &self.project
    }

    /// Creates a topic; panics on a non-2xx with the response text.
    pub async fn create_topic(&self, topic: &str) {
        let path = format!("/v1/projects/{}/topics/{}", self.project, topic);
        self.call("PUT", &path, &serde_json::json!({})).await;
    }

    /// Creates a push subscription; `wrapper` chooses the three delivery shapes.
    /// `ack_deadline_secs == 0` leaves the deadline at the emulator's default (10 s).
    pub async fn create_push_subscription(
        &self,
        name: &str,
        topic: &str,
        endpoint: &str,
        wrapper: PushWrapper,
        ack_deadline_secs: u32,
    ) {
        let mut push_config = serde_json::json!({ "pushEndpoint": endpoint });
        match wrapper {
            PushWrapper::Wrapped => {}
            PushWrapper::Unwrapped => {
                push_config["noWrapper"] = serde_json::json!({ "writeMetadata": false })
            }
            PushWrapper::UnwrappedWithMetadata => {
                push_config["noWrapper"] = serde_json::json!({ "writeMetadata": true })
            }
        }
        let mut body = serde_json::json!({
            "topic": format!("projects/{}/topics/{}", self.project, topic),
            "pushConfig": push_config,
        });
        if ack_deadline_secs > 0 {
            body["ackDeadlineSeconds"] = serde_json::json!(ack_deadline_secs);
        }
        let path = format!("/v1/projects/{}/subscriptions/{}", self.project, name);
        self.call("PUT", &path, &body).await;
    }

    /// Publishes messages (data bytes + attributes); returns their message ids in order.
    pub async fn publish(&self, topic: &str, messages: &[Message]) -> Vec<String> {
        let msgs: Vec<serde_json::Value> = messages
            .iter()
            .map(|(data, attributes)| {
                let mut m = serde_json::json!({
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                });
                if !attributes.is_empty() {
                    let attrs: serde_json::Map<String, serde_json::Value> = attributes
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect();
                    m["attributes"] = serde_json::Value::Object(attrs);
                }
                m
            })
            .collect();
        let path = format!("/v1/projects/{}/topics/{}:publish", self.project, topic);
        let resp = self
            .call("POST", &path, &serde_json::json!({ "messages": msgs }))
            .await;
        let ids: Vec<String> = resp
            .get("messageIds")
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("publish to {topic}: no messageIds in response {resp}"))
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(
            ids.len(),
            messages.len(),
            "publish to {topic}: expected {} message ids, got {resp}",
            messages.len()
        );
        ids
    }

    /// One REST call; panics on a transport error or a non-2xx status.
    async fn call(&self, method: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
        let body_text = body.to_string();
        let (status, text) = http_request(self.port, method, path, &body_text)
            .await
            .unwrap_or_else(|e| panic!("pubsub emulator {method} {path}: {e}"));
        if !(200..300).contains(&status) {
            panic!("pubsub emulator {method} {path} -> HTTP {status}: {text}");
        }
        if text.trim().is_empty() {
            return serde_json::Value::Null;
        }
        serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("pubsub emulator {method} {path}: invalid JSON ({e}) in: {text}")
        })
    }
}

impl Drop for PubSubEmulator {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(&mut child);
        }
    }
}

/// SIGKILLs the child's process group (its pgid is its pid, see `process_group(0)`)
/// and reaps the child.
fn kill_group(child: &mut Child) {
    let pgid = child.id();
    let group_killed = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !group_killed {
        let _ = child.kill();
    }
    let _ = child.wait();
}

fn find_script() -> PathBuf {
    let from_dpkg = Command::new("dpkg")
        .args(["-L", DEBIAN_PACKAGE])
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find(|l| l.ends_with("bin/cloud-pubsub-emulator"))
                .map(PathBuf::from)
        });
    let script = from_dpkg.unwrap_or_else(|| PathBuf::from(DEFAULT_SCRIPT));
    if !script.is_file() {
        panic!(
            "Pub/Sub emulator script not found (looked in `dpkg -L {DEBIAN_PACKAGE}` and at \
             {DEFAULT_SCRIPT}). Install it with `apt-get install {DEBIAN_PACKAGE}` \
             (and a Java runtime, e.g. `default-jre-headless`)."
        );
    }
    script
}

fn check_java() {
    let in_java_home = std::env::var_os("JAVA_HOME")
        .map(|h| Path::new(&h).join("bin/java").is_file())
        .unwrap_or(false);
    let in_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join("java").is_file()))
        .unwrap_or(false);
    if !in_java_home && !in_path {
        panic!(
            "Pub/Sub emulator needs Java, but no `java` was found in JAVA_HOME or PATH. \
             Install a Java runtime (e.g. `apt-get install default-jre-headless`) along with \
             the Debian package {DEBIAN_PACKAGE}."
        );
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("cannot bind 127.0.0.1:0 to find a free port: {e}"));
    listener.local_addr().expect("local_addr").port()
    // listener dropped here
}

/// Spawns the emulator and waits until it prints `Server started, listening on PORT`.
/// On failure returns (message with the emulator's output, whether it looks like a port clash).
async fn spawn_and_wait(script: &Path, port: u16) -> Result<Child, (String, bool)> {
    let mut cmd = Command::new(script);
    cmd.arg("--host=127.0.0.1")
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!(
            "cannot run the Pub/Sub emulator script {} ({e}); it comes from the Debian package \
             {DEBIAN_PACKAGE} and needs Java",
            script.display()
        )
    });

    let output = Arc::new(Mutex::new(String::new()));
    let ready = Arc::new(AtomicBool::new(false));
    let marker = format!("Server started, listening on {port}");
    // Reader threads keep draining the pipes for the emulator's whole life, so it
    // never blocks on a full pipe; they end at EOF when the process dies.
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    spawn_reader(stdout, output.clone(), ready.clone(), marker.clone());
    spawn_reader(stderr, output.clone(), ready.clone(), marker);

    let started = Instant::now();
    loop {
        if ready.load(Ordering::SeqCst) {
            return Ok(child);
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Give the readers a moment to collect the last lines.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let out = output.lock().unwrap().clone();
            let clash = out.contains("Address already in use") || out.contains("BindException");
            return Err((
                format!(
                    "Pub/Sub emulator ({}) exited with {status} before listening on port {port}. \
                     Output:\n{out}",
                    script.display()
                ),
                clash,
            ));
        }
        if started.elapsed() > START_TIMEOUT {
            kill_group(&mut child);
            tokio::time::sleep(Duration::from_millis(200)).await;
            let out = output.lock().unwrap().clone();
            return Err((
                format!(
                    "Pub/Sub emulator ({}) did not print `Server started, listening on {port}` \
                     within {START_TIMEOUT:?}. Output:\n{out}",
                    script.display()
                ),
                false,
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn spawn_reader<R: Read + Send + 'static>(
    pipe: R,
    output: Arc<Mutex<String>>,
    ready: Arc<AtomicBool>,
    marker: String,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    if !ready.load(Ordering::SeqCst) {
                        let mut out = output.lock().unwrap();
                        if out.len() < OUTPUT_CAP {
                            out.push_str(&text);
                        }
                        if text.contains(&marker) {
                            ready.store(true, Ordering::SeqCst);
                        }
                    }
                }
            }
        }
    });
}

/// Minimal HTTP/1.1 client: one request per connection, returns (status, body).
///
/// It sends `Connection: close`, but the emulator ignores that and keeps the
/// connection open, so the response is framed by its `Content-Length` (or
/// `Transfer-Encoding: chunked`); only an unframed response is read until EOF.
async fn http_request(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, String), String> {
    let fut = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("connect to 127.0.0.1:{port}: {e}"))?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut raw = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(done) = parse_response(&raw, false) {
                return done;
            }
            let n = stream
                .read(&mut chunk)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return parse_response(&raw, true).unwrap_or_else(|| {
                    Err(format!(
                        "connection closed mid-response: {}",
                        String::from_utf8_lossy(&raw)
                    ))
                });
            }
            raw.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(REQUEST_TIMEOUT, fut)
        .await
        .map_err(|_| format!("no complete response within {REQUEST_TIMEOUT:?}"))?
}

/// Parses a response; `None` while it is incomplete (`eof` = no more bytes will come).
fn parse_response(raw: &[u8], eof: bool) -> Option<Result<(u16, String), String>> {
    let Some(head_end) = find(raw, b"\r\n\r\n") else {
        return eof.then(|| {
            Err(format!(
                "malformed response: {}",
                String::from_utf8_lossy(raw)
            ))
        });
    };
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let rest = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let Some(status) = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
    else {
        return Some(Err(format!("malformed status line: {status_line:?}")));
    };
    let mut chunked = false;
    let mut content_length: Option<usize> = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim();
            if name == "transfer-encoding" && value.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            } else if name == "content-length" {
                content_length = value.parse().ok();
            }
        }
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if chunked {
        match decode_chunked(rest) {
            Ok(Some(body)) => Some(Ok((status, text(&body)))),
            Ok(None) if !eof => None,
            Ok(None) => Some(Err("connection closed inside a chunked body".into())),
            Err(e) => Some(Err(e)),
        }
    } else if let Some(n) = content_length {
        match rest.get(..n) {
            Some(body) => Some(Ok((status, text(body)))),
            None if !eof => None,
            None => Some(Err(format!(
                "body shorter ({}) than content-length {n}",
                rest.len()
            ))),
        }
    } else if status == 204 || status == 304 || (100..200).contains(&status) {
        Some(Ok((status, String::new())))
    } else if eof {
        Some(Ok((status, text(rest))))
    } else {
        None
    }
}

/// Decodes a chunked body; `Ok(None)` while the final chunk has not arrived.
fn decode_chunked(mut data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = find(data, b"\r\n") else {
            return Ok(None);
        };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_hex:?}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            // Wait for the end of the (usually empty) trailer section.
            return Ok(
                (data.starts_with(b"\r\n") || find(data, b"\r\n\r\n").is_some()).then_some(out),
            );
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The end-to-end case each adapter runs (SPEC R4, C4, E8): the real emulator pushes every
/// message of one topic to three subscriptions — wrapped, unwrapped without metadata,
/// unwrapped with metadata — pointed at receivers served by the adapter's `start`. Every
/// message is handled exactly once per subscription; the messages whose handler fails its
/// first two attempts are redelivered by the emulator until they succeed. The wrapped and
/// metadata receivers de-duplicate (in memory); the bare unwrapped one has no identity to
/// de-duplicate by.
pub async fn pubsub_emulator_delivers_every_push_shape_exactly_once<S, F>(start: S)
where
    S: Fn(crate::EventService) -> F,
    F: std::future::Future<Output = std::net::SocketAddr>,
{
    use crate::idempotency::MemoryStore;
    use crate::pubsub::AttributeHeaders;
    use crate::{handler_fn, DeliveryFormat, EventService, HandlerError};

    #[derive(Default)]
    struct Log {
        /// (reference = subscription route, data, message id, attribute "tenant") per success.
        /// (Not "origin": the emulator's Java HTTP client drops restricted headers such as Origin.)
        handled: Vec<(String, String, Option<String>, Option<String>)>,
        attempts: std::collections::HashMap<(String, String), usize>,
    }
    let log = Arc::new(Mutex::new(Log::default()));
    let handler = |log: Arc<Mutex<Log>>| {
        handler_fn(move |event| {
            let log = log.clone();
            async move {
                let message = event.pubsub().map_err(HandlerError::new)?;
                let data = String::from_utf8_lossy(&message.data).into_owned();
                let route = event.reference().to_owned();
                let attempt = {
                    let mut log = log.lock().unwrap();
                    let n = log
                        .attempts
                        .entry((route.clone(), data.clone()))
                        .or_default();
                    *n += 1;
                    *n
                };
                if data.starts_with("flaky") && attempt <= 2 {
                    return Err(HandlerError::new(format!("attempt {attempt} fails")));
                }
                let expected = match route.as_str() {
                    "wrapped" => DeliveryFormat::JsonBody,
                    _ => DeliveryFormat::UnwrappedPush,
                };
                assert_eq!(event.context().format, expected, "{route}");
                log.lock().unwrap().handled.push((
                    route,
                    data,
                    message.message_id.clone(),
                    message.attributes.get("tenant").cloned(),
                ));
                Ok(())
            }
        })
    };
    let pushes = start(
        EventService::builder()
            .allow_unauthenticated()
            .handler_timeout(Duration::from_secs(5))
            .idempotency(MemoryStore::default())
            .unwrapped_attribute_headers(AttributeHeaders::only(["tenant"]))
            .handler(handler(log.clone()))
            .build()
            .expect("valid configuration"),
    )
    .await;
    let raw = start(
        EventService::builder()
            .allow_unauthenticated()
            .unwrapped_push(true)
            .handler(handler(log.clone()))
            .build()
            .expect("valid configuration"),
    )
    .await;

    let emulator = PubSubEmulator::start().await;
    emulator.create_topic("orders").await;
    let url = |addr: std::net::SocketAddr, route: &str| {
        format!("http://{addr}/gcp-events/events/order/{route}")
    };
    let subscriptions = [
        ("sub-wrapped", url(pushes, "wrapped"), PushWrapper::Wrapped),
        (
            "sub-metadata",
            url(pushes, "metadata"),
            PushWrapper::UnwrappedWithMetadata,
        ),
        ("sub-raw", url(raw, "raw"), PushWrapper::Unwrapped),
    ];
    for (name, endpoint, wrapper) in &subscriptions {
        emulator
            .create_push_subscription(name, "orders", endpoint, *wrapper, 10)
            .await;
    }
    let data: Vec<String> = (0..10)
        .map(|n| {
            if n % 4 == 1 {
                format!("flaky-{n}")
            } else {
                format!("order-{n}")
            }
        })
        .collect();
    let messages: Vec<Message> = data
        .iter()
        .map(|d| {
            (
                d.clone().into_bytes(),
                vec![("tenant".to_owned(), "emulator".to_owned())],
            )
        })
        .collect();
    let ids = emulator.publish("orders", &messages).await;

    let expected = subscriptions.len() * data.len();
    let deadline = Instant::now() + Duration::from_secs(60);
    while log.lock().unwrap().handled.len() < expected {
        assert!(
            Instant::now() < deadline,
            "not every message was handled within 60 s: {} of {expected}",
            log.lock().unwrap().handled.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Watch a little longer: no late duplicate may be handled.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let log = log.lock().unwrap();
    assert_eq!(log.handled.len(), expected, "handled exactly once each");
    for route in ["wrapped", "metadata", "raw"] {
        let mut seen: Vec<&str> = log
            .handled
            .iter()
            .filter(|h| h.0 == route)
            .map(|h| h.1.as_str())
            .collect();
        seen.sort_unstable();
        let mut want: Vec<&str> = data.iter().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(seen, want, "{route}: every message once");
        for (_, d, id, origin) in log.handled.iter().filter(|h| h.0 == route) {
            let published = ids[data.iter().position(|x| x == d).unwrap_or_default()].as_str();
            match route {
                "raw" => assert_eq!((id.as_deref(), origin.as_deref()), (None, None)),
                _ => {
                    assert_eq!(id.as_deref(), Some(published), "{route} {d}");
                    assert_eq!(
                        origin.as_deref(),
                        Some("emulator"),
                        "{route} {d}: attribute"
                    );
                }
            }
        }
        for d in data.iter().filter(|d| d.starts_with("flaky")) {
            assert_eq!(
                log.attempts[&(route.to_owned(), d.clone())],
                3,
                "{route} {d}: redelivered until it succeeded"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_length_and_chunked() {
        let r = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(
            parse_response(r, false).unwrap().unwrap(),
            (200, "{}".into())
        );
        assert!(parse_response(&r[..r.len() - 1], false).is_none());
        let r = b"HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(
            parse_response(r, false).unwrap().unwrap(),
            (409, "abcde".into())
        );
        assert!(parse_response(&r[..r.len() - 2], false).is_none());
        let r = b"HTTP/1.0 404 Not Found\r\n\r\nNot Found";
        assert!(parse_response(r, false).is_none());
        assert_eq!(
            parse_response(r, true).unwrap().unwrap(),
            (404, "Not Found".into())
        );
    }
}

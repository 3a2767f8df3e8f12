//! A deliberately raw HTTP/1.1 client: the suite must send what real clients and attackers
//! send (chunked bodies, truncated bodies, `Expect: 100-continue`, invalid escapes in the
//! path), byte for byte, which ordinary clients normalise away.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long any one exchange may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Interim (1xx) statuses received before the final one, in order.
    pub interim: Vec<u16>,
    /// The final status code.
    pub status: u16,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (panics with the body text if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts status, `Content-Type: application/json` and the exact JSON body.
    #[track_caller]
    pub fn assert_json(&self, status: u16, body: serde_json::Value) {
        assert_eq!(self.status, status, "status; response: {self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "content-type; response: {self:?}"
        );
        assert_eq!(self.json(), body, "body; response: {self:?}");
    }
}

/// Builds a raw request: `Host`, `Connection: close` and (unless given) `Content-Length` added.
pub fn raw_request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    let has = |n: &str| headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    if !has("content-length") && !has("transfer-encoding") {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// `POST target` with a body.
pub fn post(target: &str, body: &[u8]) -> Vec<u8> {
    raw_request("POST", target, &[], body)
}

/// Sends raw bytes, then reads the whole response (the server closes the connection).
pub async fn send(addr: SocketAddr, raw: &[u8]) -> HttpResponse {
    send_then(addr, raw, false).await
}

/// Sends raw bytes; with `half_close`, shuts the write side (a client that stops mid-body);
/// then reads everything the server sends until it closes. `None` if nothing came back.
pub async fn exchange(addr: SocketAddr, raw: &[u8], half_close: bool) -> Option<HttpResponse> {
    let bytes = tokio::time::timeout(TIMEOUT, async {
        let mut stream = TcpStream::connect(addr)
            .await
            .expect("connect to the server");
        // The server may answer (413) and close before reading everything: a failed write is
        // part of the behaviour under test, not an error here.
        let _ = stream.write_all(raw).await;
        if half_close {
            let _ = stream.shutdown().await;
        }
        let mut buf = Vec::new();
        let _ = stream.read_to_end(&mut buf).await;
        buf
    })
    .await
    .expect("the server answered within the time limit");
    if bytes.is_empty() {
        None
    } else {
        Some(parse(&bytes).unwrap_or_else(|e| {
            panic!(
                "unparsable response ({e}): {:?}",
                String::from_utf8_lossy(&bytes)
            )
        }))
    }
}

async fn send_then(addr: SocketAddr, raw: &[u8], half_close: bool) -> HttpResponse {
    exchange(addr, raw, half_close)
        .await
        .expect("the server sent a response")
}

/// Parses one response (after any interim 1xx responses).
pub fn parse(mut bytes: &[u8]) -> Result<HttpResponse, String> {
    let mut interim = Vec::new();
    loop {
        let end = find(bytes, b"\r\n\r\n").ok_or("no end of head")?;
        let head = std::str::from_utf8(&bytes[..end]).map_err(|e| e.to_string())?;
        bytes = &bytes[end + 4..];
        let mut lines = head.split("\r\n");
        let status_line = lines.next().ok_or("no status line")?;
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        if (100..200).contains(&status) {
            interim.push(status);
            continue;
        }
        let get = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone());
        let body = if get("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
        {
            dechunk(bytes)?
        } else if let Some(len) = get("content-length").and_then(|l| l.parse::<usize>().ok()) {
            bytes
                .get(..len)
                .ok_or("body shorter than content-length")?
                .to_vec()
        } else {
            bytes.to_vec()
        };
        return Ok(HttpResponse {
            interim,
            status,
            headers,
            body,
        });
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = find(bytes, b"\r\n").ok_or("bad chunk size line")?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).map_err(|e| e.to_string())?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| e.to_string())?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(bytes.get(..size).ok_or("short chunk")?);
        bytes = bytes.get(size + 2..).ok_or("short chunk end")?;
    }
}

/// Encodes `body` as HTTP/1.1 chunks of `chunk` bytes, with the final empty chunk.
pub fn chunked(body: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for part in body.chunks(chunk.max(1)) {
        out.extend_from_slice(format!("{:X}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

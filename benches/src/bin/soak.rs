//! Soak and shutdown test (issue 11) against a running example receiver binary: not a timed
//! unit test, a load run that reports figures.
//!
//! `cargo run --release -p gcp-events-benches --bin soak -- target/release/axum-receiver 60`
//!
//! 1. **Soak**: `CONNECTIONS` keep-alive connections send, as fast as the receiver answers, a
//!    mix of valid pushes (201), invalid JSON (400), wrong shapes (404), wrong methods (405) and
//!    over-limit declared bodies (413, connection closed by the server, reopened). Every answer
//!    must be the expected status. The receiver's resident memory is sampled after a warm-up
//!    (a fifth of the run) and at the end.
//! 2. **Shutdown**: a second receiver gets the same load plus 16 slow events (1.5 s handlers);
//!    SIGTERM comes while they are in their handlers. Every one of them must be answered 201
//!    (accepted requests finish); background requests that meet a connection the receiver is
//!    closing were never accepted and are only counted.
//!
//! Exits non-zero when a status is unexpected, a request is dropped, or memory grew 5 % or more.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

const CONNECTIONS: usize = 32;
const PUSH: &str = r#"{"message":{"data":"eyJvcmRlciI6MTd9","messageId":"1","attributes":{"a":"b"}},"subscription":"projects/p/subscriptions/s"}"#;

/// (request bytes, expected status) for request number `n`.
fn request(n: u64) -> (Vec<u8>, u16) {
    let head = |method: &str, path: &str, extra: &str, body: &str| {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let (text, status) = match n % 10 {
        0..=5 => (head("POST", "/gcp-events/events/order/17?x=1", "", PUSH), 201),
        6 => (head("POST", "/gcp-events/events/order/17", "", "{not json"), 400),
        7 => (head("POST", "/gcp-events/events/order", "", "{}"), 404),
        8 => (head("GET", "/gcp-events/events/order/17", "", ""), 405),
        _ => (
            // Declared over the 16 MiB limit, body never sent: 413 at once, connection closed.
            "POST /gcp-events/events/order/17 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n".to_owned(),
            413,
        ),
    };
    (text.into_bytes(), status)
}

/// Reads one response: its status and whether the server closes the connection.
async fn response(reader: &mut BufReader<TcpStream>) -> Option<(u16, bool)> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
    let (mut length, mut close) = (0usize, false);
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(v) = header.strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if header == "connection: close" {
            close = true;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    Some((status, close))
}

#[derive(Default)]
struct Counts {
    answered: AtomicU64,
    unexpected: AtomicU64,
    dropped: AtomicU64,
}

/// One connection's loop until `stop`: returns when the receiver refuses new connections.
async fn client(
    addr: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
    mut n: u64,
) {
    'connect: while !stop.load(Ordering::Relaxed) {
        let Ok(stream) = TcpStream::connect(addr).await else {
            return; // not accepting any more (shutdown)
        };
        let mut reader = BufReader::new(stream);
        while !stop.load(Ordering::Relaxed) {
            let (bytes, expected) = request(n);
            n += 7;
            if reader.get_mut().write_all(&bytes).await.is_err() {
                continue 'connect;
            }
            match response(&mut reader).await {
                Some((status, close)) => {
                    counts.answered.fetch_add(1, Ordering::Relaxed);
                    if status != expected {
                        counts.unexpected.fetch_add(1, Ordering::Relaxed);
                        eprintln!("unexpected {status} (wanted {expected})");
                    }
                    if close {
                        continue 'connect;
                    }
                }
                None => {
                    counts.dropped.fetch_add(1, Ordering::Relaxed);
                    continue 'connect;
                }
            }
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn start(bin: &str) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(bin)
        .env("PORT", "0")
        .env("HOST", "127.0.0.1")
        .env("RUST_LOG", "warn,gcp_events_examples=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the receiver");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the receiver announces its address");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}

async fn load(
    addr: std::net::SocketAddr,
    counts: &Arc<Counts>,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..CONNECTIONS)
        .map(|i| tokio::spawn(client(addr, stop.clone(), counts.clone(), i as u64)))
        .collect()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let bin = args.next().expect("usage: soak RECEIVER_BINARY [SECONDS]");
    let seconds: u64 = args.next().map_or(60, |s| s.parse().expect("seconds"));
    let mut failed = false;

    // 1. Soak.
    let (child, addr) = start(&bin).await;
    let pid = child.id().unwrap();
    let (counts, stop) = (
        Arc::new(Counts::default()),
        Arc::new(AtomicBool::new(false)),
    );
    let started = Instant::now();
    let clients = load(addr, &counts, &stop).await;
    tokio::time::sleep(Duration::from_secs(seconds / 5)).await;
    let warm = rss_kib(pid);
    tokio::time::sleep(Duration::from_secs(seconds - seconds / 5)).await;
    let end = rss_kib(pid);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }
    let answered = counts.answered.load(Ordering::Relaxed);
    let growth = (end as f64 - warm as f64) / warm.max(1) as f64 * 100.0;
    println!(
        "soak {bin}: {answered} answers in {:.0} s ({:.0}/s), {} unexpected, {} dropped; RSS {warm} KiB after warm-up, {end} KiB at the end ({growth:+.2} %)",
        started.elapsed().as_secs_f64(),
        answered as f64 / started.elapsed().as_secs_f64(),
        counts.unexpected.load(Ordering::Relaxed),
        counts.dropped.load(Ordering::Relaxed),
    );
    failed |= counts.unexpected.load(Ordering::Relaxed) > 0
        || counts.dropped.load(Ordering::Relaxed) > 0
        || growth >= 5.0;
    drop(child);

    // 2. Shutdown under load: slow events in their handlers when SIGTERM comes must all be
    //    answered; the background load's requests that meet a closing connection were never
    //    accepted (reported, not failed).
    let (mut child, addr) = start(&bin).await;
    let (counts, stop) = (
        Arc::new(Counts::default()),
        Arc::new(AtomicBool::new(false)),
    );
    let clients = load(addr, &counts, &stop).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let slow: Vec<_> = (0..16)
        .map(|i| {
            tokio::spawn(async move {
                let stream = TcpStream::connect(addr).await.ok()?;
                let mut reader = BufReader::new(stream);
                let text = format!("POST /gcp-events/events/slow/{i}?ms=1500 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{{}}");
                reader.get_mut().write_all(text.as_bytes()).await.ok()?;
                response(&mut reader).await.map(|(status, _)| status)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await; // the slow events are in their handlers
    let before = counts.answered.load(Ordering::Relaxed);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status();
    let mut in_flight = Vec::new();
    for s in slow {
        in_flight.push(s.await.unwrap());
    }
    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }
    let answered_in_flight = in_flight.iter().filter(|s| **s == Some(201)).count();
    println!(
        "shutdown {bin}: {answered_in_flight} of {} events in their handlers at SIGTERM answered 201; background load: {before} answers before SIGTERM, {} after, {} met a closing connection (never accepted), {} unexpected; exit {:?}",
        in_flight.len(),
        counts.answered.load(Ordering::Relaxed) - before,
        counts.dropped.load(Ordering::Relaxed),
        counts.unexpected.load(Ordering::Relaxed),
        exit.map(|e| e.map(|s| s.code())),
    );
    failed |=
        answered_in_flight != in_flight.len() || counts.unexpected.load(Ordering::Relaxed) > 0;
    std::process::exit(i32::from(failed));
}

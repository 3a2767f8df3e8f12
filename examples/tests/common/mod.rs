//! What the example tests share: starting a receiver binary as a user would, and reading the
//! event lines it prints.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// One test per receiver binary, so a failure names the framework.
#[allow(unused_macros)]
macro_rules! per_receiver {
    ($check:ident: $($name:ident => $bin:literal),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                $check(env!($bin)).await;
            }
        )*
    };
}

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

pub(crate) struct Receiver {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
    pub(crate) stdout: Lines<BufReader<ChildStdout>>,
    /// What the receiver logged before it announced its address.
    pub(crate) startup_log: String,
    /// Every later stderr line.
    pub(crate) stderr: tokio::sync::mpsc::UnboundedReceiver<String>,
}

/// The receiver with none of this process's `GCP_EVENTS_*` settings (the test script sets
/// some for the differential test; the receivers refuse names they do not know).
pub(crate) fn receiver_command(bin: &str) -> Command {
    let mut command = Command::new(bin);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("GCP_EVENTS_")) {
        command.env_remove(name);
    }
    command
}

pub(crate) async fn start_with(bin: &str, env: &[(&str, &str)]) -> Receiver {
    let mut command = receiver_command(bin);
    // `env` may set its own RUST_LOG.
    command.env("RUST_LOG", "info").envs(env.iter().copied());
    command.env("PORT", "0").env("HOST", "127.0.0.1");
    spawn(command).await
}

/// Starts `command` (its environment set by the caller) and waits until it announces its
/// address.
pub(crate) async fn spawn(mut command: Command) -> Receiver {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the receiver");
    let stderr = child.stderr.take().unwrap();
    let mut err_lines = BufReader::new(stderr).lines();
    let mut startup_log = String::new();
    let addr = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = err_lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return rest
                    .split('/')
                    .next()
                    .unwrap()
                    .parse::<SocketAddr>()
                    .unwrap();
            }
            startup_log.push_str(&line);
            startup_log.push('\n');
        }
        panic!("the receiver exited without announcing its address: {startup_log}");
    })
    .await
    .expect("the receiver announced its address");
    // Keep draining stderr so the child never blocks on a full pipe; tests may read the lines.
    let (tx, stderr) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok(Some(line)) = err_lines.next_line().await {
            let _ = tx.send(line);
        }
    });
    let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    Receiver {
        child,
        addr,
        stdout,
        startup_log,
        stderr,
    }
}

pub(crate) async fn next_line(r: &mut Receiver) -> serde_json::Value {
    let line = tokio::time::timeout(Duration::from_secs(20), r.stdout.next_line())
        .await
        .expect("a line within 20 s")
        .unwrap()
        .expect("a line before the output closed");
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not one JSON line ({e}): {line}"))
}

pub(crate) async fn post(addr: SocketAddr, target: &str, body: &str) -> (u16, String) {
    post_with(addr, target, "", body).await
}

/// POST with extra header lines (each ending in `\r\n`).
pub(crate) async fn post_with(
    addr: SocketAddr,
    target: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    exchange(addr, "POST", target, headers, body).await
}

/// One request with any body on its own connection; the status and the body.
pub(crate) async fn exchange_bytes(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &[u8],
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut out = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut out)
        .await
        .unwrap();
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

/// One request on its own connection; the status and the body.
pub(crate) async fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    exchange_bytes(addr, method, target, headers, body.as_bytes()).await
}

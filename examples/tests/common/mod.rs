//! What the example tests share: starting a receiver binary as a user would, and reading the
//! event lines it prints.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
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
    command.envs(env.iter().copied());
    let mut child = command
        .env("PORT", "0")
        .env("HOST", "127.0.0.1")
        .env("RUST_LOG", "info")
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

//! A real `redis-server` for tests: started on a free loopback port, stopped by its PID.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `redis-server` child process (Debian's `redis-server` package), with no persistence.
/// Stopped when dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// Starts `redis-server` on a free port of 127.0.0.1 and waits until it answers `PING`.
    /// Panics with what to install when there is no `redis-server`.
    pub fn start() -> Self {
        let mut server = Self {
            child: None,
            port: 0,
        };
        // The port is free when chosen; another test may take it before redis-server binds,
        // and then redis-server exits: try another.
        for _ in 0..5 {
            server.port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free loopback port");
            if server.try_start() {
                return server;
            }
        }
        panic!("redis-server did not come up on any of 5 free ports");
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops the server (by its PID) and waits for it to exit; the port stays this server's.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (after [`stop`](Self::stop)).
    pub fn restart(&mut self) {
        assert!(
            self.try_start(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Starts the server on its port; `false` if it exited (the port was taken).
    fn try_start(&mut self) -> bool {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start redis-server ({e}): these tests need a real Redis; install \
                     Debian's package (`apt-get install redis-server`, as .ci/run does)"
                )
            });
        self.child = Some(child);
        let port = self.port;
        let what = format!("redis-server answering PING on port {port}");
        super::wait_until_up(&mut self.child, Duration::from_secs(10), &what, || {
            answers_ping(port)
        })
    }
}

/// Whether a Redis on `port` answers `PING`.
fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

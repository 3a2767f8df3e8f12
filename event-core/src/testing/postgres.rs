//! A real PostgreSQL for tests: `initdb` into a fresh temporary directory, `postgres` on a free
//! loopback port as an unprivileged user, stopped by its PID (a fast shutdown), the directory
//! removed when dropped. Debian's `postgresql` package provides the binaries
//! (`/usr/lib/postgresql/<version>/bin`).
//!
//! PostgreSQL refuses to run as root: when the tests run as root (as CI does), the server and
//! `initdb` run as `nobody`, set on the child process itself (no `su`, so the PID is the
//! server's).

use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `postgres` child process with its own data directory; stopped and removed when dropped.
pub struct PostgresServer {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    user: Option<(u32, u32)>,
    child: Option<Child>,
    /// `fsync` on: commits wait for the disk, as a production server's do.
    durable: bool,
}

impl std::fmt::Debug for PostgresServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresServer")
            .field("port", &self.port)
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
}

impl PostgresServer {
    /// Makes a new cluster and starts it on a free port of 127.0.0.1, waiting until it accepts
    /// connections, with `fsync=off` (fast tests; a crash of the machine may lose commits,
    /// never one of the server process). Panics with what to install when PostgreSQL is missing.
    pub fn start() -> Self {
        Self::start_with(false)
    }

    /// As [`start`](Self::start), with `fsync` on: commits wait for the disk as a production
    /// server's do (for benchmarks that must not flatter a design that writes more).
    pub fn start_durable() -> Self {
        Self::start_with(true)
    }

    fn start_with(durable: bool) -> Self {
        let bin = server_bin_dir();
        let user = unprivileged_user();
        let data = std::env::temp_dir().join(format!(
            "gcp-events-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&data).expect("a temporary data directory");
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(&data, Some(uid), Some(gid))
                .expect("chown the data directory");
        }
        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        as_user(&mut initdb, user);
        let out = initdb.output().expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut server = Self {
            bin,
            data,
            port: 0,
            user,
            child: None,
            durable,
        };
        for _ in 0..5 {
            server.port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free loopback port");
            if server.try_start() {
                return server;
            }
        }
        panic!("postgres did not come up on any of 5 free ports");
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it accepts connections now (`pg_isready`).
    pub fn is_ready(&self) -> bool {
        pg_isready(&self.bin, self.port)
    }

    /// Stops the server by its PID (SIGINT: a fast shutdown) and waits for it to exit; the
    /// data and the port stay this server's.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let interrupted = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if !interrupted {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }

    /// What the server has logged so far (its standard error, across restarts): for tests that
    /// a workload leaves no `ERROR` line.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The directory of the server's Unix socket (a `host=` for socket URLs, as Cloud SQL's
    /// `/cloudsql/…`).
    pub fn socket_dir(&self) -> &Path {
        &self.data
    }

    fn log_path(&self) -> PathBuf {
        self.data.with_extension("log")
    }

    /// The log, appended to (or nothing, if it cannot be opened).
    fn log_file(&self) -> Stdio {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_or_else(|_| Stdio::null(), Stdio::from)
    }

    /// Starts the server again on the same port and data (after [`stop`](Self::stop)).
    pub fn restart(&mut self) {
        assert!(
            self.try_start(),
            "postgres did not restart on port {}",
            self.port
        );
    }

    fn try_start(&mut self) -> bool {
        self.stop();
        let mut command = Command::new(self.bin.join("postgres"));
        command
            .arg("-D")
            .arg(&self.data)
            .args([
                "-p",
                &self.port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
            ])
            .arg("-k")
            .arg(&self.data)
            .args([
                "-c",
                if self.durable {
                    "fsync=on"
                } else {
                    "fsync=off"
                },
            ])
            .args(["-c", "max_connections=100"])
            .stdout(Stdio::null())
            .stderr(self.log_file());
        as_user(&mut command, self.user);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start postgres from {}: {e}", self.bin.display()));
        self.child = Some(child);
        let (bin, port) = (self.bin.clone(), self.port);
        let what = format!("postgres accepting connections on port {port}");
        super::wait_until_up(&mut self.child, Duration::from_secs(30), &what, || {
            pg_isready(&bin, port)
        })
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.data);
        let _ = std::fs::remove_file(self.log_path());
    }
}

/// Whether the server on `port` accepts connections (Debian's `pg_isready`, 1 s at most).
fn pg_isready(bin: &Path, port: u16) -> bool {
    Command::new(bin.join("pg_isready"))
        .args(["-q", "-h", "127.0.0.1", "-t", "1", "-p", &port.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The newest `/usr/lib/postgresql/<version>/bin` that has `initdb` and `postgres`.
fn server_bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("postgres").is_file())
                .then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "no PostgreSQL server under /usr/lib/postgresql/*/bin: these tests need a real \
             PostgreSQL; install Debian's package (`apt-get install postgresql`, as \
             `bash scripts/test.sh` does when it can)"
        )
    })
}

/// `nobody`'s uid and gid when running as root (PostgreSQL refuses root), else `None`.
fn unprivileged_user() -> Option<(u32, u32)> {
    let id = |flag: &str, who: Option<&str>| -> Option<u32> {
        let out = Command::new("id").arg(flag).args(who).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    if id("-u", None)? != 0 {
        return None;
    }
    Some((id("-u", Some("nobody"))?, id("-g", Some("nobody"))?))
}

fn as_user(command: &mut Command, user: Option<(u32, u32)>) {
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid);
    }
}

//! The load benchmark (issue 13): CPU per request of the library on each framework against the
//! bare framework, and of a typed handler against a hand-written decoder.
//!
//! ```sh
//! bash benches/load.sh            # builds (release) and runs: 5 rounds of 10 s per server
//! bash benches/load.sh --rounds 7 --duration 15 --servers bare-axum,lib-axum
//! ```
//!
//! For each round, each server of `load-server` in turn (so the servers alternate and a slow
//! minute of the shared machine hurts every server alike): started pinned to core 0
//! (`taskset -c 0`), warmed up for 2 s, then loaded by `wrk` pinned to core 1 (one thread, 64
//! keep-alive connections) posting the 1840-byte push envelope of `benches/make_body.py`.
//! The server's CPU time (user + system, all threads) comes from `/proc/PID/stat` before and
//! after the measured run, its peak RSS from `VmHWM` in `/proc/PID/status`, requests and p99
//! latency from wrk. Prints per-round figures, the medians, the ratios and whether each
//! target of the issue is met; exits non-zero if any answer was not 2xx.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const ALL: &[&str] = &[
    "bare-axum",
    "lib-axum",
    "bare-warp",
    "lib-warp",
    "bare-poem",
    "lib-poem",
    "hand-axum",
    "lib-axum-typed",
    "lib-warp-typed",
    "lib-poem-typed",
];

struct Options {
    rounds: usize,
    duration: u64,
    connections: u32,
    servers: Vec<String>,
    body: String,
    server_bin: String,
}

fn options() -> Options {
    let mut o = Options {
        rounds: 5,
        duration: 10,
        connections: 64,
        servers: ALL.iter().map(|s| (*s).to_owned()).collect(),
        body: "target/load-body.json".to_owned(),
        server_bin: "target/release/load-server".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--rounds" => o.rounds = value().parse().unwrap_or_else(|_| usage("--rounds N")),
            "--duration" => o.duration = value().parse().unwrap_or_else(|_| usage("--duration S")),
            "--connections" => {
                o.connections = value().parse().unwrap_or_else(|_| usage("--connections N"))
            }
            "--servers" => o.servers = value().split(',').map(str::to_owned).collect(),
            "--body" => o.body = value(),
            "--server-bin" => o.server_bin = value(),
            _ => usage(&format!("unknown argument {arg}")),
        }
    }
    o
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "{problem}\nusage: load [--rounds N] [--duration S] [--connections N] [--servers a,b] [--body FILE] [--server-bin PATH]\nservers: {}",
        ALL.join(",")
    );
    std::process::exit(2)
}

/// One measured run of one server.
#[derive(Clone, Copy, Debug)]
struct Run {
    cpu_us_per_request: f64,
    requests_per_second: f64,
    p99_ms: f64,
    peak_rss_mib: f64,
}

fn clock_ticks() -> f64 {
    let out = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("getconf");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(100.0)
}

/// utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A wrk duration ("850.00us", "1.23ms", "2.00s") in milliseconds.
fn millis(text: &str) -> f64 {
    let (number, unit) =
        text.split_at(text.find(|c: char| c.is_alphabetic()).unwrap_or(text.len()));
    let n: f64 = number.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

struct WrkResult {
    requests: u64,
    seconds: f64,
    p99_ms: f64,
    non_2xx: u64,
    errors: String,
}

fn wrk(url: &str, script: &str, connections: u32, seconds: u64) -> WrkResult {
    let out = Command::new("taskset")
        .args(["-c", "1", "wrk", "-t1", "--latency", "-s", script])
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg(url)
        .output()
        .expect("run wrk (Debian package wrk) under taskset");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut result = WrkResult {
        requests: 0,
        seconds: seconds as f64,
        p99_ms: f64::NAN,
        non_2xx: 0,
        errors: String::new(),
    };
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() >= 4 && words[1] == "requests" && words[2] == "in" {
            result.requests = words[0].parse().unwrap_or(0);
            result.seconds = millis(words[3].trim_end_matches(',')) / 1000.0;
        } else if words.first() == Some(&"99%") {
            result.p99_ms = millis(words[1]);
        } else if line.starts_with("Non-2xx or 3xx responses:") {
            result.non_2xx = words.last().and_then(|n| n.parse().ok()).unwrap_or(0);
        } else if line.starts_with("Socket errors:") {
            result.errors = line.to_owned();
        }
    }
    if result.requests == 0 {
        eprintln!("wrk said:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    }
    result
}

fn measure(o: &Options, name: &str, script: &str, ticks: f64) -> Run {
    let mut child = Command::new("taskset")
        .args(["-c", "0", &o.server_bin, name])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start load-server under taskset (build it first: see benches/load.sh)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{name} did not start: {line:?}"))
        .to_owned();
    let url = format!("http://{addr}/gcp-events/events/order/17");
    // taskset execs the server, so the child's PID is the server's.
    let pid = child.id();
    let warm = wrk(&url, script, o.connections, 2);
    assert!(warm.requests > 0, "{name}: no answers during warm-up");
    let before = cpu_ticks(pid);
    let result = wrk(&url, script, o.connections, o.duration);
    let after = cpu_ticks(pid);
    let rss = peak_rss_kib(pid);
    let _ = child.kill();
    let _ = child.wait();
    if result.non_2xx > 0 || warm.non_2xx > 0 || result.requests == 0 {
        eprintln!(
            "{name}: {} answers were not 2xx ({} requests) {}",
            result.non_2xx + warm.non_2xx,
            result.requests,
            result.errors
        );
        std::process::exit(1);
    }
    let cpu_seconds = (after - before) as f64 / ticks;
    Run {
        cpu_us_per_request: cpu_seconds * 1e6 / result.requests as f64,
        requests_per_second: result.requests as f64 / result.seconds,
        p99_ms: result.p99_ms,
        peak_rss_mib: rss as f64 / 1024.0,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn main() {
    let o = options();
    if std::fs::metadata(&o.body).is_err() {
        usage(&format!(
            "no body file {} (benches/load.sh writes it)",
            o.body
        ));
    }
    let body_path = std::fs::canonicalize(&o.body).unwrap();
    let script = std::env::temp_dir().join(format!("gcp-events-load-{}.lua", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "local f = assert(io.open({:?}, \"rb\"))\nwrk.body = f:read(\"*a\")\nf:close()\nwrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
            body_path.display().to_string()
        ),
    )
    .unwrap();
    let script = script.display().to_string();
    let ticks = clock_ticks();
    let body_len = std::fs::metadata(&o.body).unwrap().len();
    println!(
        "load: {} rounds x {} s per server, {} connections, body {} bytes; server on core 0, wrk on core 1",
        o.rounds, o.duration, o.connections, body_len
    );
    let mut runs: Vec<(String, Vec<Run>)> =
        o.servers.iter().map(|s| (s.clone(), Vec::new())).collect();
    for round in 1..=o.rounds {
        for (name, results) in &mut runs {
            let run = measure(&o, name, &script, ticks);
            println!(
                "round {round} {name:<15} {:>6.2} µs CPU/req {:>9.0} req/s  p99 {:>6.2} ms  RSS {:>5.1} MiB",
                run.cpu_us_per_request, run.requests_per_second, run.p99_ms, run.peak_rss_mib
            );
            results.push(run);
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let _ = std::fs::remove_file(&script);
    let med = |name: &str, f: fn(&Run) -> f64| -> Option<f64> {
        runs.iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| median(r.iter().map(f).collect()))
    };
    println!("\nmedians of {} runs:", o.rounds);
    println!("| server | CPU µs/req | req/s | p99 ms | peak RSS MiB |");
    println!("|---|---|---|---|---|");
    for (name, _) in &runs {
        println!(
            "| {name} | {:.2} | {:.0} | {:.2} | {:.1} |",
            med(name, |r| r.cpu_us_per_request).unwrap(),
            med(name, |r| r.requests_per_second).unwrap(),
            med(name, |r| r.p99_ms).unwrap(),
            med(name, |r| r.peak_rss_mib).unwrap(),
        );
    }
    println!("\nratios (medians) and targets:");
    let mut all_met = true;
    let mut check = |label: String, ratio: f64, target: f64| {
        let met = ratio <= target;
        all_met &= met;
        println!(
            "  {label:<48} {ratio:>5.2}x  (target <= {target:.2}x) {}",
            if met { "met" } else { "NOT MET" }
        );
    };
    for fw in ["axum", "warp", "poem"] {
        let (bare, lib) = (format!("bare-{fw}"), format!("lib-{fw}"));
        if let (Some(b), Some(l)) = (
            med(&bare, |r| r.cpu_us_per_request),
            med(&lib, |r| r.cpu_us_per_request),
        ) {
            check(format!("CPU/req {lib} (no-op) vs {bare}"), l / b, 1.00);
            let p99 = med(&lib, |r| r.p99_ms).unwrap() / med(&bare, |r| r.p99_ms).unwrap();
            check(format!("p99 latency {lib} vs {bare}"), p99, 1.10);
            let rss =
                med(&lib, |r| r.peak_rss_mib).unwrap() / med(&bare, |r| r.peak_rss_mib).unwrap();
            check(format!("peak RSS {lib} vs {bare}"), rss, 1.50);
        }
    }
    if let (Some(h), Some(t)) = (
        med("hand-axum", |r| r.cpu_us_per_request),
        med("lib-axum-typed", |r| r.cpu_us_per_request),
    ) {
        check(
            "CPU/req lib-axum-typed vs hand-axum".to_owned(),
            t / h,
            0.80,
        );
    }
    println!(
        "{}",
        if all_met {
            "every target met"
        } else {
            "some targets not met (see above)"
        }
    );
}

//! Delivers Pub/Sub messages to a receiver the way Google does (issue 12, part 4):
//! `cargo run -p gcp-events-examples --bin push -- URL [options]` (`--help` lists them).
//!
//! The local Pub/Sub emulator sends no OIDC token and no Eventarc CloudEvents; this does: a
//! wrapped or unwrapped push, or an Eventarc CloudEvent in binary or structured mode, each
//! request signed with a local key when `--oidc` is given (that key's JWKS is served on
//! loopback, and the settings a receiver needs to trust it are printed). A non-2xx answer is a
//! non-ack: the message comes again after an exponential backoff with a growing
//! `deliveryAttempt`, until `--max-attempts`, after which it is dead-lettered. The summary
//! (stdout; one JSON object with `--json`) counts delivered, redelivered and dead-lettered
//! messages and the latency of the answers.
//!
//! The requests are built by the library's test kit ([`TestPush`], [`LocalOidc`]), so the CLI
//! and the tests send the same bytes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gcp_events_core::testing::auth::{JwksServer, LocalOidc};
use gcp_events_core::testing::requests::{TestPush, TestSchedulerRun, TestTask};
use http_body_util::BodyExt as _;

const USAGE: &str = "\
usage: push URL [options]

Delivers Pub/Sub messages to URL as Google does, retrying non-acks.

  --format F            wrapped (default) | unwrapped | unwrapped-no-metadata | binary | structured
                        | cloud-tasks | cloud-scheduler
                        (binary and structured: an Eventarc CloudEvent; Eventarc posts to /;
                        cloud-tasks: queue = the subscription's short name, task = the message
                        id, retry and execution counts and the previous response growing with
                        each retry; cloud-scheduler: job = the subscription's short name, one
                        run per message with its own schedule time; attributes are not sent)
  --data TEXT           the message data (default {})
  --data-file PATH      the message data, from a file
  --attribute K=V       a message attribute (repeatable)
  --ordering-key K      the ordering key
  --message-id ID       the message id (default: a fresh one per run; ID-1, ID-2… with --count)
  --subscription S      projects/P/subscriptions/S (default projects/local/subscriptions/push)
  --topic T             projects/P/topics/T (default projects/local/topics/push)
  --count N             messages to deliver (default 1)
  --concurrency C       messages in flight at once (default 1)
  --max-attempts N      attempts before a message is dead-lettered (default 5)
  --min-backoff-ms MS   first retry delay, doubled each time (default 100)
  --max-backoff-ms MS   longest retry delay (default 10000)
  --oidc                sign each request with a local key, serve its JWKS on loopback
  --audience A          the token's aud (default: URL)
  --email E             the token's service account (default push@local.iam.gserviceaccount.com)
  --jwks-addr ADDR      where the JWKS is served (default 127.0.0.1:8095)
  --print-settings      print the receiver settings that trust --oidc, and exit
  --json                the summary as one JSON object
  --help                this text

Exit status: 0 when every message was delivered, 1 when any was dead-lettered, 2 on bad usage.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Wrapped,
    Unwrapped,
    UnwrappedNoMetadata,
    Binary,
    Structured,
    CloudTasks,
    CloudScheduler,
}

#[derive(Debug, Clone)]
struct Options {
    url: String,
    format: Format,
    data: Vec<u8>,
    attributes: Vec<(String, String)>,
    ordering_key: Option<String>,
    message_id: Option<String>,
    subscription: String,
    topic: String,
    count: usize,
    concurrency: usize,
    max_attempts: u32,
    min_backoff: Duration,
    max_backoff: Duration,
    oidc: bool,
    audience: Option<String>,
    email: String,
    jwks_addr: String,
    print_settings: bool,
    json: bool,
    /// When the run started: Scheduler runs are scheduled from it.
    started: chrono::DateTime<chrono::Utc>,
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options {
        url: String::new(),
        format: Format::Wrapped,
        data: b"{}".to_vec(),
        attributes: Vec::new(),
        ordering_key: None,
        message_id: None,
        subscription: "projects/local/subscriptions/push".to_owned(),
        topic: "projects/local/topics/push".to_owned(),
        count: 1,
        concurrency: 1,
        max_attempts: 5,
        min_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(10_000),
        oidc: false,
        audience: None,
        email: "push@local.iam.gserviceaccount.com".to_owned(),
        jwks_addr: "127.0.0.1:8095".to_owned(),
        print_settings: false,
        json: false,
        started: chrono::Utc::now(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        fn number<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name} {v:?} is not a number"))
        }
        match arg.as_str() {
            "--help" | "-h" => return Err(String::new()),
            "--format" => {
                o.format = match value()?.as_str() {
                    "wrapped" => Format::Wrapped,
                    "unwrapped" => Format::Unwrapped,
                    "unwrapped-no-metadata" => Format::UnwrappedNoMetadata,
                    "binary" => Format::Binary,
                    "structured" => Format::Structured,
                    "cloud-tasks" => Format::CloudTasks,
                    "cloud-scheduler" => Format::CloudScheduler,
                    other => return Err(format!("unknown format {other:?}")),
                }
            }
            "--data" => o.data = value()?.into_bytes(),
            "--data-file" => {
                let path = value()?;
                o.data = std::fs::read(&path).map_err(|e| format!("--data-file {path}: {e}"))?;
            }
            "--attribute" => {
                let pair = value()?;
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--attribute {pair:?}: use KEY=VALUE"))?;
                o.attributes.push((k.to_owned(), v.to_owned()));
            }
            "--ordering-key" => o.ordering_key = Some(value()?),
            "--message-id" => o.message_id = Some(value()?),
            "--subscription" => o.subscription = value()?,
            "--topic" => o.topic = value()?,
            "--count" => o.count = number("--count", value()?)?,
            "--concurrency" => o.concurrency = number::<usize>("--concurrency", value()?)?.max(1),
            "--max-attempts" => o.max_attempts = number::<u32>("--max-attempts", value()?)?.max(1),
            "--min-backoff-ms" => {
                o.min_backoff = Duration::from_millis(number("--min-backoff-ms", value()?)?)
            }
            "--max-backoff-ms" => {
                o.max_backoff = Duration::from_millis(number("--max-backoff-ms", value()?)?)
            }
            "--oidc" => o.oidc = true,
            "--audience" => o.audience = Some(value()?),
            "--email" => o.email = value()?,
            "--jwks-addr" => o.jwks_addr = value()?,
            "--print-settings" => o.print_settings = true,
            "--json" => o.json = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            url if o.url.is_empty() => o.url = url.to_owned(),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    if o.url.is_empty() {
        return Err("the receiver's URL is missing".to_owned());
    }
    let parsed = url::Url::parse(&o.url).map_err(|e| format!("URL {:?}: {e}", o.url))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("URL {:?}: use http:// or https://", o.url));
    }
    Ok(o)
}

/// The settings a receiver needs to trust this CLI's tokens, one `NAME=value` per line.
fn settings(o: &Options) -> String {
    format!(
        "GCP_EVENTS_AUDIENCE={}\nGCP_EVENTS_ALLOWED_EMAILS={}\nGCP_EVENTS_JWKS_URL=http://{}/oauth2/v3/certs",
        o.audience.as_deref().unwrap_or(&o.url),
        o.email,
        o.jwks_addr
    )
}

/// Message number `n`'s id: `--message-id`, numbered with `--count`, or a fresh one.
fn message_id(o: &Options, n: usize) -> String {
    match (&o.message_id, o.count) {
        (Some(id), 1) => id.clone(),
        (Some(id), _) => format!("{id}-{n}"),
        (None, _) => format!("{}-{n}", std::process::id()),
    }
}

/// Message number `n`, as published: its id and publish time stay the same on redelivery.
fn message(o: &Options, n: usize, token: Option<&str>) -> TestPush {
    let id = message_id(o, n);
    let mut push = TestPush::data(o.data.clone())
        .message_id(id)
        .subscription(o.subscription.clone())
        .topic(o.topic.clone());
    for (k, v) in &o.attributes {
        push = push.attribute(k.clone(), v.clone());
    }
    if let Some(key) = &o.ordering_key {
        push = push.ordering_key(key.clone());
    }
    if let Some(token) = token {
        push = push.bearer(token);
    }
    push
}

/// Attempt `attempt` (1-based) of message `n` as a Cloud Tasks task (its counts grow with each
/// retry, carrying the previous answer) or a Cloud Scheduler run (its schedule time stays).
fn job_request(
    o: &Options,
    n: usize,
    attempt: u32,
    previous: Option<u16>,
    token: Option<&str>,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let name = o.subscription.rsplit('/').next().unwrap_or("push");
    let bearer = token.map(|t| ("authorization", format!("Bearer {t}")));
    if o.format == Format::CloudTasks {
        let mut task = TestTask::new(name, &message_id(o, n)).body(o.data.clone());
        for _ in 1..attempt {
            task = task.retried_after(previous.unwrap_or(500));
        }
        if let Some((header, value)) = bearer {
            task = task.header(header, value);
        }
        return task.request("/");
    }
    let at = o.started + chrono::Duration::seconds(i64::try_from(n).unwrap_or(0));
    let mut run = TestSchedulerRun::new(name, at).body(o.data.clone());
    if let Some((header, value)) = bearer {
        run = run.header(header, value);
    }
    run.request("/")
}

/// The request for attempt `attempt` (1-based) of message `n`: headers and body.
async fn request(
    o: &Options,
    (n, message): (usize, &TestPush),
    attempt: u32,
    previous: Option<u16>,
    token: Option<&str>,
) -> Result<(http::HeaderMap, bytes::Bytes), String> {
    // Pub/Sub sets deliveryAttempt (wrapped push only) when the subscription dead-letters.
    let push = message.clone().delivery_attempt(attempt);
    let path = "/";
    let request = match o.format {
        Format::Wrapped => push.wrapped(path),
        Format::Unwrapped => push.unwrapped(path),
        Format::UnwrappedNoMetadata => push.unwrapped_without_metadata(path),
        Format::Binary => push.cloud_event_binary(path),
        Format::Structured => push.cloud_event_structured(path),
        Format::CloudTasks | Format::CloudScheduler => job_request(o, n, attempt, previous, token),
    };
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("request body: {e}"))?
        .to_bytes();
    let mut headers = parts.headers;
    // The kit's requests are for in-process use; over the network the client says the host.
    headers.remove(http::header::HOST);
    Ok((headers, body))
}

#[derive(Default)]
struct Tally {
    delivered: usize,
    redelivered: usize,
    dead_lettered: usize,
    attempts: usize,
    /// The latency of every answer, in milliseconds.
    latencies: Vec<f64>,
    /// The last refusal seen, for the summary.
    last_refusal: Option<String>,
}

async fn deliver(
    o: &Options,
    client: &reqwest::Client,
    n: usize,
    token: Option<&str>,
    tally: &Mutex<Tally>,
) -> Result<(), String> {
    let mut backoff = o.min_backoff;
    let message = message(o, n, token);
    let mut previous = None;
    for attempt in 1..=o.max_attempts {
        let (headers, body) = request(o, (n, &message), attempt, previous, token).await?;
        let started = Instant::now();
        let answer = client.post(&o.url).headers(headers).body(body).send().await;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        let refusal = match answer {
            Ok(r) if r.status().is_success() => None,
            Ok(r) => {
                previous = Some(r.status().as_u16());
                Some(format!("HTTP {}", r.status().as_u16()))
            }
            Err(e) => Some(format!("no answer: {e}")),
        };
        let delivered = {
            let mut t = tally
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            t.attempts += 1;
            t.latencies.push(took);
            match refusal {
                None => {
                    t.delivered += 1;
                    if attempt > 1 {
                        t.redelivered += 1;
                    }
                    true
                }
                Some(why) => {
                    t.last_refusal = Some(why);
                    false
                }
            }
        };
        if delivered {
            return Ok(());
        }
        if attempt < o.max_attempts {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(o.max_backoff);
        }
    }
    tally
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .dead_lettered += 1;
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let o = match parse(std::env::args().skip(1).collect()) {
        Ok(o) => o,
        Err(problem) if problem.is_empty() => {
            println!("{USAGE}");
            return;
        }
        Err(problem) => {
            eprintln!("push: {problem}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    if o.print_settings {
        println!("{}", settings(&o));
        return;
    }
    match run(o).await {
        Ok(code) => std::process::exit(code),
        Err(problem) => {
            eprintln!("push: {problem}");
            std::process::exit(2);
        }
    }
}

async fn run(o: Options) -> Result<i32, String> {
    // The signer and its JWKS server live for the whole run: the receiver fetches the keys
    // when it first sees a token.
    let (token, _jwks) = if o.oidc {
        let oidc = LocalOidc::new(
            o.audience.clone().unwrap_or_else(|| o.url.clone()),
            o.email.clone(),
        );
        let listener = tokio::net::TcpListener::bind(&o.jwks_addr)
            .await
            .map_err(|e| format!("--jwks-addr {}: {e}", o.jwks_addr))?;
        let server = JwksServer::start_on(listener, oidc.jwks());
        eprintln!(
            "signing with a local test key; a receiver trusts it with:\n{}",
            settings(&o)
        );
        (Some(oidc.token()), Some(server))
    } else {
        (None, None)
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    let o = Arc::new(o);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let next = Arc::new(AtomicUsize::new(1));
    let started = Instant::now();
    let progress = {
        let (o, tally) = (Arc::clone(&o), Arc::clone(&tally));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let t = tally
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                eprintln!(
                    "push: {}/{} delivered, {} dead-lettered, {} attempts, {:.0} s",
                    t.delivered,
                    o.count,
                    t.dead_lettered,
                    t.attempts,
                    started.elapsed().as_secs_f64()
                );
            }
        })
    };
    let mut workers = tokio::task::JoinSet::<Result<(), String>>::new();
    for _ in 0..o.concurrency.min(o.count.max(1)) {
        let (o, client, token, tally, next) = (
            Arc::clone(&o),
            client.clone(),
            token.clone(),
            Arc::clone(&tally),
            Arc::clone(&next),
        );
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n > o.count {
                    return Ok(());
                }
                deliver(&o, &client, n, token.as_deref(), &tally).await?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.map_err(|e| format!("a worker stopped: {e}"))??;
    }
    progress.abort();
    let elapsed = started.elapsed().as_secs_f64();
    let t = std::mem::take(
        &mut *tally
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let mut latencies = t.latencies.clone();
    latencies.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&latencies, 50.0), percentile(&latencies, 99.0));
    let max = latencies.last().copied().unwrap_or(0.0);
    if o.json {
        let summary = serde_json::json!({
            "messages": o.count,
            "delivered": t.delivered,
            "redelivered": t.redelivered,
            "dead_lettered": t.dead_lettered,
            "attempts": t.attempts,
            "latency_ms": {"p50": p50, "p99": p99, "max": max},
            "elapsed_s": elapsed,
            "last_refusal": t.last_refusal,
        });
        println!("{summary}");
    } else {
        println!(
            "{} messages: {} delivered ({} after a redelivery), {} dead-lettered after {} attempts; {} attempts in {:.2} s",
            o.count, t.delivered, t.redelivered, t.dead_lettered, o.max_attempts, t.attempts, elapsed
        );
        println!("latency ms: p50 {p50:.2}, p99 {p99:.2}, max {max:.2}");
        if let Some(why) = &t.last_refusal {
            println!("last refusal: {why}");
        }
    }
    Ok(if t.dead_lettered > 0 { 1 } else { 0 })
}

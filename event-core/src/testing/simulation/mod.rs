//! A fault simulation: a Pub/Sub-like deliverer against a service, counting what happened to
//! every message (SPEC E8, R3–R5; R7 with [`Simulation::run_effects`], feature `postgres`).
//!
//! The deliverer behaves as Pub/Sub push does: it sends each message until one attempt is
//! acknowledged (a 2xx within the ack deadline); a non-2xx is redelivered after a short
//! backoff; an attempt still unanswered at the ack deadline is redelivered at once while the
//! first keeps running (as on another instance); and some deliveries are duplicated for no
//! reason, before or after the message was acknowledged. The application's handler fails a
//! share of its attempts and runs past the deadline in others; with effects, it also dies
//! mid-transaction (its request dropped) and answers get lost after the commit. Every choice
//! comes from a seeded generator, so a run is reproducible.
//!
//! ```text
//! let report = Simulation::default().run(|app| {
//!     EventService::builder().allow_unauthenticated()
//!         .handler_timeout(Duration::from_millis(30))
//!         .idempotency(MemoryStore::default())
//!         .handler(app)
//! }).await;
//! assert_eq!(report.handled_once, report.messages);
//! ```

#[cfg(feature = "postgres")]
mod effects;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::testing::push_request;
use crate::{handler_fn, EventHandler, EventService, EventServiceBuilder, HandlerError};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Distinct messages published.
    pub messages: usize,
    /// Share of handler attempts that fail (answered non-2xx, redelivered).
    pub failure_rate: f64,
    /// Share of deliveries sent twice at once, and of acknowledged messages sent once more.
    pub duplicate_rate: f64,
    /// Share of handler attempts that run past the ack deadline.
    pub slow_rate: f64,
    /// The subscription's ack deadline: the deliverer waits this long for an answer.
    pub ack_deadline: Duration,
    /// How long a slow attempt runs (more than the ack deadline).
    pub slow_for: Duration,
    /// Share of handler attempts during which the instance dies (the request's future is
    /// dropped mid-handler, after the handler's write): only in [`run_effects`](Self::run_effects)'s
    /// handler.
    pub crash_rate: f64,
    /// Share of 2xx answers lost on the way back (a crash between the commit and the answer):
    /// the deliverer redelivers as if none came.
    pub lost_answer_rate: f64,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for Simulation {
    /// 10 000 messages, 20 % failures, 5 % duplicates, 2 % slow attempts (80 ms against a
    /// 50 ms ack deadline), 256 deliveries in flight.
    fn default() -> Self {
        Self {
            messages: 10_000,
            failure_rate: 0.20,
            duplicate_rate: 0.05,
            slow_rate: 0.02,
            ack_deadline: Duration::from_millis(50),
            slow_for: Duration::from_millis(80),
            crash_rate: 0.0,
            lost_answer_rate: 0.0,
            concurrency: 256,
            seed: 20_261_202,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Distinct messages published.
    pub messages: usize,
    /// Requests the deliverer sent, duplicates included.
    pub deliveries: usize,
    /// Messages acknowledged (one 2xx within the deadline).
    pub acknowledged: usize,
    /// Messages whose handler completed exactly once.
    pub handled_once: usize,
    /// Messages whose handler completed more than once.
    pub handled_more_than_once: usize,
    /// Messages acknowledged although their handler never completed: must be 0.
    pub acknowledged_unhandled: usize,
    /// Handler attempts failed on purpose.
    pub injected_failures: usize,
    /// Handler attempts that ran past the ack deadline on purpose.
    pub injected_slow: usize,
    /// Duplicate deliveries sent on purpose.
    pub injected_duplicates: usize,
    /// Handler attempts whose instance died mid-handler on purpose.
    pub injected_crashes: usize,
    /// 2xx answers lost on purpose.
    pub lost_answers: usize,
    /// Attempts the deliverer stopped waiting for at the ack deadline.
    pub deadline_expiries: usize,
    /// Answers by status.
    pub statuses: BTreeMap<u16, usize>,
    /// Wall time of the run, in milliseconds.
    pub elapsed_ms: u128,
}

/// SplitMix64: a decision in [0, 1) for (seed, message, attempt, purpose).
fn chance(seed: u64, message: u64, attempt: u64, purpose: u64) -> f64 {
    let mut z = seed
        ^ message.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ attempt.wrapping_mul(0xBF58_476D_1CE4_E5B9)
        ^ purpose.wrapping_mul(0x94D0_49BB_1331_11EB);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

struct App {
    attempts: Vec<AtomicU32>,
    handled: Vec<AtomicU32>,
    failures: AtomicUsize,
    slow: AtomicUsize,
}

impl Simulation {
    /// Builds the service with `configure` (given the application's handler) and delivers
    /// every message to it.
    pub async fn run<C>(&self, configure: C) -> Report
    where
        C: FnOnce(Box<dyn EventHandler>) -> EventServiceBuilder,
    {
        let app = Arc::new(App {
            attempts: (0..self.messages).map(|_| AtomicU32::new(0)).collect(),
            handled: (0..self.messages).map(|_| AtomicU32::new(0)).collect(),
            failures: AtomicUsize::new(0),
            slow: AtomicUsize::new(0),
        });
        let handler = {
            let (app, sim) = (app.clone(), self.clone());
            handler_fn(move |event| {
                let (app, sim) = (app.clone(), sim.clone());
                async move {
                    let text = event.pubsub().map_err(HandlerError::new)?.data.clone();
                    let n: usize = std::str::from_utf8(&text)?.parse()?;
                    let attempt = u64::from(app.attempts[n].fetch_add(1, Ordering::SeqCst));
                    if chance(sim.seed, n as u64, attempt, 1) < sim.slow_rate {
                        app.slow.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(sim.slow_for).await;
                    }
                    if chance(sim.seed, n as u64, attempt, 2) < sim.failure_rate {
                        app.failures.fetch_add(1, Ordering::SeqCst);
                        return Err(HandlerError::new("injected failure"));
                    }
                    app.handled[n].fetch_add(1, Ordering::SeqCst);
                    Ok(())
                }
            })
        };
        let service = configure(Box::new(handler))
            .build()
            .expect("a valid simulation service");
        let (acknowledged, mut report) = self.deliver_all(&service).await;
        report.messages = self.messages;
        report.injected_failures = app.failures.load(Ordering::SeqCst);
        report.injected_slow = app.slow.load(Ordering::SeqCst);
        for (n, acked) in acknowledged.iter().enumerate() {
            let handled = app.handled[n].load(Ordering::SeqCst);
            report.acknowledged += usize::from(*acked);
            report.handled_once += usize::from(handled == 1);
            report.handled_more_than_once += usize::from(handled > 1);
            report.acknowledged_unhandled += usize::from(*acked && handled == 0);
        }
        report
    }

    /// Delivers every message until acknowledged; which were, and the log.
    async fn deliver_all(&self, service: &EventService) -> (Vec<bool>, Report) {
        let started = Instant::now();
        let slots = Arc::new(Semaphore::new(self.concurrency.max(1)));
        let log = Arc::new(Mutex::new(Report::default()));
        let mut tasks = Vec::with_capacity(self.messages);
        for n in 0..self.messages {
            let slot = Arc::clone(&slots)
                .acquire_owned()
                .await
                .expect("open semaphore");
            let (service, sim, log) = (service.clone(), self.clone(), log.clone());
            tasks.push(tokio::spawn(async move {
                let acknowledged = sim.deliver(&service, n, &log).await;
                drop(slot);
                acknowledged
            }));
        }
        let mut acknowledged = vec![false; self.messages];
        for (n, task) in tasks.into_iter().enumerate() {
            acknowledged[n] = task.await.unwrap_or(false);
        }
        // Let attempts that outlived their deadline finish before counting.
        tokio::time::sleep(self.slow_for * 2).await;
        let mut report = std::mem::take(&mut *log.lock().expect("log"));
        report.messages = self.messages;
        report.elapsed_ms = started.elapsed().as_millis();
        (acknowledged, report)
    }

    /// Delivers message `n` until it is acknowledged (at most 10 000 attempts).
    async fn deliver(&self, service: &EventService, n: usize, log: &Mutex<Report>) -> bool {
        let record = |status: Option<u16>, duplicate: bool, expired: bool| {
            let mut log = log.lock().expect("log");
            log.deliveries += 1;
            log.injected_duplicates += usize::from(duplicate);
            log.deadline_expiries += usize::from(expired);
            if let Some(status) = status {
                *log.statuses.entry(status).or_default() += 1;
            }
        };
        for attempt in 0..10_000u64 {
            if chance(self.seed, n as u64, attempt, 3) < self.duplicate_rate {
                // A duplicate sent alongside: its answer acknowledges nothing.
                record(None, true, false);
                drop(request(service, n));
            }
            match tokio::time::timeout(self.ack_deadline, request(service, n)).await {
                Ok(Ok(status)) if (200..300).contains(&status) => {
                    record(Some(status), false, false);
                    if chance(self.seed, n as u64, attempt, 6) < self.lost_answer_rate {
                        // The answer never reached Pub/Sub: it redelivers.
                        log.lock().expect("log").lost_answers += 1;
                        continue;
                    }
                    if chance(self.seed, n as u64, attempt, 4) < self.duplicate_rate {
                        // Redelivered for no reason after the ack.
                        if let Ok(late) = request(service, n).await {
                            record(Some(late), true, false);
                        }
                    }
                    return true;
                }
                Ok(Ok(status)) => {
                    record(Some(status), false, false);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                // The request's instance died (its future was dropped): no answer.
                Ok(Err(_)) => record(None, false, false),
                // The deadline passed; the attempt goes on, the message is sent again at once.
                Err(_) => record(None, false, true),
            }
        }
        false
    }
}

tokio::task_local! {
    /// The running request's own abort handle: a handler "dies" by aborting it.
    static THIS_REQUEST: tokio::task::AbortHandle;
}

/// Sends message `n` to `service` as a request task of its own, which a handler may abort to
/// simulate its instance dying ([`die`]); its status, or the task's end.
fn request(service: &EventService, n: usize) -> tokio::task::JoinHandle<u16> {
    let service = service.clone();
    let (tell, told) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let Ok(this) = told.await else {
            return 0;
        };
        let send = service.handle(push_request(&n.to_string(), n.to_string()));
        THIS_REQUEST
            .scope(this, async move { send.await.status().as_u16() })
            .await
    });
    let _ = tell.send(task.abort_handle());
    task
}

/// Ends the current request as a dead instance would: its future is dropped at the next await,
/// whatever it held (a database transaction, a claim) abandoned mid-way.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(crate) async fn die() -> ! {
    let _ = THIS_REQUEST.try_with(tokio::task::AbortHandle::abort);
    std::future::pending::<()>().await;
    unreachable!("an aborted task is never polled again")
}

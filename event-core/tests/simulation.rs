//! The fault simulation (`testing::simulation`): 10 000 messages, 20 % injected handler
//! failures, 5 % duplicates, 2 % attempts past the ack deadline (SPEC E8, R3–R5); with the
//! transactional inbox also 2 % deaths mid-transaction and 2 % answers lost after the commit,
//! counted by committed rows on a real PostgreSQL (R7).
//! `cargo test -p gcp-events-core --test simulation -- --nocapture` prints the reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use gcp_events_core::idempotency::MemoryStore;
use gcp_events_core::testing::simulation::{Report, Simulation};
use gcp_events_core::EventService;

fn show(name: &str, report: &Report) {
    eprintln!("simulation {name}: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_idempotency_and_a_deadline_every_message_is_handled_exactly_once() {
    let sim = Simulation::default();
    let report = sim
        .run(|app| {
            EventService::builder()
                .allow_unauthenticated()
                .handler_timeout(Duration::from_millis(30)) // below the 50 ms ack deadline
                .idempotency(MemoryStore::default())
                .handler(app)
        })
        .await;
    show("idempotency + deadline", &report);
    assert_eq!(
        report.acknowledged, sim.messages,
        "every message acknowledged"
    );
    assert_eq!(
        report.acknowledged_unhandled, 0,
        "none acknowledged unhandled"
    );
    assert_eq!(
        report.handled_once, sim.messages,
        "every message handled once"
    );
    assert_eq!(report.handled_more_than_once, 0, "none handled twice");
    // The faults really happened: failures, slow attempts (answered 504 or past the deadline),
    // duplicates acknowledged unrun.
    let status = |s: u16| report.statuses.get(&s).copied().unwrap_or(0);
    assert!(report.injected_failures > 1_000, "{report:?}");
    assert!(status(504) + report.deadline_expiries > 50, "{report:?}");
    assert!(status(200) > 100, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_idempotency_and_no_deadline_a_redelivery_during_the_first_attempt_waits() {
    // Slow attempts outlive the ack deadline: the deliverer redelivers while they still run.
    let sim = Simulation::default();
    let report = sim
        .run(|app| {
            EventService::builder()
                .allow_unauthenticated()
                .idempotency(MemoryStore::default())
                .handler(app)
        })
        .await;
    show("idempotency, no deadline", &report);
    assert!(report.deadline_expiries > 50, "{report:?}");
    assert!(
        report.statuses.get(&409).copied().unwrap_or(0) > 0,
        "{report:?}"
    );
    assert_eq!(report.acknowledged, sim.messages);
    assert_eq!(report.acknowledged_unhandled, 0);
    assert_eq!(report.handled_once, sim.messages);
    assert_eq!(report.handled_more_than_once, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_idempotency_nothing_is_lost_but_duplicates_run_again() {
    let sim = Simulation::default();
    let report = sim
        .run(|app| {
            EventService::builder()
                .allow_unauthenticated()
                .handler_timeout(Duration::from_millis(30))
                .handler(app)
        })
        .await;
    show("no idempotency", &report);
    assert_eq!(report.acknowledged, sim.messages);
    assert_eq!(report.acknowledged_unhandled, 0, "at least once, still");
    assert!(
        report.handled_more_than_once > 100,
        "what idempotency prevents: {report:?}"
    );
}

/// An inbox on a pool of 48 connections to `server`, and the faults the effects runs inject
/// into `messages` messages: failures, deaths mid-transaction, answers lost after the commit,
/// attempts past a 200 ms ack deadline.
async fn effects_run(
    server: &gcp_events_core::testing::postgres::PostgresServer,
    messages: usize,
) -> (gcp_events_core::inbox::PgInbox, Simulation) {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(48)
        .acquire_timeout(Duration::from_secs(2))
        .connect(&server.url())
        .await
        .unwrap();
    let sim = Simulation {
        messages,
        crash_rate: 0.02,
        lost_answer_rate: 0.02,
        concurrency: 48,
        ack_deadline: Duration::from_millis(200),
        slow_for: Duration::from_millis(300),
        ..Simulation::default()
    };
    (gcp_events_core::inbox::PgInbox::from_pool(pool), sim)
}

/// R7 under faults: with the transactional inbox, every message's effect row is committed
/// exactly once, although attempts fail, run past the deadline, die mid-transaction, and have
/// their answers lost after the commit, and duplicates arrive alongside and after the ack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_inbox_every_message_has_exactly_one_effect_row() {
    use gcp_events_core::testing::postgres::PostgresServer;

    let server = PostgresServer::start();
    let (inbox, sim) = effects_run(&server, 10_000).await;
    inbox.setup().await.unwrap();
    let report = sim
        .run_effects(&inbox, |app| {
            EventService::builder()
                .allow_unauthenticated()
                .handler_timeout(Duration::from_millis(150)) // below the ack deadline
                .inbox(inbox.clone())
                .transactional_handler(app)
        })
        .await;
    show("inbox effects", &report);
    assert_eq!(
        report.acknowledged, sim.messages,
        "every message acknowledged"
    );
    assert_eq!(
        report.acknowledged_unhandled, 0,
        "none acknowledged without its row"
    );
    assert_eq!(
        report.handled_once, sim.messages,
        "one effect row per message"
    );
    assert_eq!(
        report.handled_more_than_once, 0,
        "no message's effect twice"
    );
    // The faults really happened.
    let status = |s: u16| report.statuses.get(&s).copied().unwrap_or(0);
    assert!(report.injected_failures > 1_000, "{report:?}");
    assert!(report.injected_crashes > 100, "{report:?}");
    assert!(report.lost_answers > 100, "{report:?}");
    assert!(status(504) > 50, "{report:?}");
    assert!(status(200) > 100, "{report:?}");
}

/// The simulation's negative control: the same faults and the same writes, each in a
/// transaction of the handler's own but without the inbox's claim, commit some message's row
/// more than once. Without this, the exactly-once test above could not be told from one whose
/// counting is broken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_claim_the_same_faults_double_effect_rows() {
    use gcp_events_core::testing::postgres::PostgresServer;
    use gcp_events_core::{async_trait, Event, EventHandler, HandlerResult, TransactionalHandler};

    struct OwnTransaction(Box<dyn TransactionalHandler>, sqlx::PgPool);

    #[async_trait]
    impl EventHandler for OwnTransaction {
        async fn handle(&self, event: &Event) -> HandlerResult {
            let mut tx = self.1.begin().await?;
            self.0.handle(event, &mut tx).await?;
            tx.commit().await?;
            Ok(())
        }
    }

    let server = PostgresServer::start();
    let (inbox, sim) = effects_run(&server, 2_000).await;
    let pool = inbox.pool().clone();
    let report = sim
        .run_effects(&inbox, |app| {
            EventService::builder()
                .allow_unauthenticated()
                .handler_timeout(Duration::from_millis(150))
                .handler(OwnTransaction(app, pool.clone()))
        })
        .await;
    show("own transactions, no claim", &report);
    assert_eq!(report.acknowledged, sim.messages, "nothing lost");
    assert!(
        report.handled_more_than_once > 20,
        "lost answers and duplicates commit rows twice: {report:?}"
    );
}

//! Test support for applications and adapters (feature `test-util`).
//!
//! For an application's own tests:
//! - [`requests::TestPush`]: a Pub/Sub message as a request in each of Google's formats
//!   (wrapped, unwrapped with or without metadata, Eventarc binary or structured), for
//!   [`EventService::handle`](crate::EventService::handle) in-process;
//! - [`auth::LocalOidc`]: genuine-looking push tokens from a local key, and the
//!   [`OidcConfig`](crate::auth::OidcConfig) that trusts it (and [`auth::JwksServer`] to serve
//!   its JWKS to a receiver in another process);
//! - [`Recorder`]: a handler that keeps every event it receives, to assert on;
//! - [`metrics::CapturedMetrics`]: the metrics, read back;
//! - [`redis::RedisServer`], [`emulator::PubSubEmulator`]: the real parts, started for a test.
//!
//! The workspace README has a complete test under "Testing your handlers".
//!
//! For adapter crates, the shared HTTP conformance suite:
//!
//! An adapter crate runs the whole suite against its framework with one macro call. Give it
//! an async function that serves an [`EventService`](crate::EventService) on `127.0.0.1:0`,
//! mounted beside an application of the framework's own that answers `GET /` with `home` (the
//! suite checks that an application keeps its routes at the CloudEvents path), and returns the
//! address:
//!
//! ```text
//! async fn start(service: gcp_events_core::EventService) -> std::net::SocketAddr {
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let addr = listener.local_addr().unwrap();
//!     let app = axum::Router::new()
//!         .route("/", axum::routing::get(|| async { "home" }))
//!         .merge(gcp_events_axum::router(service));
//!     tokio::spawn(async move { axum::serve(listener, app).await });
//!     addr
//! }
//! gcp_events_core::conformance_suite!(start);
//! ```
//!
//! This expands into one `#[tokio::test]` per case, each named after the SPEC rule it checks
//! (`e1_trailing_slash`, `e9_chunked_body_over_limit_is_413`, …), so a failure names the rule.
//! The adapter's dev-dependencies need `tokio` with the `macros` and `rt-multi-thread` features.
//!
//! | SPEC rule | cases |
//! |---|---|
//! | E1 route | `e1_dispatches_kind_reference_payload_parameters`, `e1_trailing_slash`, `e1_percent_encoded_and_unicode_segments`, `e1_missing_reference_is_404`, `e1_extra_segment_is_404`, `e1_empty_segment_is_404`, `e1_dot_segments_are_404`, `e1_invalid_utf8_in_path_is_400`, `e1_other_paths_are_left_to_the_app`, `e1_custom_and_root_prefix` |
//! | E2 method | `e2_other_methods_are_405_with_allow`, `e2_the_app_keeps_its_methods_at_the_cloud_events_path` |
//! | E3 body | `e3_every_json_type_is_accepted`, `e3_numbers_keep_every_digit`, `e3_empty_body_is_400`, `e3_invalid_json_is_400`, `e3_content_type_is_not_required`, `e3_typed_access_to_the_payload` |
//! | E4 parameters | `e4_parameters_are_form_urlencoded`, `e4_invalid_utf8_in_query_is_400` |
//! | E5 dispatch | `e5_handlers_run_in_order_by_filter`, `e5_no_matching_handler_is_404`, `e5_concurrent_requests_each_dispatched_once`, `e5_pubsub_push_is_decoded_for_handlers` |
//! | E6 failure | `e6_handler_error_is_generic_400`, `e6_error_body_escapes_kind_and_reference`, `e6_debug_mode_adds_detail`, `e6_failure_status_is_configurable`, `e6_first_error_stops_the_rest` |
//! | E7 panics | `e7_panicking_handler_fails_and_server_keeps_serving` |
//! | E8 ack discipline | `e8_discard_is_acknowledged_and_stops_the_rest` (and every failure case: never 2xx) |
//! | E9 limits | `e9_declared_length_over_limit_is_413_at_once`, `e9_expect_continue_over_limit_is_413_without_100`, `e9_chunked_body_over_limit_is_413`, `e9_body_at_the_limit_is_accepted`, `e9_truncated_body_is_never_dispatched`, `e9_long_uri_is_414`, `e9_deep_nesting_is_400` |
//! | U2 URLs | `u2_event_urls_round_trip_through_the_server` |
//! | U3 signed URLs | `u3_signed_url_is_accepted_and_token_stripped`, `u3_bad_signed_url_is_401` |
//! | C1 CloudEvents binary | `c1_binary_pubsub_cloud_event_is_decoded`, `c1_binary_header_values_are_unquoted_and_decoded_once`, `c1_invalid_binary_cloud_events_are_400` |
//! | C2 structured, batch | `c2_structured_cloud_event_is_decoded`, `c2_data_and_data_base64`, `c2_batch_is_415`, `c2_route_and_limits_come_before_the_format` |
//! | C3 Pub/Sub via Eventarc, the CloudEvents path `/` | `c1_binary_pubsub_cloud_event_is_decoded`, `c3_eventarc_mount_names_events_by_type_and_subject` |
//! | C4 unwrapped push | `c4_unwrapped_push_with_metadata`, `c4_unwrapped_push_without_metadata_by_configuration` |
//! | C5 one event model | `c5_same_message_in_every_format_decodes_the_same` (and every C case reads `Event`) |
//! | C6 typed Google event data | `c6_typed_firestore_data_reaches_the_handler` |
//! | C7 Cloud Tasks and Cloud Scheduler | `c7_cloud_tasks_and_scheduler_are_recognised_with_their_context`, `c7_only_identity_headers_are_strict`, `c7_forged_source_headers_never_change_a_pubsub_delivery`, `c7_named_service_accounts_decide_who_is_cloud_tasks`, `c7_retried_tasks_and_scheduler_runs_are_deduplicated` |
//! | A1 OIDC checks | `a2_invalid_token_is_401_invalid_token` (forged, expired, wrong `aud`, two headers), `a4_genuine_token_is_dispatched_with_claims` |
//! | A2 status codes | `a2_missing_token_is_401_with_bearer_challenge`, `a2_invalid_token_is_401_invalid_token`, `a2_disallowed_caller_is_403`, `a2_keys_unavailable_is_503_with_retry_after` |
//! | A3 key cache | not HTTP behaviour: `event-core/tests/jwks.rs` against a real JWKS server |
//! | A4 claims to handlers | `a4_genuine_token_is_dispatched_with_claims` |
//! | A5 no secrets out | `a5_rejections_never_echo_the_token`, `u3_signed_url_is_accepted_and_token_stripped` |
//! | R3 deadline, shedding | `r3_handler_timeout_is_504_and_cancels_the_handler`, `r3_overload_is_503_before_the_body_is_read` |
//! | R4 idempotency | `r4_duplicate_of_a_handled_delivery_is_acknowledged_without_dispatch`, `r4_failed_deliveries_run_again_when_redelivered` (Redis: `event-core/tests/redis.rs`) |
//! | R5 in progress, store failure | `r5_duplicate_in_progress_is_409_and_not_dispatched`, `r5_store_failure_refuses_or_dispatches_by_policy` |
//! | R7 exactly-once effects (PostgreSQL) | `r7_inbox_commits_before_2xx_and_acknowledges_a_done_duplicate`, `r7_inbox_in_flight_duplicate_is_409_at_once`, `r7_inbox_failure_rolls_back_and_the_redelivery_commits_once`, `r7_inbox_never_acknowledges_what_did_not_commit`, `r7_inbox_task_names_are_free_again_after_the_reuse_window` (crash, database down, retention: `event-core/tests/inbox*.rs`; receivers: `examples/tests/effects.rs`) |
//! | R6 Host, request targets | `r6_exactly_one_valid_host_header`, `r6_unusual_request_targets_are_answered_cleanly` |
//! | O1 metrics | `o1_metrics_count_every_outcome` (through every adapter; the recorder: [`metrics::CapturedMetrics`]) |
//! | O2 trace context | `o2_trace_context_is_continued` (parsing: unit tests in `trace.rs`) |
//! | E10 one behaviour | every case asserts the exact status, headers and body, and runs per adapter |
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

/// The workspace README, so its "Testing your handlers" example is compiled and run.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct WorkspaceReadme;

pub mod auth;
#[doc(hidden)]
pub mod cases;
#[doc(hidden)]
pub mod client;
pub mod emulator;
#[cfg(feature = "postgres")]
pub mod inbox;
pub mod metrics;
pub mod postgres;
pub mod redis;
pub mod requests;
pub mod simulation;
mod tasks;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::{Event, EventHandler, HandlerError, HandlerResult};

/// Waits for a child server to come up: `true` once `ready`, `false` (the child forgotten)
/// when it exited first, a panic naming `what` after `within`.
pub(crate) fn wait_until_up(
    child: &mut Option<std::process::Child>,
    within: std::time::Duration,
    what: &str,
    ready: impl Fn() -> bool,
) -> bool {
    let deadline = std::time::Instant::now() + within;
    loop {
        let exited = child
            .as_mut()
            .is_none_or(|c| c.try_wait().ok().flatten().is_some());
        if exited {
            *child = None;
            return false;
        }
        if ready() {
            return true;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {what} within {within:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `POST path` with `Host: localhost`, these headers in order, and the body: the kit's
/// request builders all end here.
pub(crate) fn post_request(
    path: &str,
    headers: &[(String, String)],
    body: bytes::Bytes,
) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    let mut request = http::Request::post(path).header("host", "localhost");
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request
        .body(http_body_util::Full::new(body))
        .expect("a valid request (check the path and headers)")
}

/// A wrapped push of `data` with `message_id` (subscription `projects/p/subscriptions/s`),
/// posted to `/gcp-events/events/k/r` with a `Host`, as a request for
/// [`EventService::handle`](crate::EventService::handle).
pub fn push_request(message_id: &str, data: impl AsRef<[u8]>) -> http::Request<String> {
    let body = crate::pubsub::PushEnvelope::builder("projects/p/subscriptions/s")
        .bytes(data)
        .message_id(message_id)
        .build()
        .to_json_string();
    http::Request::post("/gcp-events/events/k/r")
        .header("host", "localhost")
        .body(body)
        .expect("a valid request")
}

/// A handler that records every event it receives (and optionally tags them with its name).
#[derive(Clone, Default)]
pub struct Recorder {
    name: &'static str,
    seen: Arc<Mutex<Vec<(&'static str, Event)>>>,
}

impl Recorder {
    /// A new, empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Another handler writing into the same log under `name` (to check order across handlers).
    pub fn named(&self, name: &'static str) -> Self {
        Self {
            name,
            seen: Arc::clone(&self.seen),
        }
    }

    /// The events received so far.
    pub fn events(&self) -> Vec<Event> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// The names of the handlers that ran, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.seen.lock().unwrap().iter().map(|(n, _)| *n).collect()
    }

    /// How many events were received.
    pub fn count(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// The only event received (panics unless exactly one).
    #[track_caller]
    pub fn single(&self) -> Event {
        let events = self.events();
        assert_eq!(events.len(), 1, "expected exactly one dispatched event");
        events.into_iter().next().unwrap()
    }
}

#[async_trait]
impl EventHandler for Recorder {
    async fn handle(&self, event: &Event) -> HandlerResult {
        self.seen.lock().unwrap().push((self.name, event.clone()));
        Ok(())
    }
}

/// Whether the serde visitor the payload check used to be accepts `raw` as a payload: the
/// reference that the differential tests and the `json_check` fuzz target compare
/// [`Payload::from_json`](crate::Payload::from_json) against.
#[doc(hidden)]
pub fn json_reference_accepts(raw: &[u8]) -> bool {
    raw.iter().any(|b| !b.is_ascii_whitespace())
        && crate::json_check::reference::accepts(raw, crate::MAX_DEPTH)
}

/// The push decode with the serde gathering pass that
/// [`DecodedMessage::from_slice`](crate::pubsub::DecodedMessage::from_slice) used to have: the
/// reference that the differential tests and the `pubsub_decode` fuzz target compare it against.
/// On any body that parses into a `serde_json::Value` both give the same message or the same
/// error (the text of a JSON syntax error aside).
#[doc(hidden)]
pub fn push_decode_reference(
    raw: &[u8],
) -> Result<crate::pubsub::DecodedMessage, crate::pubsub::DecodeError> {
    crate::pubsub::decode::RawEnvelope::from_slice_reference(raw)?.finish()
}

/// A handler that always fails with a recognisable secret-looking message.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Failing;

/// The error text [`Failing`] returns: it must never reach a response outside debug mode.
#[doc(hidden)]
pub const FAILURE_TEXT: &str = "database password=hunter2 at /srv/app/db.rs:42";

#[async_trait]
impl EventHandler for Failing {
    async fn handle(&self, _event: &Event) -> HandlerResult {
        Err(HandlerError::new(FAILURE_TEXT))
    }
}

/// A handler that panics.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Panicking;

#[async_trait]
impl EventHandler for Panicking {
    async fn handle(&self, _event: &Event) -> HandlerResult {
        panic!("handler bug: index out of bounds");
    }
}

/// A handler that asks to discard every event.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Discarding;

#[async_trait]
impl EventHandler for Discarding {
    async fn handle(&self, _event: &Event) -> HandlerResult {
        Err(HandlerError::discard("unsupported schema version"))
    }
}

static UNEXPECTED_PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts every panic in this process that does not come from the test kit itself (its
/// deliberately panicking handlers, its assertions): a panic inside a framework or adapter is
/// otherwise only a line on stderr and a dropped connection. Installed once; keeps the
/// previous hook's output.
#[doc(hidden)]
pub fn watch_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .location()
                .is_some_and(|l| l.file().replace('\\', "/").contains("src/testing/"));
            if !ours {
                UNEXPECTED_PANICS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

/// How many panics [`watch_panics`] has seen outside the test kit.
#[doc(hidden)]
pub fn unexpected_panics() -> usize {
    UNEXPECTED_PANICS.load(std::sync::atomic::Ordering::SeqCst)
}

/// Expands the conformance suite into one `#[tokio::test]` per case for an adapter.
/// `$start` is an async fn `(EventService) -> SocketAddr` serving the service on 127.0.0.1.
#[macro_export]
macro_rules! conformance_suite {
    ($start:path) => {
        $crate::__conformance_cases!(
            $start;
            e1_dispatches_kind_reference_payload_parameters,
            e1_trailing_slash,
            e1_percent_encoded_and_unicode_segments,
            e1_missing_reference_is_404,
            e1_extra_segment_is_404,
            e1_empty_segment_is_404,
            e1_dot_segments_are_404,
            e1_invalid_utf8_in_path_is_400,
            e1_other_paths_are_left_to_the_app,
            e1_custom_and_root_prefix,
            e2_other_methods_are_405_with_allow,
            e2_the_app_keeps_its_methods_at_the_cloud_events_path,
            e3_every_json_type_is_accepted,
            e3_numbers_keep_every_digit,
            e3_empty_body_is_400,
            e3_invalid_json_is_400,
            e3_content_type_is_not_required,
            e3_typed_access_to_the_payload,
            e4_parameters_are_form_urlencoded,
            e4_invalid_utf8_in_query_is_400,
            e5_handlers_run_in_order_by_filter,
            e5_no_matching_handler_is_404,
            e5_concurrent_requests_each_dispatched_once,
            e5_pubsub_push_is_decoded_for_handlers,
            e6_handler_error_is_generic_400,
            e6_error_body_escapes_kind_and_reference,
            e6_debug_mode_adds_detail,
            e6_failure_status_is_configurable,
            e6_first_error_stops_the_rest,
            e7_panicking_handler_fails_and_server_keeps_serving,
            e8_discard_is_acknowledged_and_stops_the_rest,
            e9_declared_length_over_limit_is_413_at_once,
            e9_expect_continue_over_limit_is_413_without_100,
            e9_chunked_body_over_limit_is_413,
            e9_body_at_the_limit_is_accepted,
            e9_truncated_body_is_never_dispatched,
            e9_long_uri_is_414,
            e9_deep_nesting_is_400,
            u2_event_urls_round_trip_through_the_server,
            a2_missing_token_is_401_with_bearer_challenge,
            a2_invalid_token_is_401_invalid_token,
            a2_disallowed_caller_is_403,
            a2_keys_unavailable_is_503_with_retry_after,
            a4_genuine_token_is_dispatched_with_claims,
            a5_rejections_never_echo_the_token,
            u3_signed_url_is_accepted_and_token_stripped,
            u3_bad_signed_url_is_401,
            c1_binary_pubsub_cloud_event_is_decoded,
            c1_binary_header_values_are_unquoted_and_decoded_once,
            c1_invalid_binary_cloud_events_are_400,
            c2_structured_cloud_event_is_decoded,
            c2_data_and_data_base64,
            c2_batch_is_415,
            c2_route_and_limits_come_before_the_format,
            c3_eventarc_mount_names_events_by_type_and_subject,
            c6_typed_firestore_data_reaches_the_handler,
            c7_cloud_tasks_and_scheduler_are_recognised_with_their_context,
            c7_only_identity_headers_are_strict,
            c7_forged_source_headers_never_change_a_pubsub_delivery,
            c7_named_service_accounts_decide_who_is_cloud_tasks,
            c7_retried_tasks_and_scheduler_runs_are_deduplicated,
            c4_unwrapped_push_with_metadata,
            c4_unwrapped_push_without_metadata_by_configuration,
            c5_same_message_in_every_format_decodes_the_same,
            r3_handler_timeout_is_504_and_cancels_the_handler,
            r3_overload_is_503_before_the_body_is_read,
            r4_duplicate_of_a_handled_delivery_is_acknowledged_without_dispatch,
            r4_failed_deliveries_run_again_when_redelivered,
            r5_duplicate_in_progress_is_409_and_not_dispatched,
            r5_store_failure_refuses_or_dispatches_by_policy,
            r7_inbox_commits_before_2xx_and_acknowledges_a_done_duplicate,
            r7_inbox_in_flight_duplicate_is_409_at_once,
            r7_inbox_failure_rolls_back_and_the_redelivery_commits_once,
            r7_inbox_never_acknowledges_what_did_not_commit,
            r7_inbox_task_names_are_free_again_after_the_reuse_window,
            r6_exactly_one_valid_host_header,
            r6_unusual_request_targets_are_answered_cleanly,
            o1_metrics_count_every_outcome,
            o2_trace_context_is_continued,
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($start:path; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::testing::watch_panics();
                $crate::testing::cases::$case(|service| $start(service)).await;
                assert_eq!(
                    $crate::testing::unexpected_panics(),
                    0,
                    "something panicked outside the handlers (see the panic message above)"
                );
            }
        )*
    };
}

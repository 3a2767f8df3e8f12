//! Metrics through the [`metrics`](https://docs.rs/metrics) facade (feature `metrics`).
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `gcp_events_requests_total` | counter | `outcome`, `format` |
//! | `gcp_events_handler_duration_seconds` | histogram | `outcome`, `format` |
//! | `gcp_events_in_flight` | gauge | — |
//!
//! plus the service's own [`metrics_label`](crate::EventServiceBuilder::metrics_label)s on
//! every series. Every label value comes from a closed set (or from the application), never
//! from the request, so a sender cannot blow up the number of series.
//!
//! The handles are looked up once per series, on first use, then kept: recording is an index
//! into an array and an atomic add. Without the feature every call is an empty function the
//! compiler removes.

use crate::format::DeliveryFormat;

/// The `format` label of a request: `none` when it was refused before its format was known.
pub(crate) fn format_label(format: Option<DeliveryFormat>) -> &'static str {
    match format {
        None => "none",
        Some(DeliveryFormat::JsonBody) => "json_body",
        Some(DeliveryFormat::UnwrappedPush) => "unwrapped_push",
        Some(DeliveryFormat::CloudEventBinary) => "cloud_event_binary",
        Some(DeliveryFormat::CloudEventStructured) => "cloud_event_structured",
        Some(DeliveryFormat::CloudTasks) => "cloud_tasks",
        Some(DeliveryFormat::CloudScheduler) => "cloud_scheduler",
    }
}

#[cfg(feature = "metrics")]
mod imp {
    use std::sync::OnceLock;
    use std::time::Duration;

    use metrics::{Counter, Gauge, Histogram, Label, Unit};

    use super::format_label;
    use crate::format::DeliveryFormat;
    use crate::outcome::Outcome;

    const REQUESTS: &str = "gcp_events_requests_total";
    const DURATION: &str = "gcp_events_handler_duration_seconds";
    const IN_FLIGHT: &str = "gcp_events_in_flight";
    const FORMATS: usize = 7;
    const OUTCOMES: usize = Outcome::ALL.len();

    fn format_index(format: Option<DeliveryFormat>) -> usize {
        match format {
            None => 0,
            Some(DeliveryFormat::JsonBody) => 1,
            Some(DeliveryFormat::UnwrappedPush) => 2,
            Some(DeliveryFormat::CloudEventBinary) => 3,
            Some(DeliveryFormat::CloudEventStructured) => 4,
            Some(DeliveryFormat::CloudTasks) => 5,
            Some(DeliveryFormat::CloudScheduler) => 6,
        }
    }

    /// One service's metric handles, made on first use.
    pub(crate) struct Meter {
        labels: Vec<Label>,
        described: OnceLock<()>,
        requests: [[OnceLock<Counter>; FORMATS]; OUTCOMES],
        durations: [[OnceLock<Histogram>; FORMATS]; OUTCOMES],
        in_flight: OnceLock<Gauge>,
    }

    impl Meter {
        pub(crate) fn new(labels: Vec<(String, String)>) -> Self {
            Self {
                labels: labels.into_iter().map(|(k, v)| Label::new(k, v)).collect(),
                described: OnceLock::new(),
                requests: Default::default(),
                durations: Default::default(),
                in_flight: OnceLock::new(),
            }
        }

        fn describe(&self) {
            self.described.get_or_init(|| {
                metrics::describe_counter!(
                    REQUESTS,
                    Unit::Count,
                    "Event requests answered, by outcome and delivery format"
                );
                metrics::describe_histogram!(
                    DURATION,
                    Unit::Seconds,
                    "Time the handlers took, from dispatch to their result or the deadline"
                );
                metrics::describe_gauge!(
                    IN_FLIGHT,
                    Unit::Count,
                    "Events whose handlers are running now"
                );
            });
        }

        fn labels(&self, outcome: Outcome, format: Option<DeliveryFormat>) -> Vec<Label> {
            let mut labels = self.labels.clone();
            labels.push(Label::from_static_parts("outcome", outcome.as_str()));
            labels.push(Label::from_static_parts("format", format_label(format)));
            labels
        }

        pub(crate) fn request(&self, outcome: Outcome, format: Option<DeliveryFormat>) {
            self.requests[outcome.index()][format_index(format)]
                .get_or_init(|| {
                    self.describe();
                    metrics::counter!(REQUESTS, self.labels(outcome, format))
                })
                .increment(1);
        }

        pub(crate) fn handler_duration(
            &self,
            outcome: Outcome,
            format: Option<DeliveryFormat>,
            took: Duration,
        ) {
            self.durations[outcome.index()][format_index(format)]
                .get_or_init(|| {
                    self.describe();
                    metrics::histogram!(DURATION, self.labels(outcome, format))
                })
                .record(took.as_secs_f64());
        }

        pub(crate) fn in_flight(&self) -> InFlight<'_> {
            let gauge = self.in_flight.get_or_init(|| {
                self.describe();
                metrics::gauge!(IN_FLIGHT, self.labels.clone())
            });
            gauge.increment(1.0);
            InFlight(gauge)
        }
    }

    /// One event in flight; the gauge goes down when it is dropped (cancelled requests too).
    pub(crate) struct InFlight<'a>(&'a Gauge);

    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.decrement(1.0);
        }
    }
}

#[cfg(not(feature = "metrics"))]
mod imp {
    use std::time::Duration;

    use crate::format::DeliveryFormat;
    use crate::outcome::Outcome;

    /// Without the `metrics` feature: nothing is recorded.
    pub(crate) struct Meter;

    impl Meter {
        pub(crate) fn new(_labels: Vec<(String, String)>) -> Self {
            Self
        }

        pub(crate) fn request(&self, _outcome: Outcome, _format: Option<DeliveryFormat>) {}

        pub(crate) fn handler_duration(
            &self,
            _outcome: Outcome,
            _format: Option<DeliveryFormat>,
            _took: Duration,
        ) {
        }

        pub(crate) fn in_flight(&self) -> InFlight<'_> {
            InFlight(std::marker::PhantomData)
        }
    }

    /// Without the `metrics` feature: no gauge.
    pub(crate) struct InFlight<'a>(std::marker::PhantomData<&'a ()>);
}

pub(crate) use imp::Meter;

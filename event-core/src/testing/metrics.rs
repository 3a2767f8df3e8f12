//! A metrics recorder for tests: installed once as the process's global
//! [`metrics`] recorder, it keeps every counter, gauge and histogram so a test can read them
//! back by name and labels.
//!
//! Tests in one binary run in parallel and share the global recorder, so give the service
//! under test its own label ([`metrics_label`](crate::EventServiceBuilder::metrics_label))
//! and read only the series that carry it:
//!
//! ```
//! use gcp_events_core::testing::{metrics::CapturedMetrics, push_request, Recorder};
//! use gcp_events_core::EventService;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), gcp_events_core::ConfigError> {
//! let metrics = CapturedMetrics::install();
//! let service = EventService::builder()
//!     .allow_unauthenticated()
//!     .metrics_label("test", "doc-example")
//!     .handler(Recorder::new())
//!     .build()?;
//! service.handle(push_request("1", "{}")).await;
//! let mine = [("test", "doc-example"), ("outcome", "handled")];
//! assert_eq!(metrics.counter("gcp_events_requests_total", &mine), 1);
//! assert_eq!(metrics.histogram("gcp_events_handler_duration_seconds", &mine).len(), 1);
//! assert_eq!(metrics.gauge("gcp_events_in_flight", &[("test", "doc-example")]), 0.0);
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use metrics::{
    Counter, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};

/// Every metric recorded in this process since [`install`](Self::install).
#[derive(Default)]
pub struct CapturedMetrics {
    counters: Mutex<HashMap<Key, Arc<AtomicU64>>>,
    /// Gauges hold an `f64`'s bits (the facade's own `AtomicU64` gauge).
    gauges: Mutex<HashMap<Key, Arc<AtomicU64>>>,
    histograms: Mutex<HashMap<Key, Arc<Samples>>>,
}

impl std::fmt::Debug for CapturedMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapturedMetrics").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Samples(Mutex<Vec<f64>>);

impl HistogramFn for Samples {
    fn record(&self, value: f64) {
        self.0.lock().unwrap().push(value);
    }
}

static INSTALLED: OnceLock<Arc<CapturedMetrics>> = OnceLock::new();

struct Installed(Arc<CapturedMetrics>);

impl CapturedMetrics {
    /// Installs the capture as the global recorder (once per process; later calls return the
    /// same one). Panics when another recorder was installed first.
    pub fn install() -> &'static CapturedMetrics {
        INSTALLED.get_or_init(|| {
            let captured = Arc::new(CapturedMetrics::default());
            metrics::set_global_recorder(Installed(Arc::clone(&captured)))
                .expect("no other global metrics recorder in this test process");
            captured
        })
    }

    /// The sum of the counters called `name` whose labels include every `(key, value)` given.
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        let counters = self.counters.lock().unwrap();
        matching(&counters, name, labels)
            .map(|c| c.load(Ordering::SeqCst))
            .sum()
    }

    /// The sum of the gauges called `name` whose labels include every `(key, value)` given.
    pub fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let gauges = self.gauges.lock().unwrap();
        matching(&gauges, name, labels)
            .map(|g| f64::from_bits(g.load(Ordering::SeqCst)))
            .sum()
    }

    /// Every value recorded in the histograms called `name` whose labels include every
    /// `(key, value)` given.
    pub fn histogram(&self, name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
        let histograms = self.histograms.lock().unwrap();
        matching(&histograms, name, labels)
            .flat_map(|h| h.0.lock().unwrap().clone())
            .collect()
    }
}

fn matching<'a, T>(
    series: &'a HashMap<Key, Arc<T>>,
    name: &'a str,
    labels: &'a [(&str, &str)],
) -> impl Iterator<Item = &'a Arc<T>> {
    series
        .iter()
        .filter(move |(key, _)| {
            key.name() == name
                && labels.iter().all(|(k, v)| {
                    key.labels()
                        .any(|label| label.key() == *k && label.value() == *v)
                })
        })
        .map(|(_, value)| value)
}

fn entry<T: Default>(map: &Mutex<HashMap<Key, Arc<T>>>, key: &Key) -> Arc<T> {
    Arc::clone(map.lock().unwrap().entry(key.clone()).or_default())
}

impl Recorder for Installed {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(entry(&self.0.counters, key))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(entry(&self.0.gauges, key))
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(entry(&self.0.histograms, key))
    }
}

//! How a request ended: the one answer the pipeline gives its span, its log line and the
//! metrics. Its own module so the meter (which labels by it) and the pipeline (which decides
//! it) both build on it without importing each other.

/// How a request ended, for the request's log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Handled,
    Discarded,
    Failed,
    Refused,
    /// A duplicate: acknowledged when done before, refused while in progress.
    Duplicate,
    /// Shed: too many events in flight.
    Shed,
    /// The handlers ran past the handler timeout.
    TimedOut,
}

impl Outcome {
    /// Every outcome, in [`index`](Self::index) order.
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) const ALL: [Self; 7] = [
        Self::Handled,
        Self::Discarded,
        Self::Failed,
        Self::Refused,
        Self::Duplicate,
        Self::Shed,
        Self::TimedOut,
    ];

    /// Its place in [`ALL`](Self::ALL).
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Handled => "handled",
            Self::Discarded => "discarded",
            Self::Failed => "failed",
            Self::Refused => "refused",
            Self::Duplicate => "duplicate",
            Self::Shed => "shed",
            Self::TimedOut => "timeout",
        }
    }
}

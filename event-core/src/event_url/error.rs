//! Why an event URL could not be built.

use std::fmt;

/// Which part of an event URL an [`EventUrlError`] is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlPart {
    /// The event kind.
    Kind,
    /// The event reference.
    Reference,
}

impl fmt::Display for UrlPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kind => "kind",
            Self::Reference => "reference",
        })
    }
}

/// Where an invalid base URL came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseUrlOrigin {
    /// Given with [`EventUrlBuilder::base_url`](super::EventUrlBuilder::base_url).
    Explicit,
    /// Read from the `BASE_URL` environment variable.
    Environment,
}

impl fmt::Display for BaseUrlOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Explicit => "given to .base_url()",
            Self::Environment => "read from the BASE_URL environment variable",
        })
    }
}

/// Why an event URL could not be built.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum EventUrlError {
    /// No base URL was given and the `BASE_URL` environment variable is not set (or empty).
    #[error(
        "no base URL configured for the event URL: set the BASE_URL environment variable \
         (e.g. BASE_URL=https://example.com), or call .base_url(\"https://…\") on the builder \
         (or .base_url(\"\") for a relative URL)"
    )]
    NoBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL, or has credentials, a query or a
    /// fragment.
    #[error(
        "invalid base URL {base_url:?} ({origin}): {reason}; expected an absolute http(s) URL \
         such as \"https://example.com\" or \"https://example.com/api\", without query or fragment"
    )]
    InvalidBaseUrl {
        /// The base URL as given (without credentials; not shown at all if it has an `@`).
        base_url: String,
        /// Where it came from.
        origin: BaseUrlOrigin,
        /// What is wrong with it.
        reason: String,
    },
    /// The prefix cannot be used as the path the endpoint is mounted at.
    #[error("invalid prefix {prefix:?}: {reason}")]
    InvalidPrefix {
        /// The prefix as given.
        prefix: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The kind or the reference is empty.
    #[error("the event {part} must not be empty")]
    EmptySegment {
        /// Which one is empty.
        part: UrlPart,
    },
    /// The kind or the reference is exactly `.` or `..`, which the endpoint never matches.
    #[error("the event {part} must not be {value:?} (the endpoint refuses dot segments)")]
    DotSegment {
        /// Which one it is.
        part: UrlPart,
        /// The value given (`.` or `..`).
        value: String,
    },
    /// A parameter with the reserved name [`SIGNATURE_PARAMETER`](crate::auth::signed_url::SIGNATURE_PARAMETER) was set by hand on a URL that
    /// is also signed with [`EventUrlBuilder::signed`](super::EventUrlBuilder::signed) or [`EventUrlBuilder::signed_until`](super::EventUrlBuilder::signed_until).
    #[error(
        "the query parameter {name:?} is reserved for the signature added by .signed() or \
         .signed_until(); remove the manually set parameter (the URL would otherwise carry two \
         tokens, and the endpoint keeps only the last)"
    )]
    ReservedParameter {
        /// The reserved parameter name.
        name: String,
    },
}

//! Build the URLs that events are posted to.
//!
//! ```
//! use gcp_events_core::event_url::event_url;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let url = event_url("question-update", "q/42")
//!         .parameter("source", "pubsub")
//!         .base_url("https://example.com")
//!         .build()?;
//!     assert_eq!(
//!         url,
//!         "https://example.com/gcp-events/events/question-update/q%2F42/?source=pubsub"
//!     );
//!     Ok(())
//! }
//! ```
//!
//! The endpoint answers `POST {prefix}/events/{kind}/{reference}`; this module builds
//! `{base}{prefix}/events/{kind}/{reference}/?{parameters}`:
//!
//! - **Base URL**: the one given with [`EventUrlBuilder::base_url`], else the `BASE_URL`
//!   environment variable ([`BASE_URL_ENV`]), else [`EventUrlError::NoBaseUrl`]. An explicit
//!   empty base (`.base_url("")`) gives a relative URL (path and query only). An empty or blank
//!   `BASE_URL` variable counts as not set, so a misconfigured deployment fails loudly instead of
//!   handing relative URLs to Pub/Sub. A base must be an absolute `http` or `https` URL without
//!   credentials, query or fragment; it may have a path (`https://example.com/api`), and it is
//!   normalised by the [`url`] crate (lower-case host, default port dropped), with its trailing
//!   slashes removed so that the path is appended without a double slash.
//! - **Prefix**: where the endpoint is mounted, [`DEFAULT_PREFIX`] unless set with
//!   [`EventUrlBuilder::prefix`]. It is normalised like the service's own prefix, so the same
//!   string configures both ends: missing leading, extra trailing and repeated slashes do not
//!   matter (`"gcp-events/"` is `"/gcp-events"`), and `""` or `"/"` means mounted at the root. A
//!   prefix with a character that would need percent-encoding in a URL path (`?`, `#`, `%`,
//!   whitespace, non-ASCII, `"`, `[`…) or a `.`/`..` segment is refused with
//!   [`EventUrlError::InvalidPrefix`], exactly as the service refuses it. To build URLs for a
//!   service you have, [`EventService::event_url`](crate::EventService::event_url) takes its
//!   prefix for you.
//! - **Kind and reference** are one path segment each: every byte of their UTF-8 text that is not
//!   an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, so `/`, `%`,
//!   `?`, `#`, spaces and any Unicode survive, and the server gets back exactly the text given
//!   after decoding each segment once. Empty values and exactly `.` or `..` are refused, because
//!   the endpoint never matches them.
//! - **Trailing slash**: the path always ends with `/` after the reference, like django-gcp's
//!   URLs; the endpoint accepts the path with or without it.
//! - **Parameters** become an `application/x-www-form-urlencoded` query, in insertion order,
//!   repeated keys included as given (the endpoint keeps the last value of a repeated key). Without parameters there is no `?`.
//!
//! - **Signature**: with [`EventUrlBuilder::signed`] or [`EventUrlBuilder::signed_until`], a token
//!   bound to the kind, the reference and an optional expiry is appended as the last query
//!   parameter, [`SIGNATURE_PARAMETER`] (see [`crate::auth::signed_url`]). Setting that
//!   parameter by hand as well is refused with [`EventUrlError::ReservedParameter`].
//!
//! Keep parameters short (the service refuses request targets over 8 KiB by default), and never
//! put secrets in them: URLs end up in logs.

use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::form_urlencoded;
use url::Url;

use crate::auth::signed_url::{UrlSigningKey, SIGNATURE_PARAMETER};

mod error;
pub use error::{BaseUrlOrigin, EventUrlError, UrlPart};

/// The prefix the events endpoint is mounted at unless [`EventUrlBuilder::prefix`] says otherwise.
pub const DEFAULT_PREFIX: &str = "/gcp-events";

/// The environment variable read for the base URL when none is given explicitly.
pub const BASE_URL_ENV: &str = "BASE_URL";

/// Everything but RFC 3986 unreserved characters (`ALPHA / DIGIT / "-" / "." / "_" / "~"`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Start building the URL of the events endpoint for an event `kind` and `reference`.
///
/// `kind` and `reference` may be any non-empty text except `.` and `..`; they are percent-encoded
/// as one path segment each. See the [module documentation](self) for every rule.
///
/// ```
/// use gcp_events_core::event_url::event_url;
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     // A relative URL, e.g. for tests posting to your own app.
///     let relative = event_url("my-kind", "my-ref").base_url("").build()?;
///     assert_eq!(relative, "/gcp-events/events/my-kind/my-ref/");
///
///     // An absolute URL for a Pub/Sub push subscription, with parameters.
///     let push_endpoint = event_url("order created", "Zürich")
///         .parameters([("region", "eu"), ("note", "a&b c")])
///         .base_url("https://example.com/api/")
///         .prefix("hooks")
///         .build()?;
///     assert_eq!(
///         push_endpoint,
///         "https://example.com/api/hooks/events/order%20created/Z%C3%BCrich/?region=eu&note=a%26b+c"
///     );
///     Ok(())
/// }
/// ```
pub fn event_url(kind: impl Into<String>, reference: impl Into<String>) -> EventUrlBuilder {
    EventUrlBuilder {
        kind: kind.into(),
        reference: reference.into(),
        parameters: Vec::new(),
        base_url: None,
        prefix: DEFAULT_PREFIX.to_owned(),
        signature: None,
    }
}

/// A URL of the events endpoint being put together; made by [`event_url`], finished by
/// [`build`](Self::build) or [`build_with_env`](Self::build_with_env).
///
/// Setters never fail: everything is checked when the URL is built.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct EventUrlBuilder {
    kind: String,
    reference: String,
    parameters: Vec<(String, String)>,
    base_url: Option<String>,
    prefix: String,
    signature: Option<Signature>,
}

/// The key and expiry a URL is to be signed with.
#[derive(Debug, Clone)]
struct Signature {
    key: UrlSigningKey,
    expires_at: Option<DateTime<Utc>>,
}

impl EventUrlBuilder {
    /// Add a query parameter. Parameters are kept in insertion order; a repeated key is emitted
    /// as many times as it is given (the endpoint keeps the last value).
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push((key.into(), value.into()));
        self
    }

    /// Add query parameters from any iterator of key/value pairs (a map, a `Vec`, an array…),
    /// after those already added, in the iterator's order.
    pub fn parameters<I, K, V>(mut self, iter: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.parameters
            .extend(iter.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Use this base URL (e.g. `https://example.com` or `https://example.com/api`) instead of the
    /// `BASE_URL` environment variable. `""` gives a relative URL (path and query only).
    pub fn base_url(mut self, base: impl Into<String>) -> Self {
        self.base_url = Some(base.into());
        self
    }

    /// The path the events endpoint is mounted at ([`DEFAULT_PREFIX`] by default), normalised
    /// like the service's prefix: missing leading, extra trailing and repeated slashes do not
    /// matter, and `""` means the root.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sign the URL with `key`: a token that never expires, bound to the kind and the
    /// reference, is appended as the last query parameter, [`SIGNATURE_PARAMETER`]. The token
    /// does not cover the other parameters (see [`crate::auth::signed_url`]). Replaces an earlier
    /// `signed`/`signed_until`.
    ///
    /// ```
    /// use gcp_events_core::event_url::event_url;
    /// use gcp_events_core::auth::signed_url::UrlSigningKey;
    ///
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let key = UrlSigningKey::new([7u8; 32])?;
    ///     let url = event_url("kind", "ref").base_url("").signed(&key).build()?;
    ///     assert_eq!(url, format!("/gcp-events/events/kind/ref/?gcp_events_sig={}", key.sign("kind", "ref", None)));
    ///     Ok(())
    /// }
    /// ```
    pub fn signed(mut self, key: &UrlSigningKey) -> Self {
        self.signature = Some(Signature {
            key: key.clone(),
            expires_at: None,
        });
        self
    }

    /// Like [`signed`](Self::signed), with a token that expires at `expires_at` (rounded down to
    /// the second). The endpoint refuses the URL after that time, so the push subscription must
    /// be updated with a fresh URL before then.
    pub fn signed_until(mut self, key: &UrlSigningKey, expires_at: DateTime<Utc>) -> Self {
        self.signature = Some(Signature {
            key: key.clone(),
            expires_at: Some(expires_at),
        });
        self
    }

    /// Build the URL, taking the base URL from [`base_url`](Self::base_url) if it was set, else
    /// from the `BASE_URL` environment variable.
    ///
    /// # Errors
    /// [`EventUrlError::NoBaseUrl`] when neither is set (or the variable is empty), and the other
    /// [`EventUrlError`] variants for an invalid base URL, prefix, kind or reference, or a
    /// manual [`SIGNATURE_PARAMETER`] on a signed URL.
    pub fn build(&self) -> Result<String, EventUrlError> {
        self.build_with_env(|name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()))
    }

    /// Like [`build`](Self::build), but reads environment variables through `lookup` (called
    /// only when no base URL was set explicitly), so tests need not touch the process
    /// environment.
    ///
    /// # Errors
    /// The same as [`build`](Self::build).
    pub fn build_with_env(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<String, EventUrlError> {
        let kind = encode_segment(UrlPart::Kind, &self.kind)?;
        let reference = encode_segment(UrlPart::Reference, &self.reference)?;
        let prefix = normalise_prefix(&self.prefix)?;
        if self.signature.is_some()
            && self
                .parameters
                .iter()
                .any(|(k, _)| k == SIGNATURE_PARAMETER)
        {
            return Err(EventUrlError::ReservedParameter {
                name: SIGNATURE_PARAMETER.to_owned(),
            });
        }
        let base = match &self.base_url {
            Some(base) => normalise_base(base, BaseUrlOrigin::Explicit)?,
            None => match lookup(BASE_URL_ENV) {
                Some(base) if !base.trim().is_empty() => {
                    normalise_base(&base, BaseUrlOrigin::Environment)?
                }
                _ => return Err(EventUrlError::NoBaseUrl),
            },
        };
        let mut url = format!("{base}{prefix}/events/{kind}/{reference}/");
        if !self.parameters.is_empty() || self.signature.is_some() {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (key, value) in &self.parameters {
                query.append_pair(key, value);
            }
            if let Some(signature) = &self.signature {
                let token = signature
                    .key
                    .sign(&self.kind, &self.reference, signature.expires_at);
                query.append_pair(SIGNATURE_PARAMETER, &token);
            }
            url.push('?');
            url.push_str(&query.finish());
        }
        Ok(url)
    }
}

/// Percent-encode `value` as exactly one path segment.
fn encode_segment(part: UrlPart, value: &str) -> Result<String, EventUrlError> {
    match value {
        "" => Err(EventUrlError::EmptySegment { part }),
        "." | ".." => Err(EventUrlError::DotSegment {
            part,
            value: value.to_owned(),
        }),
        _ => Ok(utf8_percent_encode(value, SEGMENT).to_string()),
    }
}

/// The service's own prefix normaliser, with this module's error.
fn normalise_prefix(prefix: &str) -> Result<String, EventUrlError> {
    crate::route::normalise_prefix(prefix).map_err(|reason| EventUrlError::InvalidPrefix {
        prefix: prefix.to_owned(),
        reason: reason.to_owned(),
    })
}

/// Validate a base URL and return it without trailing slashes (`""` stays `""`: relative).
fn normalise_base(base: &str, origin: BaseUrlOrigin) -> Result<String, EventUrlError> {
    if base.is_empty() {
        return Ok(String::new());
    }
    // A value with `@` may hold credentials: never echo it into errors and logs (SPEC A5).
    let invalid = |shown: &str, reason: String| EventUrlError::InvalidBaseUrl {
        base_url: if shown.contains('@') {
            "(not shown: it contains '@')"
        } else {
            shown
        }
        .to_owned(),
        origin,
        reason,
    };
    let url = Url::parse(base).map_err(|e| invalid(base, e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        let reason = format!("scheme {:?} is not http or https", url.scheme());
        return Err(invalid(base, reason));
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut redacted = url.clone();
        // Both only fail for URLs that cannot have credentials, which is not the case here.
        let _ = redacted.set_username("");
        let _ = redacted.set_password(None);
        let reason = "it must not contain credentials".to_owned();
        return Err(invalid(redacted.as_str(), reason));
    }
    if url.query().is_some() {
        return Err(invalid(base, "it must not have a query".to_owned()));
    }
    if url.fragment().is_some() {
        return Err(invalid(base, "it must not have a fragment".to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_encode_everything_but_unreserved() {
        let encoded = encode_segment(UrlPart::Kind, "aZ09-._~/%?#+ é");
        assert_eq!(encoded, Ok("aZ09-._~%2F%25%3F%23%2B%20%C3%A9".to_owned()));
        assert_eq!(
            encode_segment(UrlPart::Reference, "..."),
            Ok("...".to_owned())
        );
    }
}

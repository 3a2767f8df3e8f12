//! Signed event URLs: a token bound to an event's kind, reference and an optional
//! expiry, carried in the [`SIGNATURE_PARAMETER`] query parameter.
//!
//! ```
//! use gcp_events_core::event_url::event_url;
//! use gcp_events_core::auth::signed_url::{verify, UrlSigningKey, SIGNATURE_PARAMETER};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // In production: UrlSigningKey::from_base64(&std::env::var("GCP_EVENTS_URL_KEY")?)?
//!     let key = UrlSigningKey::new([7u8; 32])?;
//!
//!     // The URL to give a push subscription: `gcp_events_sig` comes last in the query.
//!     let url = event_url("order-created", "eu")
//!         .parameter("source", "pubsub")
//!         .base_url("https://example.com")
//!         .signed(&key)
//!         .build()?;
//!     assert!(url.starts_with(
//!         "https://example.com/gcp-events/events/order-created/eu/?source=pubsub&gcp_events_sig=v1.-."
//!     ));
//!
//!     // What the endpoint does with the token found in the query.
//!     let token = url.rsplit_once(&format!("{SIGNATURE_PARAMETER}=")).map(|(_, t)| t);
//!     verify(&[key], "order-created", "eu", token, std::time::SystemTime::now())?;
//!     Ok(())
//! }
//! ```
//!
//! # Token format
//!
//! `v1.<expiry>.<mac>`, where `<expiry>` is the expiry in Unix seconds (decimal, no sign, no
//! leading zeros) or `-` for a token that never expires, and `<mac>` is the unpadded URL-safe
//! base64 of an HMAC-SHA256 over
//!
//! ```text
//! gcp-events-url-v1|<bytes of kind>:<kind>|<bytes of reference>:<reference>|<expiry>
//! ```
//!
//! The domain-separation prefix keeps these MACs apart from anything else computed with the
//! same key, and the length prefixes (UTF-8 byte counts) make the input unambiguous whatever
//! characters the kind and reference hold: `("a|1:b", "c")` and `("a", "1:b|c")` sign different
//! messages. Every character of the token is unreserved in URLs, so it needs no
//! percent-encoding.
//!
//! # What the token binds, and what it does not
//!
//! The token authenticates the **kind, the reference and the expiry** — nothing else. It does
//! **not** cover the other query parameters, the host or the prefix. That is deliberate: a Pub/Sub
//! push subscription has one fixed URL, so its parameters are fixed when the subscription is
//! created, and binding them would force the endpoint to rebuild a canonical query (parameter
//! order, repeated keys, encoding variants) exactly as the signer did — a fragile contract for
//! little gain. The trade-off: whoever holds a valid URL can change or add other parameters and
//! the token still verifies. Do not base authorisation decisions on parameters; put anything that
//! must be authenticated into the reference (or the kind), or use authenticated push (OIDC).
//!
//! # Handling the token
//!
//! The token is a bearer credential for one kind and reference, and it travels in the URL: Cloud
//! Run, App Engine, load balancers and proxies log full request URLs, query included. Use HTTPS
//! only, redact the query in your own logs, rotate keys (pass the old and new keys to [`verify`]
//! during the switch), and prefer expiring tokens where re-creating subscriptions is practical.
//! When combining with OIDC, set an explicit audience on the subscription, or the default audience
//! (the full push URL) copies the token into every JWT. Nothing in this module puts a token or a
//! key into an error message or `Debug` output.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use ring::hmac;

/// The query parameter that carries the token in a signed event URL.
pub const SIGNATURE_PARAMETER: &str = "gcp_events_sig";

/// The smallest accepted key, in bytes (256 bits, the HMAC-SHA256 output size).
pub(crate) const MIN_KEY_BYTES: usize = 32;

/// Tokens longer than this many bytes are refused as [`SignedUrlError::Malformed`] before any
/// other work (a genuine token is under 70 bytes).
pub(crate) const MAX_TOKEN_BYTES: usize = 256;

/// The token version this module writes and accepts.
const VERSION: &str = "v1";

/// Domain separation for the MAC input.
const DOMAIN: &str = "gcp-events-url-v1";

/// Written in place of the expiry for a token that never expires.
const NO_EXPIRY: &str = "-";

/// Length of an HMAC-SHA256 tag in bytes.
const MAC_BYTES: usize = 32;

/// Standard base64 decoding with or without padding, canonical trailing bits.
const STANDARD_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe base64 decoding with or without padding, canonical trailing bits.
const URL_SAFE_ANY_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A secret key for signing and verifying event URLs (HMAC-SHA256).
///
/// At least 32 bytes of random data; generate one with e.g.
/// `openssl rand -base64 32` and load it with [`from_base64`](Self::from_base64), typically from
/// the `GCP_EVENTS_URL_KEY` environment variable. `Debug` never shows the secret.
///
/// ```
/// use gcp_events_core::auth::signed_url::{verify, SignedUrlError, UrlSigningKey};
/// use std::time::SystemTime;
///
/// let key = UrlSigningKey::from_base64("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=").unwrap();
/// let token = key.sign("my-kind", "my-ref", None);
/// assert!(token.starts_with("v1.-."));
/// assert_eq!(verify(&[key.clone()], "my-kind", "my-ref", Some(&token), SystemTime::now()), Ok(()));
/// assert_eq!(
///     verify(&[key], "my-kind", "other-ref", Some(&token), SystemTime::now()),
///     Err(SignedUrlError::BadSignature)
/// );
/// assert!(matches!(UrlSigningKey::new(b"too short"), Err(SignedUrlError::KeyTooShort)));
/// ```
#[derive(Clone)]
pub struct UrlSigningKey {
    key: hmac::Key,
}

impl UrlSigningKey {
    /// A key from raw secret bytes.
    ///
    /// # Errors
    /// [`SignedUrlError::KeyTooShort`] when `secret` has fewer than 32 bytes.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, SignedUrlError> {
        let secret = secret.as_ref();
        if secret.len() < MIN_KEY_BYTES {
            return Err(SignedUrlError::KeyTooShort);
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        })
    }

    /// A key from base64 text, as stored in the `GCP_EVENTS_URL_KEY` environment variable.
    ///
    /// Accepts the standard (`+/`) or URL-safe (`-_`) alphabet, with or without `=` padding;
    /// surrounding white space (a trailing newline from a secret file) is ignored. Decoding is
    /// otherwise strict: mixed alphabets, inner white space and non-canonical trailing bits are
    /// refused.
    ///
    /// # Errors
    /// [`SignedUrlError::InvalidKeyEncoding`] when `s` is not base64, and
    /// [`SignedUrlError::KeyTooShort`] when it decodes to fewer than 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self, SignedUrlError> {
        let s = s.trim();
        let engine = if s.contains(['-', '_']) {
            &URL_SAFE_ANY_PAD
        } else {
            &STANDARD_ANY_PAD
        };
        let secret = engine
            .decode(s)
            .map_err(|_| SignedUrlError::InvalidKeyEncoding)?;
        Self::new(secret)
    }

    /// The token for an event `kind` and `reference`, valid until `expires_at` (or forever with
    /// `None`), to be put in the [`SIGNATURE_PARAMETER`] query parameter. Usually called through
    /// [`EventUrlBuilder::signed`](crate::event_url::EventUrlBuilder::signed) or
    /// [`signed_until`](crate::event_url::EventUrlBuilder::signed_until).
    ///
    /// The token binds the kind, the reference and the expiry, not the other query parameters
    /// (see the [module documentation](self) for why). `kind` and `reference` are the decoded
    /// texts, exactly as handlers see them, not their percent-encoded form. The expiry is rounded
    /// down to a whole second; one before the Unix epoch is written as `0` (already expired).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use gcp_events_core::auth::signed_url::{verify, SignedUrlError, UrlSigningKey};
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// let key = UrlSigningKey::new([42u8; 32]).unwrap();
    /// let expires_at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    /// let token = key.sign("kind", "ref", Some(expires_at));
    /// assert!(token.starts_with("v1.1893456000."));
    ///
    /// let before = UNIX_EPOCH + Duration::from_secs(1_893_455_999);
    /// let after = UNIX_EPOCH + Duration::from_secs(1_893_456_001);
    /// let keys = [key];
    /// assert_eq!(verify(&keys, "kind", "ref", Some(&token), before), Ok(()));
    /// assert_eq!(verify(&keys, "kind", "ref", Some(&token), after), Err(SignedUrlError::Expired));
    /// ```
    pub fn sign(&self, kind: &str, reference: &str, expires_at: Option<DateTime<Utc>>) -> String {
        let expiry = match expires_at {
            Some(at) => u64::try_from(at.timestamp()).unwrap_or(0).to_string(),
            None => NO_EXPIRY.to_owned(),
        };
        let tag = hmac::sign(&self.key, &mac_input(kind, reference, &expiry));
        format!(
            "{VERSION}.{expiry}.{}",
            URL_SAFE_NO_PAD.encode(tag.as_ref())
        )
    }
}

impl fmt::Debug for UrlSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrlSigningKey(<redacted>)")
    }
}

/// Check the `token` of a request to the event `kind` and `reference` (the decoded path
/// segments) against `keys`, at time `now`.
///
/// Every key is tried (constant-time comparison of the MAC), so a key rotation works by passing
/// `[old, new]` until every URL carries a token of the new key. With no keys, every token is
/// refused. Checks run in this order: presence, shape, MAC, then expiry — an expired token is
/// only reported as [`Expired`](SignedUrlError::Expired) once its MAC is genuine. A token is
/// expired when `now` is later than its expiry second.
///
/// ```
/// use gcp_events_core::auth::signed_url::{verify, SignedUrlError, UrlSigningKey};
/// use std::time::SystemTime;
///
/// let old = UrlSigningKey::new([1u8; 32]).unwrap();
/// let new = UrlSigningKey::new([2u8; 32]).unwrap();
/// let token = old.sign("kind", "ref", None);
/// let keys = [old, new];
/// let now = SystemTime::now();
/// assert_eq!(verify(&keys, "kind", "ref", Some(&token), now), Ok(()));
/// assert_eq!(verify(&keys, "kind", "ref", None, now), Err(SignedUrlError::Missing));
/// assert_eq!(verify(&keys, "kind", "ref", Some("v1.-.x"), now), Err(SignedUrlError::Malformed));
/// ```
///
/// # Errors
/// [`SignedUrlError::Missing`] without a token; [`SignedUrlError::Malformed`] when it is not a
/// `v1` token (wrong version, bad expiry, bad base64, wrong MAC length, longer than
/// 256); [`SignedUrlError::BadSignature`] when no key verifies it for this kind,
/// reference and expiry; [`SignedUrlError::Expired`] when it is genuine but `now` is past its
/// expiry.
pub fn verify(
    keys: &[UrlSigningKey],
    kind: &str,
    reference: &str,
    token: Option<&str>,
    now: SystemTime,
) -> Result<(), SignedUrlError> {
    let token = token.ok_or(SignedUrlError::Missing)?;
    let (expiry_text, expiry, tag) = parse_token(token)?;
    let input = mac_input(kind, reference, expiry_text);
    // Try every key without stopping at the first match, so timing does not tell which one.
    let genuine = keys.iter().fold(false, |genuine, key| {
        hmac::verify(&key.key, &input, &tag).is_ok() | genuine
    });
    if !genuine {
        return Err(SignedUrlError::BadSignature);
    }
    if let Some(expiry) = expiry {
        // An expiry beyond what `SystemTime` can represent lies in the future: not expired.
        let expires_at = UNIX_EPOCH.checked_add(Duration::from_secs(expiry));
        if expires_at.is_some_and(|at| now > at) {
            return Err(SignedUrlError::Expired);
        }
    }
    Ok(())
}

/// Split a token into its expiry text, expiry and MAC, refusing anything non-canonical.
fn parse_token(token: &str) -> Result<(&str, Option<u64>, Vec<u8>), SignedUrlError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(SignedUrlError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(version), Some(expiry_text), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SignedUrlError::Malformed);
    };
    if version != VERSION {
        return Err(SignedUrlError::Malformed);
    }
    let expiry = if expiry_text == NO_EXPIRY {
        None
    } else {
        Some(parse_expiry(expiry_text).ok_or(SignedUrlError::Malformed)?)
    };
    let tag = URL_SAFE_NO_PAD
        .decode(mac)
        .map_err(|_| SignedUrlError::Malformed)?;
    if tag.len() != MAC_BYTES {
        return Err(SignedUrlError::Malformed);
    }
    Ok((expiry_text, expiry, tag))
}

/// Unix seconds written canonically: ASCII digits only, no leading zero unless exactly `0`.
fn parse_expiry(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

/// The unambiguous MAC input: domain, then each field length-prefixed, then the expiry text.
fn mac_input(kind: &str, reference: &str, expiry: &str) -> Vec<u8> {
    format!(
        "{DOMAIN}|{}:{kind}|{}:{reference}|{expiry}",
        kind.len(),
        reference.len()
    )
    .into_bytes()
}

/// Why a signed URL or a signing key was refused.
///
/// The `Display` texts are short, public and never contain the token or the key;
/// [`reason`](Self::reason) gives a stable code for logs and metrics.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignedUrlError {
    /// The request carries no [`SIGNATURE_PARAMETER`].
    #[error("missing URL signature")]
    Missing,
    /// The token is not a well-formed `v1` token.
    #[error("malformed URL signature")]
    Malformed,
    /// No key verifies the token for this kind, reference and expiry.
    #[error("invalid URL signature")]
    BadSignature,
    /// The token is genuine but its expiry has passed.
    #[error("URL signature has expired")]
    Expired,
    /// A signing key has fewer than 32 bytes.
    #[error("URL signing key is too short: at least 32 bytes are required")]
    KeyTooShort,
    /// A signing key given as text is not valid base64.
    #[error("URL signing key is not valid base64 (standard or URL-safe alphabet)")]
    InvalidKeyEncoding,
}

impl SignedUrlError {
    /// A stable snake_case code for logs and metrics: `missing`, `malformed`, `bad_signature`,
    /// `expired`, `key_too_short` or `invalid_key_encoding`.
    ///
    /// ```
    /// use gcp_events_core::auth::signed_url::SignedUrlError;
    /// assert_eq!(SignedUrlError::BadSignature.reason(), "bad_signature");
    /// ```
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::KeyTooShort => "key_too_short",
            Self::InvalidKeyEncoding => "invalid_key_encoding",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_input_is_length_prefixed() {
        assert_eq!(
            mac_input("a|1:b", "é", "-"),
            b"gcp-events-url-v1|5:a|1:b|2:\xc3\xa9|-".to_vec()
        );
    }

    #[test]
    fn expiry_must_be_canonical() {
        assert_eq!(parse_expiry("0"), Some(0));
        assert_eq!(parse_expiry("1700000000"), Some(1_700_000_000));
        for bad in ["", "01", "+1", "-1", " 1", "1e3", "99999999999999999999999"] {
            assert_eq!(parse_expiry(bad), None, "{bad:?}");
        }
    }
}

//! The event payload: a JSON document validated once, kept exactly as sent — or, for formats
//! that carry arbitrary bytes (unwrapped Pub/Sub push, CloudEvents with non-JSON data), the
//! bytes themselves.

use std::sync::OnceLock;

use bytes::Bytes;
use serde::de::DeserializeOwned;

/// Why bytes are not an acceptable payload.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Nothing but white space.
    #[error("the payload is empty")]
    Empty,
    /// Not one valid JSON document, or nested deeper than [`MAX_DEPTH`] levels.
    #[error("the payload is not valid JSON: {0}")]
    InvalidJson(String),
}

/// The JSON body of an event, exactly as sent.
///
/// The bytes are checked once, when the payload is made: they are UTF-8 and one JSON document
/// of any type (object, array, string, number, bool, null), with no `NaN`/`Infinity`, nesting at
/// most [`MAX_DEPTH`] levels deep. After that a handler reads them in whichever way suits it:
///
/// - [`raw`](Self::raw): the text as sent — no number loses digits (`1e23`,
///   `123456789012345678901234567890` stay as written);
/// - [`value`](Self::value): a [`serde_json::Value`], parsed on first use and cached;
/// - [`deserialize`](Self::deserialize): straight into the handler's own type, with no
///   intermediate `Value`.
///
/// Formats that carry arbitrary bytes (an unwrapped Pub/Sub push of binary data, a CloudEvent
/// whose data is not JSON) give a *bytes* payload ([`from_bytes`](Self::from_bytes),
/// [`is_json`](Self::is_json) `false`): [`bytes`](Self::bytes) holds them, [`text`](Self::text)
/// gives them as UTF-8 when they are, and [`value`](Self::value) is `null`.
///
/// Cloning is cheap (the bytes are reference-counted).
///
/// ```
/// use gcp_events_core::Payload;
///
/// let payload = Payload::from_json(r#"{"n": 123456789012345678901234567890}"#)?;
/// assert_eq!(payload.raw(), r#"{"n": 123456789012345678901234567890}"#);
/// assert!(payload.value()["n"].is_number());
///
/// #[derive(serde::Deserialize)]
/// struct Order { n: f64 }
/// let order: Order = payload.deserialize()?;
/// assert!(order.n > 1e29);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Payload {
    raw: Bytes,
    json: bool,
    content_type: Option<String>,
    value: OnceLock<serde_json::Value>,
}

impl Payload {
    /// Checks that `bytes` are one JSON document and keeps them as they are.
    pub fn from_json(bytes: impl Into<Bytes>) -> Result<Self, PayloadError> {
        let raw = bytes.into();
        validate(&raw)?;
        Ok(Self {
            raw,
            json: true,
            content_type: None,
            value: OnceLock::new(),
        })
    }

    /// Makes a bytes payload: data that is not (or need not be) JSON, kept unvalidated, with
    /// the media type it arrived with, if any.
    ///
    /// ```
    /// use gcp_events_core::Payload;
    ///
    /// let payload = Payload::from_bytes(&b"\x01\x02"[..], Some("application/octet-stream"));
    /// assert!(!payload.is_json());
    /// assert_eq!(payload.bytes().as_ref(), b"\x01\x02");
    /// assert_eq!(payload.content_type(), Some("application/octet-stream"));
    /// assert!(payload.value().is_null());
    /// ```
    pub fn from_bytes(bytes: impl Into<Bytes>, content_type: Option<&str>) -> Self {
        Self {
            raw: bytes.into(),
            json: false,
            content_type: content_type.map(str::to_owned),
            value: OnceLock::new(),
        }
    }

    /// A JSON payload if the bytes are one valid JSON document, else a bytes payload.
    pub(crate) fn from_json_or_bytes(bytes: impl Into<Bytes>, content_type: Option<&str>) -> Self {
        let raw = bytes.into();
        match Self::from_json(raw.clone()) {
            Ok(p) => p.with_content_type(content_type),
            Err(_) => Self::from_bytes(raw, content_type),
        }
    }

    /// Whether the payload is a validated JSON document (else it is opaque bytes).
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The media type the payload arrived with, when the format says (a CloudEvent's
    /// `datacontenttype`, an unwrapped push's `Content-Type` attribute).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The payload as text, when it is UTF-8 (always, for a JSON payload).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.raw).ok()
    }

    pub(crate) fn with_content_type(mut self, content_type: Option<&str>) -> Self {
        self.content_type = content_type.map(str::to_owned);
        self
    }

    /// Makes a payload from a value (serialized compactly).
    pub fn from_value(value: serde_json::Value) -> Self {
        let raw = Bytes::from(value.to_string());
        let cell = OnceLock::new();
        let _ = cell.set(value);
        Self {
            raw,
            json: true,
            content_type: None,
            value: cell,
        }
    }

    /// The JSON text exactly as sent (for a bytes payload: the bytes as UTF-8, or `""` when
    /// they are not UTF-8 — see [`text`](Self::text)).
    pub fn raw(&self) -> &str {
        // `from_json` checked the bytes are UTF-8; `from_value` made them from a String.
        std::str::from_utf8(&self.raw).unwrap_or_default()
    }

    /// The JSON text as shared bytes (cheap to clone).
    pub fn bytes(&self) -> &Bytes {
        &self.raw
    }

    /// The payload as a [`serde_json::Value`], parsed on first call and cached.
    ///
    /// Numbers beyond `f64`/`i64`/`u64` lose precision here, as in any `Value`; read
    /// [`raw`](Self::raw) when every digit matters.
    pub fn value(&self) -> &serde_json::Value {
        if !self.json {
            return &serde_json::Value::Null;
        }
        self.value.get_or_init(|| {
            // Cannot fail: the same parser with the same limits accepted these bytes.
            serde_json::from_slice(&self.raw).unwrap_or(serde_json::Value::Null)
        })
    }

    /// Deserializes the payload into `T`, straight from the raw text.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match self.value.get() {
            Some(value) => T::deserialize(value),
            None => serde_json::from_slice(&self.raw),
        }
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payload")
            .field("len", &self.raw.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw && self.json == other.json
    }
}

/// One pass over the bytes: a single JSON document, nested at most [`MAX_DEPTH`] deep, nothing
/// built. The bytes are UTF-8 once this passes, and whatever passes also parses into a `Value`
/// (`json_check` is held to serde_json's acceptance by the differential tests).
fn validate(raw: &[u8]) -> Result<(), PayloadError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(PayloadError::Empty);
    }
    // UTF-8 once for the whole body (SIMD); outside strings JSON is ASCII, so this refuses
    // exactly what a parse would.
    if simdutf8::basic::from_utf8(raw).is_err() {
        let at = simdutf8::compat::from_utf8(raw).map_or_else(|e| e.valid_up_to(), |_| 0);
        return Err(PayloadError::InvalidJson(format!(
            "invalid UTF-8 at byte {at}"
        )));
    }
    crate::json_check::check(raw, MAX_DEPTH)
        .map_err(|invalid| PayloadError::InvalidJson(invalid.describe(raw)))
}

/// The deepest nesting of arrays and objects accepted in a payload. It stays below
/// serde_json's own recursion limit (128), so every accepted payload also parses into a `Value`.
pub const MAX_DEPTH: usize = 100;

/// Whether valid JSON `raw` nests arrays/objects more than `max` deep (brackets inside strings
/// do not count).
pub(crate) fn depth_exceeds(raw: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in raw {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_json_type() {
        for ok in [
            "{}",
            "[]",
            "\"s\"",
            "1",
            "-1.5e300",
            "true",
            "null",
            " {\"a\":[1]} ",
        ] {
            assert!(Payload::from_json(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_non_json() {
        for bad in ["NaN", "Infinity", "{", "{} {}", "'a'", "\u{feff}{}", "[1,]"] {
            assert!(
                matches!(Payload::from_json(bad), Err(PayloadError::InvalidJson(_))),
                "{bad}"
            );
        }
        assert_eq!(Payload::from_json("  \n"), Err(PayloadError::Empty));
        assert!(Payload::from_json(&b"\"\xff\""[..]).is_err());
    }

    /// Whatever validates parses into a `Value` (so `value()` cannot fail): a number beyond
    /// `f64` is refused, long exact integers are kept as text; a lone surrogate escape too.
    #[test]
    fn accepted_payloads_always_parse_into_a_value() {
        for bad in [
            "1e400",
            "[-1e999]",
            r#"{"a":"\ud800"}"#,
            "{\"a\" 1}",
            "[1,]",
        ] {
            assert!(
                Payload::from_json(bad.as_bytes().to_vec()).is_err(),
                "{bad}"
            );
        }
        for good in [
            "123456789012345678901234567890",
            r#"{"\u00e9":"\n"}"#,
            "1.5e300",
        ] {
            let payload = Payload::from_json(good.as_bytes().to_vec()).unwrap();
            assert!(
                serde_json::from_str::<serde_json::Value>(payload.raw()).is_ok(),
                "{good}"
            );
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(Payload::from_json(deep).is_err());
        let at_limit = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        let payload = Payload::from_json(at_limit).unwrap();
        assert!(
            payload.value().is_array(),
            "a payload accepted must parse into a Value"
        );
        let over = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(Payload::from_json(over).is_err());
        let strings = format!("[\"{}\\\"[{{\"]", "[".repeat(500));
        assert!(
            Payload::from_json(strings).is_ok(),
            "brackets in strings do not nest"
        );
    }
}

//! Small pure helpers for the wire form: timestamps, base64, JSON type names.

use std::fmt::Write as _;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use chrono::{DateTime, Datelike as _, Timelike as _, Utc};

/// Standard alphabet, padding optional when decoding (Google always pads; others may not).
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64 with padding, as Pub/Sub writes `message.data`.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64, with or without padding, straight into a vector.
///
/// `base64-simd` decodes first (SIMD, about a tenth of the `base64` crate's instructions on a
/// push's data; issue 13): strictly padded when the length is a multiple of four, unpadded
/// otherwise. What it refuses goes to the `base64` crate with [`LENIENT_STANDARD`], which
/// decides (it also takes partial padding such as `AQ=`) and words the error. Both refuse other
/// alphabets, white space and non-zero trailing bits; the tests hold them to the same results.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let fast = if text.len().is_multiple_of(4) {
        base64_simd::STANDARD
    } else {
        base64_simd::STANDARD_NO_PAD
    };
    match fast.decode_to_vec(text) {
        Ok(bytes) => Ok(bytes),
        Err(_) => LENIENT_STANDARD.decode(text).map_err(|e| e.to_string()),
    }
}

/// Formats an instant as Pub/Sub does: UTC, exactly nine fractional digits and `Z`,
/// e.g. `2022-08-12T09:00:25.226743000Z`.
///
/// A leap second (chrono's nanosecond value of one billion or more) is written as second `60`.
/// Years outside 0000–9999 have no RFC 3339 form; they are written with more digits or a sign,
/// which [`parse_timestamp`] rejects.
pub(crate) fn format_timestamp(t: &DateTime<Utc>) -> String {
    let nanos = t.nanosecond();
    let (second, nanos) = if nanos >= 1_000_000_000 {
        (t.second() + 1, nanos - 1_000_000_000)
    } else {
        (t.second(), nanos)
    };
    let mut out = String::with_capacity(30);
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        second,
        nanos
    );
    out
}

/// Parses an RFC 3339 timestamp with 0 to 9 fractional digits and `Z` or a numeric offset,
/// converted to UTC with nanosecond precision kept. The error is a short reason.
pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    // `YYYY-MM-DDTHH:MM:SS` is 19 bytes; a fraction, if any, starts right after it.
    if text.as_bytes().get(19) == Some(&b'.') {
        let digits = text
            .as_bytes()
            .iter()
            .skip(20)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 9 {
            return Err(format!(
                "{digits} fractional digits, at most 9 (nanoseconds) are allowed"
            ));
        }
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("not an RFC 3339 timestamp: {e}"))
}

/// The JSON type of a value, as an English noun phrase used in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonKind {
    /// `"null"`, `"a boolean"`, `"a number"`, `"a string"`, `"an array"` or `"an object"`.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }

    pub(crate) fn of(value: &serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(_) => Self::Bool,
            serde_json::Value::Number(_) => Self::Number,
            serde_json::Value::String(_) => Self::String,
            serde_json::Value::Array(_) => Self::Array,
            serde_json::Value::Object(_) => Self::Object,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn formats_nine_digits_and_z() {
        let t = Utc.with_ymd_and_hms(2022, 8, 12, 9, 0, 25).unwrap()
            + chrono::Duration::nanoseconds(226_743_000);
        assert_eq!(format_timestamp(&t), "2022-08-12T09:00:25.226743000Z");
        let t = Utc.with_ymd_and_hms(5, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(format_timestamp(&t), "0005-01-02T03:04:05.000000000Z");
    }

    #[test]
    fn leap_second_round_trips() {
        let t = parse_timestamp("2016-12-31T23:59:60.5Z").unwrap();
        assert_eq!(format_timestamp(&t), "2016-12-31T23:59:60.500000000Z");
        assert_eq!(parse_timestamp(&format_timestamp(&t)).unwrap(), t);
    }

    #[test]
    fn parses_fractions_and_offsets() {
        let a = parse_timestamp("2021-02-05T04:06:14Z").unwrap();
        let b = parse_timestamp("2021-02-05T04:06:14.000000000Z").unwrap();
        let c = parse_timestamp("2021-02-05T05:06:14+01:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        let d = parse_timestamp("2021-02-05T04:06:14.123456789Z").unwrap();
        assert_eq!(d.nanosecond(), 123_456_789);
    }

    #[test]
    fn rejects_bad_timestamps() {
        for bad in [
            "",
            "yesterday",
            "2021-02-05",
            "2021-02-05T04:06:14",
            "2021-02-05T04:06:14.Z",
            "2021-02-05T04:06:14.1234567890Z",
            "2021-13-05T04:06:14Z",
            "12021-02-05T04:06:14Z",
            "2021-02-05T04:06:14Zjunk",
            "2021-02-05T04:06:14é",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// The SIMD decoder with its fallback gives exactly what the `base64` crate alone gives.
    fn agrees_with_the_base64_crate(text: &str) {
        assert_eq!(
            decode_base64(text).ok(),
            LENIENT_STANDARD.decode(text).ok(),
            "{text:?}"
        );
    }

    #[test]
    fn base64_decoders_agree_on_the_edges() {
        for text in [
            "",
            "A",
            "AQ",
            "AQ=",
            "AQ==",
            "AQ===",
            "AQI",
            "AQI=",
            "AQID",
            "AR==",
            "AR",
            "AQJ=",
            "AQJ",
            "=",
            "==",
            "====",
            "AQ==AQ==",
            "A===",
            "AQID\n",
            " AQID",
            "AQ-_",
            "AQ+/",
            "////",
            "+/+/+w",
            "+/+/+w==",
            "aGVsbG8gd29ybGQ=",
            "aGVsbG8gd29ybGQ",
            "aGVsbG8gd29ybGR=",
        ] {
            agrees_with_the_base64_crate(text);
        }
        // Every string of up to four symbols from a small alphabet with padding and junk.
        let symbols = ["A", "Q", "R", "/", "+", "=", "-", " "];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            texts = texts
                .iter()
                .flat_map(|t| symbols.iter().map(move |s| format!("{t}{s}")))
                .collect();
            for text in &texts {
                agrees_with_the_base64_crate(text);
                agrees_with_the_base64_crate(&format!("aGVsbG8g{text}"));
            }
        }
    }

    #[test]
    fn base64_decoders_agree_on_long_data() {
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        for len in [0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 1052, 4999] {
            let text = encode_base64(&bytes[..len]);
            assert_eq!(decode_base64(&text).unwrap(), &bytes[..len]);
            agrees_with_the_base64_crate(text.trim_end_matches('='));
            let mut bad = text.clone().into_bytes();
            if let Some(b) = bad.get_mut(len / 2) {
                *b = b'-';
                agrees_with_the_base64_crate(std::str::from_utf8(&bad).unwrap());
            }
        }
    }

    #[test]
    fn base64_is_lenient_on_padding_only() {
        assert_eq!(decode_base64("AQIDBA==").unwrap(), [1, 2, 3, 4]);
        assert_eq!(decode_base64("AQIDBA").unwrap(), [1, 2, 3, 4]);
        assert_eq!(decode_base64("").unwrap(), Vec::<u8>::new());
        assert!(decode_base64("AQID-A==").is_err()); // URL-safe alphabet
        assert!(decode_base64("AQ ID").is_err());
        assert!(decode_base64("A").is_err());
        assert_eq!(encode_base64(&[1, 2, 3, 4]), "AQIDBA==");
    }
}

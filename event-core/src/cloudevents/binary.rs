//! Binary content mode (HTTP binding §3.1): attributes in `ce-*` headers.

use http::header::CONTENT_TYPE;
use http::HeaderMap;

use super::attributes::AttributesBuilder;
use super::{CloudEventAttributes, CloudEventError};

/// Prefix of the headers that carry attributes (names are lower-cased by `http`).
const PREFIX: &str = "ce-";

pub(super) fn from_binary(headers: &HeaderMap) -> Result<CloudEventAttributes, CloudEventError> {
    let mut builder = AttributesBuilder::default();
    let mut ce_datacontenttype = false;
    for name in headers.keys() {
        let Some(attribute) = name.as_str().strip_prefix(PREFIX) else {
            continue;
        };
        let mut values = headers.get_all(name).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(CloudEventError::DuplicateHeader(name.as_str().to_owned()));
        };
        let value = decode_value(value.as_bytes())
            .ok_or_else(|| CloudEventError::InvalidHeaderEncoding(name.as_str().to_owned()))?;
        ce_datacontenttype |= attribute == "datacontenttype";
        builder.set(attribute, value);
    }

    let mut content_types = headers.get_all(CONTENT_TYPE).iter();
    if let Some(content_type) = content_types.next() {
        if content_types.next().is_some() {
            return Err(CloudEventError::DuplicateHeader(
                CONTENT_TYPE.as_str().to_owned(),
            ));
        }
        if ce_datacontenttype {
            return Err(CloudEventError::DataContentTypeConflict);
        }
        let text = std::str::from_utf8(content_type.as_bytes()).map_err(|_| {
            CloudEventError::InvalidHeaderEncoding(CONTENT_TYPE.as_str().to_owned())
        })?;
        builder.datacontenttype = Some(text.to_owned());
    }
    builder.finish()
}

/// Decodes a `ce-*` header value (HTTP binding §3.1.3.2): surrounding optional white space is
/// trimmed; an RFC 7230 quoted-string is unquoted; then the text is percent-decoded exactly
/// once (either hex case) and must be UTF-8. `None` when any step fails.
pub(super) fn decode_value(raw: &[u8]) -> Option<String> {
    let raw = trim_ows(raw);
    let unquoted;
    let text = match raw {
        [b'"', inner @ .., b'"'] => {
            unquoted = unquote(inner)?;
            &unquoted[..]
        }
        _ => raw,
    };
    String::from_utf8(percent_decode(text)?).ok()
}

/// Strips leading and trailing spaces and tabs.
fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Resolves the quoted-pairs (`\x` → `x`) of a quoted-string's content. An unescaped `"` or a
/// trailing lone `\` means the value was not one well-formed quoted-string.
fn unquote(inner: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'\\' => out.push(*bytes.next()?),
            b'"' => return None,
            _ => out.push(b),
        }
    }
    Some(out)
}

/// Replaces each `%XX` (hex digits of either case) by its byte; a `%` not followed by two hex
/// digits is an error.
fn percent_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'%' {
            let hi = hex(*text.get(i + 1)?)?;
            let lo = hex(*text.get(i + 2)?)?;
            out.push((hi << 4) | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Some(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_values() {
        assert_eq!(decode_value(b"abc").as_deref(), Some("abc"));
        assert_eq!(decode_value(b" \tabc \t").as_deref(), Some("abc"));
        assert_eq!(decode_value(br#""a b""#).as_deref(), Some("a b"));
        assert_eq!(decode_value(br#""a\"b\\c""#).as_deref(), Some("a\"b\\c"));
        assert_eq!(decode_value(br#""""#).as_deref(), Some(""));
        assert_eq!(decode_value(br#"""#).as_deref(), Some("\""));
        assert_eq!(decode_value(b"%e2%82%ac%E2%82%AC").as_deref(), Some("€€"));
        assert_eq!(decode_value(b"%25%32%46").as_deref(), Some("%2F"));
        assert_eq!(decode_value("é".as_bytes()).as_deref(), Some("é"));
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in [
            &b"%"[..],
            b"%2",
            b"%G1",
            b"%1G",
            b"ab%",
            b"%C0%AF",
            b"%FF",
            b"%ED%A0%80",
            b"\xff",
            br#""a"b""#,
            br#""abc\""#,
            br#""%zz""#,
        ] {
            assert_eq!(decode_value(bad), None, "{bad:?}");
        }
    }
}

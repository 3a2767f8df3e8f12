//! Path and query parsing for `{prefix}/events/{kind}/{reference}`.
//!
//! The core decodes the raw request target itself, so every framework gives the same answer
//! (they disagree on empty segments, dot segments and invalid UTF-8 escapes).

use std::collections::BTreeMap;

use percent_encoding::percent_decode;

use crate::error::RequestError;

/// Normalises a mount prefix to `""` (the root) or `/seg/seg`: missing leading, extra trailing
/// and repeated slashes do not matter. The one normaliser, shared by the service and
/// [`event_url`](crate::event_url), so the same string configures both ends.
///
/// Only characters that stand for themselves in a request path are allowed (RFC 3986
/// unreserved and sub-delims, `:`, `@`): the prefix is compared with the raw, still
/// percent-encoded path, so anything that needs encoding (`?`, `#`, `%`, spaces, non-ASCII…)
/// could never match. `.` and `..` segments are refused too. The error is the reason.
pub(crate) fn normalise_prefix(raw: &str) -> Result<String, &'static str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c);
    if !raw.chars().all(plain) {
        return Err(
            "only characters that need no percent-encoding in a URL path are allowed \
             (no '?', '#', '%', spaces or non-ASCII)",
        );
    }
    let mut out = String::with_capacity(raw.len() + 1);
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." {
            return Err("it must not contain a '.' or '..' segment");
        }
        // Routers read a segment starting with ':' or '*' as a parameter (axum refuses it).
        if segment.starts_with([':', '*']) {
            return Err("a segment must not start with ':' or '*'");
        }
        out.push('/');
        out.push_str(segment);
    }
    Ok(out)
}

/// Where the event routes live under a prefix: `"{prefix}/events"`.
pub(crate) fn events_path(prefix: &str) -> String {
    format!("{prefix}/events")
}

/// Whether `path` is at or under `events_path` (so the endpoint answers for it, even if only 404/405).
pub(crate) fn owns_path(events_path: &str, path: &str) -> bool {
    match path.strip_prefix(events_path) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

/// Splits and decodes the kind and reference from a raw path under `events_path`.
pub(crate) fn match_path(events_path: &str, path: &str) -> Result<(String, String), RequestError> {
    let rest = path
        .strip_prefix(events_path)
        .and_then(|r| r.strip_prefix('/'))
        .ok_or(RequestError::NotFound)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (kind, reference) = rest.split_once('/').ok_or(RequestError::NotFound)?;
    if kind.is_empty() || reference.is_empty() || reference.contains('/') {
        return Err(RequestError::NotFound);
    }
    Ok((decode_segment(kind)?, decode_segment(reference)?))
}

fn decode_segment(raw: &str) -> Result<String, RequestError> {
    let decoded = percent_decode(raw.as_bytes())
        .decode_utf8()
        .map_err(|_| RequestError::InvalidPathEncoding)?
        .into_owned();
    if decoded == "." || decoded == ".." {
        return Err(RequestError::NotFound);
    }
    Ok(decoded)
}

/// Parses a query string as `application/x-www-form-urlencoded`: `+` is a space, escapes are
/// UTF-8 (invalid → error, never replacement characters), a repeated key keeps its last value.
pub(crate) fn parse_query(query: &str) -> Result<BTreeMap<String, String>, RequestError> {
    let mut out = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.insert(decode_form(key)?, decode_form(value)?);
    }
    Ok(out)
}

fn decode_form(raw: &str) -> Result<String, RequestError> {
    let bytes = raw.as_bytes();
    let decoded: Vec<u8> = if bytes.contains(&b'+') {
        let spaced: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_decode(&spaced).collect()
    } else {
        percent_decode(bytes).collect()
    };
    String::from_utf8(decoded).map_err(|_| RequestError::InvalidQueryEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS_PATH: &str = "/gcp-events/events";

    fn ok(path: &str) -> (String, String) {
        match match_path(EVENTS_PATH, path) {
            Ok(kr) => kr,
            Err(e) => panic!("{path}: {e}"),
        }
    }

    #[test]
    fn matches_with_and_without_trailing_slash() {
        assert_eq!(ok("/gcp-events/events/k/r"), ("k".into(), "r".into()));
        assert_eq!(ok("/gcp-events/events/k/r/"), ("k".into(), "r".into()));
        assert_eq!(
            ok("/gcp-events/events/a%2Fb/%C3%A9"),
            ("a/b".into(), "é".into())
        );
    }

    #[test]
    fn refuses_bad_shapes() {
        for p in [
            "/gcp-events/events",
            "/gcp-events/events/",
            "/gcp-events/events/k",
            "/gcp-events/events/k/",
            "/gcp-events/events//r",
            "/gcp-events/events/k//",
            "/gcp-events/events/k/r/x",
            "/gcp-events/events/k/r//",
            "/gcp-events/events/../r",
            "/gcp-events/events/k/%2e%2E",
            "/gcp-events/events/%2E/r",
            "/other/events/k/r",
        ] {
            assert!(
                matches!(match_path(EVENTS_PATH, p), Err(RequestError::NotFound)),
                "{p}"
            );
        }
        assert!(matches!(
            match_path(EVENTS_PATH, "/gcp-events/events/%FF/r"),
            Err(RequestError::InvalidPathEncoding)
        ));
        assert!(matches!(
            match_path(EVENTS_PATH, "/gcp-events/events/k/%C0%AF"),
            Err(RequestError::InvalidPathEncoding)
        ));
    }

    #[test]
    fn prefixes_are_normalised_once_for_service_and_urls() {
        for (given, expected) in [
            ("", ""),
            ("///", ""),
            ("gcp-events/", "/gcp-events"),
            ("//a//b//", "/a/b"),
            ("/v1:beta/@me!$&'()*+,;=", "/v1:beta/@me!$&'()*+,;="),
        ] {
            assert_eq!(
                normalise_prefix(given).as_deref(),
                Ok(expected),
                "{given:?}"
            );
        }
        for bad in [
            "/ü", "/a b", "/a?b", "/a#b", "/a%20b", "/a/../b", "/./a", "/[x]", "/:v1", "/a/*b",
        ] {
            assert!(normalise_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn owns_only_its_subtree() {
        assert!(owns_path(EVENTS_PATH, "/gcp-events/events"));
        assert!(owns_path(EVENTS_PATH, "/gcp-events/events/x"));
        assert!(!owns_path(EVENTS_PATH, "/gcp-events/eventsx"));
        assert!(!owns_path(EVENTS_PATH, "/gcp-events"));
    }

    #[test]
    fn query_is_form_urlencoded() {
        let q = parse_query("a=1&b=x+y&c=%26%3D%2B&a=2&empty&d=%C3%A9").unwrap_or_default();
        assert_eq!(q["a"], "2");
        assert_eq!(q["b"], "x y");
        assert_eq!(q["c"], "&=+");
        assert_eq!(q["empty"], "");
        assert_eq!(q["d"], "é");
        assert!(parse_query("a=%FF").is_err());
    }
}

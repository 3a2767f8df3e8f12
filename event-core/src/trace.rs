//! [`TraceContext`]: the W3C trace an event continues.

use http::{HeaderMap, HeaderName};

use crate::cloudevents::CloudEventAttributes;

/// The distributed trace a delivery belongs to, continued from (first found wins):
///
/// 1. the request's `traceparent` header (W3C Trace Context; Cloud Run adds one);
/// 2. a CloudEvent's `traceparent` extension (the CloudEvents distributed-tracing extension);
/// 3. the `googclient_traceparent` message attribute that Google's Pub/Sub client libraries
///    set when publishing (wrapped pushes and unwrapped pushes whose attribute headers include
///    it);
/// 4. the request's `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` header.
///
/// A value that does not parse is skipped (the next source is tried), never an error.
///
/// ```
/// use gcp_events_core::TraceContext;
///
/// let trace = TraceContext::from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
/// assert_eq!(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
/// assert_eq!(trace.span_id, "00f067aa0ba902b7");
/// assert!(trace.sampled);
/// assert!(TraceContext::from_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_none());
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lower-case hex digits, never all zero.
    pub trace_id: String,
    /// The parent span: 16 lower-case hex digits, never all zero.
    pub span_id: String,
    /// The sampled flag.
    pub sampled: bool,
}

fn hex_id(text: &str, len: usize) -> Option<String> {
    (text.len() == len
        && text.bytes().all(|b| b.is_ascii_hexdigit())
        && text.bytes().any(|b| b != b'0'))
    .then(|| text.to_ascii_lowercase())
}

impl TraceContext {
    /// Parses a W3C `traceparent` (`version-traceid-parentid-flags`); version `ff` and all-zero
    /// ids are invalid. Versions above `00` are read by their first four fields, as the
    /// specification asks.
    pub fn from_traceparent(value: &str) -> Option<Self> {
        let mut parts = value.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version.len() != 2
            || !version.bytes().all(|b| b.is_ascii_hexdigit())
            || version.eq_ignore_ascii_case("ff")
            || (version == "00" && parts.next().is_some())
        {
            return None;
        }
        let flags = u8::from_str_radix(flags.get(..2).filter(|_| flags.len() == 2)?, 16).ok()?;
        Some(Self {
            trace_id: hex_id(trace, 32)?,
            span_id: hex_id(span, 16)?,
            sampled: flags & 1 == 1,
        })
    }

    /// Parses `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=OPTIONS` (the span id is decimal).
    pub fn from_cloud_trace_context(value: &str) -> Option<Self> {
        let (trace, rest) = value.trim().split_once('/')?;
        let (span, options) = rest.split_once(';').unwrap_or((rest, ""));
        let span: u64 = span.parse().ok().filter(|s| *s != 0)?;
        Some(Self {
            trace_id: hex_id(trace, 32)?,
            span_id: format!("{span:016x}"),
            sampled: options.trim() == "o=1",
        })
    }

    /// The trace of a delivery, from the sources in the order above. `attributes` is asked
    /// for only when neither the header nor the CloudEvent has a trace.
    pub(crate) fn of_delivery<'a>(
        headers: &HeaderMap,
        cloud_event: Option<&CloudEventAttributes>,
        attributes: impl FnOnce() -> Option<&'a std::collections::BTreeMap<String, String>>,
    ) -> Option<Self> {
        // Names made once, not parsed from text on every request.
        const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
        const CLOUD_TRACE: HeaderName = HeaderName::from_static("x-cloud-trace-context");
        let header = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        header(&TRACEPARENT)
            .and_then(Self::from_traceparent)
            .or_else(|| {
                cloud_event
                    .and_then(|ce| ce.extensions.get("traceparent"))
                    .and_then(|v| Self::from_traceparent(v))
            })
            .or_else(|| {
                attributes()
                    .and_then(|a| a.get("googclient_traceparent"))
                    .and_then(|v| Self::from_traceparent(v))
            })
            .or_else(|| header(&CLOUD_TRACE).and_then(Self::from_cloud_trace_context))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_is_parsed_strictly() {
        let ok = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-00";
        let t = TraceContext::from_traceparent(ok).unwrap();
        assert_eq!(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert!(!t.sampled);
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
            "00-xbf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceContext::from_traceparent(bad), None, "{bad:?}");
        }
        // A later version may add fields.
        assert!(TraceContext::from_traceparent(
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"
        )
        .is_some());
    }

    #[test]
    fn cloud_trace_context_gives_a_hex_span() {
        let t = TraceContext::from_cloud_trace_context("105445aa7843bc8bf206b12000100000/1;o=1")
            .unwrap();
        assert_eq!(t.trace_id, "105445aa7843bc8bf206b12000100000");
        assert_eq!(t.span_id, "0000000000000001");
        assert!(t.sampled);
        assert!(TraceContext::from_cloud_trace_context("nothex/1;o=1").is_none());
        assert!(
            TraceContext::from_cloud_trace_context("105445aa7843bc8bf206b12000100000/0").is_none()
        );
    }

    #[test]
    fn sources_are_tried_in_order() {
        let tp = |n: char| format!("00-{}-00f067aa0ba902b7-01", n.to_string().repeat(32));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-cloud-trace-context",
            "dddddddddddddddddddddddddddddddd/5;o=1".parse().unwrap(),
        );
        let attributes = [("googclient_traceparent".to_owned(), tp('c'))]
            .into_iter()
            .collect();
        let of = |headers: &HeaderMap,
                  attrs: Option<&std::collections::BTreeMap<String, String>>| {
            TraceContext::of_delivery(headers, None, || attrs)
                .unwrap()
                .trace_id
        };
        assert_eq!(of(&headers, None), "d".repeat(32));
        assert_eq!(of(&headers, Some(&attributes)), "c".repeat(32));
        headers.insert("traceparent", tp('a').parse().unwrap());
        assert_eq!(of(&headers, Some(&attributes)), "a".repeat(32));
        // An invalid header falls through to the next source.
        headers.insert("traceparent", "garbage".parse().unwrap());
        assert_eq!(of(&headers, Some(&attributes)), "c".repeat(32));
    }
}

//! The unwrapped-push header reader (SPEC C4): any headers, any body, never a panic.
#![no_main]

use gcp_events_core::pubsub::{decode_unwrapped, AttributeHeaders};
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Vec<(String, Vec<u8>)>, Vec<u8>)| {
    let (pairs, body) = input;
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        let name = format!("x-goog-pubsub-{name}");
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_bytes(&value),
        ) {
            headers.append(n, v);
        }
    }
    for attributes in [
        AttributeHeaders::AllExceptTransport,
        AttributeHeaders::only(["origin"]),
    ] {
        let _ = decode_unwrapped(&headers, bytes::Bytes::from(body.clone()), &attributes);
    }
});

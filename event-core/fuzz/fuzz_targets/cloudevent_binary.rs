//! CloudEvent binary-mode headers (SPEC C1): any `ce-*` headers, never a panic; an accepted
//! event has its required attributes.
#![no_main]

use gcp_events_core::cloudevents::from_binary;
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|pairs: Vec<(String, Vec<u8>)>| {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        let name = if name.starts_with("content") {
            name
        } else {
            format!("ce-{name}")
        };
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_bytes(&value),
        ) {
            headers.append(n, v);
        }
    }
    if let Ok(attributes) = from_binary(&headers) {
        assert!(!attributes.id.is_empty() && !attributes.source.is_empty());
        assert_eq!(attributes.specversion, "1.0");
        let _ = (
            attributes.reference(),
            attributes.storage_object(),
            attributes.pubsub_topic(),
        );
    }
});

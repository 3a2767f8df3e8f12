//! The Pub/Sub push decoder, from bytes and from a parsed value: never a panic, and both
//! decoders accept exactly the same bodies (SPEC P2).
#![no_main]

use gcp_events_core::pubsub::DecodedMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let from_bytes = DecodedMessage::from_slice(data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let from_value = DecodedMessage::from_value(&value);
        assert_eq!(
            from_bytes.is_ok(),
            from_value.is_ok(),
            "{from_bytes:?} vs {from_value:?}"
        );
    }
    if let Ok(message) = from_bytes {
        let _ = message.data();
        let _ = message.data_as::<serde_json::Value>();
    }
});

//! The Pub/Sub push decoder, from bytes and from a parsed value: never a panic, both decoders
//! accept exactly the same bodies (SPEC P2), and on any body a parse into a `Value` accepts the
//! byte decoder's gathering pass agrees with the serde visitor it replaced.
#![no_main]

use gcp_events_core::pubsub::{DecodeError, DecodedMessage};
use gcp_events_core::testing::push_decode_reference;
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
        match (&from_bytes, push_decode_reference(data)) {
            (Err(DecodeError::InvalidJson { .. }), Err(DecodeError::InvalidJson { .. })) => {}
            (ours, theirs) => assert_eq!(ours, &theirs),
        }
    } else {
        assert!(
            matches!(from_bytes, Err(DecodeError::InvalidJson { .. })),
            "{from_bytes:?}"
        );
    }
    if let Ok(message) = from_bytes {
        let _ = message.data();
        let _ = message.data_as::<serde_json::Value>();
    }
});

//! The payload's JSON check on any bytes: never a panic, and `Payload::from_json` accepts
//! exactly what the serde visitor it replaced accepts (SPEC E3, E9); whatever it accepts parses
//! into a `Value`.
#![no_main]

use gcp_events_core::testing::json_reference_accepts;
use gcp_events_core::Payload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ours = Payload::from_json(data.to_vec());
    assert_eq!(
        ours.is_ok(),
        json_reference_accepts(data),
        "{:?}: {ours:?}",
        String::from_utf8_lossy(data)
    );
    if let Ok(payload) = ours {
        assert!(serde_json::from_slice::<serde_json::Value>(payload.bytes()).is_ok());
    }
});

//! Structured-mode CloudEvent bodies (SPEC C2): any bytes, never a panic.
#![no_main]

use gcp_events_core::cloudevents::from_structured;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((attributes, _data)) = from_structured(data) {
        assert!(!attributes.id.is_empty());
        let _ = attributes.reference();
    }
});

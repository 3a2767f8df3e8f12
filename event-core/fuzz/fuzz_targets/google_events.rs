//! Google's event data decoders on any bytes, as protobuf and as proto3 JSON: never a panic;
//! whatever decodes re-encodes to a form that decodes to the same encoding again (protobuf),
//! or to the same proto3 JSON (JSON); plain values never panic either.
#![no_main]

use gcp_events_core::google_events::audit::LogEntryData;
use gcp_events_core::google_events::cloudbuild::BuildEventData;
use gcp_events_core::google_events::datastore::EntityEventData;
use gcp_events_core::google_events::firebase::alerts::AlertData;
use gcp_events_core::google_events::firebase::analytics::AnalyticsLogData;
use gcp_events_core::google_events::firebase::auth::AuthEventData;
use gcp_events_core::google_events::firebase::database::ReferenceEventData;
use gcp_events_core::google_events::firebase::testlab::TestMatrixEventData;
use gcp_events_core::google_events::firebase::remoteconfig::RemoteConfigEventData;
use gcp_events_core::google_events::scheduler::SchedulerJobData;
use gcp_events_core::google_events::firestore::DocumentEventData;
use gcp_events_core::google_events::pubsub::MessagePublishedData;
use gcp_events_core::google_events::storage::StorageObjectData;
use gcp_events_core::google_events::GoogleEventData;
use libfuzzer_sys::fuzz_target;
use prost::Message;

fn check<T: GoogleEventData + std::fmt::Debug>(data: &[u8]) {
    if let Ok(message) = T::decode(data) {
        let once = message.encode_to_vec();
        let again = T::decode(once.as_slice()).expect("our own encoding decodes");
        assert_eq!(again.encode_to_vec(), once, "{message:?}");
    }
    if let Ok(message) = serde_json::from_slice::<T>(data) {
        if let Ok(once) = serde_json::to_string(&message) {
            let again: T = serde_json::from_str(&once).expect("our own JSON decodes");
            assert_eq!(serde_json::to_string(&again).ok(), Some(once));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check::<DocumentEventData>(data);
    check::<EntityEventData>(data);
    check::<StorageObjectData>(data);
    check::<MessagePublishedData>(data);
    check::<SchedulerJobData>(data);
    check::<ReferenceEventData>(data);
    check::<RemoteConfigEventData>(data);
    check::<AuthEventData>(data);
    check::<TestMatrixEventData>(data);
    check::<AlertData>(data);
    check::<AnalyticsLogData>(data);
    check::<LogEntryData>(data);
    check::<BuildEventData>(data);
    if let Ok(change) = DocumentEventData::decode(data) {
        for document in change.value.iter().chain(change.old_value.iter()) {
            let _ = document.to_json();
            let _ = document.deserialize::<serde_json::Value>();
        }
    }
});

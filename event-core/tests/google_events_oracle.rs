//! The differential test against Google's own event types (PyPI `google-events`, pinned in
//! scripts/oracle/requirements.txt, run by scripts/oracle/events.py): for each data message,
//! many random messages built with Google's classes (every value kind, empty and default
//! fields, int64 extremes, Unicode, nesting) are encoded by Google as protobuf and as proto3
//! JSON; ours decodes both (to the same value), encodes both again, and Google decodes ours
//! back to the original. Never skipped: without the oracle the test fails saying what to run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use base64::Engine as _;
use gcp_events_core::google_events::audit::LogEntryData;
use gcp_events_core::google_events::cloudbuild::BuildEventData;
use gcp_events_core::google_events::datastore::EntityEventData;
use gcp_events_core::google_events::firebase::alerts::AlertData;
use gcp_events_core::google_events::firebase::analytics::AnalyticsLogData;
use gcp_events_core::google_events::firebase::auth::AuthEventData;
use gcp_events_core::google_events::firebase::database::ReferenceEventData;
use gcp_events_core::google_events::firebase::remoteconfig::RemoteConfigEventData;
use gcp_events_core::google_events::firebase::testlab::TestMatrixEventData;
use gcp_events_core::google_events::firestore::DocumentEventData;
use gcp_events_core::google_events::pubsub::MessagePublishedData;
use gcp_events_core::google_events::scheduler::SchedulerJobData;
use gcp_events_core::google_events::storage::StorageObjectData;
use gcp_events_core::google_events::GoogleEventData;
use serde_json::{json, Value};

const CASES: usize = 400;

fn oracle(command: &str, request: &Value) -> Value {
    let python = common::oracle_python();
    let script = common::workspace_root().join("scripts/oracle/events.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the google-events oracle failed: install scripts/oracle/requirements.txt (run \
         `bash scripts/test.sh`, which makes .venv)\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the oracle answers JSON")
}

fn agree_with_google<T: GoogleEventData + PartialEq + std::fmt::Debug>(seed: u64) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let generated = oracle(
        "generate",
        &json!({"message": T::MESSAGE_NAME, "count": CASES, "seed": seed}),
    );
    let mut cases = Vec::new();
    for (i, case) in generated.as_array().unwrap().iter().enumerate() {
        let protobuf = b64.decode(case["protobuf"].as_str().unwrap()).unwrap();
        let google_json = case["json"].as_str().unwrap();
        let from_protobuf = T::decode(protobuf.as_slice())
            .unwrap_or_else(|e| panic!("case {i}: Google's protobuf does not decode: {e}"));
        let from_json: T = serde_json::from_str(google_json).unwrap_or_else(|e| {
            panic!("case {i}: Google's JSON does not decode: {e}\n{google_json}")
        });
        assert_eq!(
            from_protobuf, from_json,
            "case {i}: the two encodings disagree"
        );
        cases.push(json!({
            "original": case["protobuf"],
            "protobuf": b64.encode(from_protobuf.encode_to_vec()),
            "json": serde_json::to_string(&from_json).unwrap(),
        }));
    }
    let verdict = oracle(
        "verify",
        &json!({"message": T::MESSAGE_NAME, "cases": cases}),
    );
    assert_eq!(verdict["checked"], CASES);
    assert_eq!(
        verdict["mismatch_count"], 0,
        "Google reads our encodings differently: {verdict:#}"
    );
}

#[test]
fn firestore_document_events_agree_with_googles_types() {
    agree_with_google::<DocumentEventData>(20_261_206);
}

#[test]
fn datastore_entity_events_agree_with_googles_types() {
    agree_with_google::<EntityEventData>(20_261_207);
}

#[test]
fn storage_object_events_agree_with_googles_types() {
    agree_with_google::<StorageObjectData>(20_261_208);
}

#[test]
fn pubsub_message_published_events_agree_with_googles_types() {
    agree_with_google::<MessagePublishedData>(20_261_209);
}

#[test]
fn scheduler_job_events_agree_with_googles_types() {
    agree_with_google::<SchedulerJobData>(20_261_210);
}

#[test]
fn realtime_database_events_agree_with_googles_types() {
    agree_with_google::<ReferenceEventData>(20_261_211);
}

#[test]
fn remote_config_events_agree_with_googles_types() {
    agree_with_google::<RemoteConfigEventData>(20_261_212);
}

#[test]
fn firebase_auth_events_agree_with_googles_types() {
    agree_with_google::<AuthEventData>(20_261_213);
}

#[test]
fn test_lab_events_agree_with_googles_types() {
    agree_with_google::<TestMatrixEventData>(20_261_214);
}

#[test]
fn firebase_alerts_agree_with_googles_types() {
    agree_with_google::<AlertData>(20_261_215);
}

#[test]
fn firebase_analytics_events_agree_with_googles_types() {
    agree_with_google::<AnalyticsLogData>(20_261_216);
}

#[test]
fn audit_log_events_agree_with_googles_types() {
    agree_with_google::<LogEntryData>(20_261_217);
}

#[test]
fn cloud_build_events_agree_with_googles_types() {
    agree_with_google::<BuildEventData>(20_261_218);
}

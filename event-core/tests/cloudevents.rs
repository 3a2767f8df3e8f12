//! Public-API tests of the CloudEvents parser (SPEC C1, C2, C3; wire-formats "What a receiver
//! must do" 12–18).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use gcp_events_core::cloudevents::{
    from_binary, from_structured, CloudEventAttributes, CloudEventError, StorageObjectData,
    StructuredData, PUBSUB_MESSAGE_PUBLISHED,
};
use gcp_events_core::pubsub::{DecodedMessage, MessageData};
use gcp_events_core::testing::Recorder;
use gcp_events_core::{DeliveryFormat, EventService};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use serde_json::{json, Value};

const PUBSUB_SOURCE: &str = "//pubsub.googleapis.com/projects/my-project/topics/my-topic";
const STORAGE_SOURCE: &str = "//storage.googleapis.com/projects/_/buckets/some-bucket";

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "cloudevents",
        name,
    ]
    .iter()
    .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Headers from (name, raw value bytes) pairs; names may have any case, repeats are appended.
fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

/// The headers Eventarc sends for a Pub/Sub message (wire-formats 4.2, 4.3).
fn pubsub_binary() -> HeaderMap {
    headers(&[
        ("ce-id", b"2070443601311540"),
        ("ce-source", PUBSUB_SOURCE.as_bytes()),
        ("ce-specversion", b"1.0"),
        ("ce-type", PUBSUB_MESSAGE_PUBLISHED.as_bytes()),
        ("ce-time", b"2020-12-20T13:37:33.647Z"),
        ("content-type", b"application/json; charset=utf-8"),
    ])
}

/// Minimal valid binary headers plus `extra`.
fn binary_with(extra: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = headers(&[
        ("ce-id", b"id-1"),
        ("ce-source", b"//example.com/source"),
        ("ce-specversion", b"1.0"),
        ("ce-type", b"com.example.test"),
    ]);
    for (name, value) in extra {
        map.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

/// The decoded `ce-subject` of otherwise valid binary headers.
fn subject_of(raw: &[u8]) -> Result<String, CloudEventError> {
    from_binary(&binary_with(&[("ce-subject", raw)])).map(|a| a.subject.unwrap())
}

fn content_type(value: &'static str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(CONTENT_TYPE, HeaderValue::from_static(value));
    map
}

// ---------------------------------------------------------------------------------------------
// Mode detection (C1, C2; requirement 12), observed through the service: what a request with
// these headers is taken for.

#[derive(Debug, PartialEq, Eq)]
enum Mode {
    Structured,
    Batch,
    Binary,
    NotACloudEvent,
}

fn detect_mode(headers: &HeaderMap) -> Mode {
    let recorder = Recorder::new();
    let service = EventService::builder()
        .allow_unauthenticated()
        .handler(recorder.clone())
        .build()
        .unwrap();
    // Valid as a JSON body, as binary-mode data and as a structured event alike.
    let body = r#"{"specversion":"1.0","id":"1","source":"//s","type":"t"}"#;
    let mut request = http::Request::post("/gcp-events/events/k/r")
        .header("host", "localhost")
        .body(body.to_owned())
        .unwrap();
    *request.headers_mut() = headers.clone();
    request
        .headers_mut()
        .insert(http::header::HOST, HeaderValue::from_static("localhost"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let response = runtime.block_on(service.handle(request));
    let text = String::from_utf8_lossy(response.body().as_bytes()).into_owned();
    match response.status().as_u16() {
        415 => Mode::Batch,
        // A binary-mode request whose headers then fail to parse.
        400 if text.contains("Invalid CloudEvent") => Mode::Binary,
        201 => match recorder.single().context().format {
            DeliveryFormat::CloudEventStructured => Mode::Structured,
            DeliveryFormat::CloudEventBinary => Mode::Binary,
            _ => Mode::NotACloudEvent,
        },
        other => panic!("unexpected {other}: {text}"),
    }
}

#[test]
fn structured_mode_is_detected_case_insensitively_with_parameters() {
    for ct in [
        "application/cloudevents+json",
        "Application/CloudEvents+JSON; charset=utf-8",
        "APPLICATION/CLOUDEVENTS+JSON",
        "  application/cloudevents+json ;charset=UTF-8",
        "application/cloudevents",
    ] {
        assert_eq!(detect_mode(&content_type(ct)), Mode::Structured, "{ct}");
    }
}

#[test]
fn batch_mode_is_detected_before_structured() {
    for ct in [
        "application/cloudevents-batch+json",
        "Application/CloudEvents-Batch+JSON; charset=utf-8",
    ] {
        assert_eq!(detect_mode(&content_type(ct)), Mode::Batch, "{ct}");
    }
    // Batch wins even when binary-mode headers come along.
    let mut map = pubsub_binary();
    map.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/cloudevents-batch+json"),
    );
    assert_eq!(detect_mode(&map), Mode::Batch);
}

#[test]
fn json_with_ce_headers_is_binary() {
    assert_eq!(detect_mode(&pubsub_binary()), Mode::Binary);
    // Header names are case-insensitive.
    let map = headers(&[
        ("Content-Type", b"application/json"),
        ("CE-SpecVersion", b"1.0"),
    ]);
    assert_eq!(detect_mode(&map), Mode::Binary);
}

#[test]
fn any_one_required_ce_header_means_binary() {
    for name in ["ce-id", "ce-source", "ce-specversion", "ce-type"] {
        let map = headers(&[("content-type", b"application/json"), (name, b"x")]);
        assert_eq!(detect_mode(&map), Mode::Binary, "{name}");
    }
    // ...and the parse then fails with a clear MissingAttribute, not silently.
    let map = headers(&[("ce-id", b"x")]);
    assert_eq!(
        from_binary(&map),
        Err(CloudEventError::MissingAttribute("specversion"))
    );
}

#[test]
fn plain_json_without_ce_headers_is_not_a_cloud_event() {
    assert_eq!(
        detect_mode(&content_type("application/json")),
        Mode::NotACloudEvent
    );
    assert_eq!(detect_mode(&HeaderMap::new()), Mode::NotACloudEvent);
    // Only optional or extension ce- headers: not enough to call it a CloudEvent.
    let map = headers(&[("ce-subject", b"x"), ("ce-topic", b"t")]);
    assert_eq!(detect_mode(&map), Mode::NotACloudEvent);
    // Similar media types are not CloudEvents.
    assert_eq!(
        detect_mode(&content_type("application/cloud+json")),
        Mode::NotACloudEvent
    );
}

// ---------------------------------------------------------------------------------------------
// Binary mode (C1, C3; requirements 13, 14, 16–18)

#[test]
fn binary_pubsub_event_as_eventarc_sends_it() {
    let attributes = from_binary(&pubsub_binary()).unwrap();
    assert_eq!(attributes.id, "2070443601311540");
    assert_eq!(attributes.source, PUBSUB_SOURCE);
    assert_eq!(attributes.specversion, "1.0");
    assert_eq!(attributes.event_type, PUBSUB_MESSAGE_PUBLISHED);
    assert_eq!(attributes.time, Some(utc("2020-12-20T13:37:33.647Z")));
    assert_eq!(
        attributes.datacontenttype.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(attributes.subject, None);
    assert_eq!(attributes.dataschema, None);
    assert!(attributes.extensions.is_empty());
    assert_eq!(
        attributes.pubsub_topic(),
        Some("projects/my-project/topics/my-topic")
    );
    assert_eq!(attributes.storage_bucket(), None);
    assert_eq!(attributes.reference(), "2070443601311540");
}

#[test]
fn binary_header_names_are_case_insensitive() {
    let map = headers(&[
        ("CE-ID", b"1"),
        ("Ce-Source", b"//s"),
        ("ce-SPECVERSION", b"1.0"),
        ("Ce-Type", b"t"),
        ("CE-Topic", b"my-topic"),
    ]);
    let attributes = from_binary(&map).unwrap();
    assert_eq!(attributes.id, "1");
    assert_eq!(attributes.extensions["topic"], "my-topic");
}

#[test]
fn binary_storage_event_gives_bucket_and_object_with_slashes() {
    let map = headers(&[
        ("ce-id", b"1587627537231057"),
        ("ce-source", STORAGE_SOURCE.as_bytes()),
        ("ce-specversion", b"1.0"),
        ("ce-type", b"google.cloud.storage.object.v1.finalized"),
        ("ce-subject", b"objects/folder/file.txt"),
        ("ce-time", b"2020-04-23T07:38:57.230Z"),
        ("ce-bucket", b"some-bucket"),
        ("content-type", b"application/json"),
    ]);
    let attributes = from_binary(&map).unwrap();
    assert_eq!(attributes.storage_bucket(), Some("some-bucket"));
    assert_eq!(attributes.storage_object(), Some("folder/file.txt"));
    assert_eq!(attributes.reference(), "objects/folder/file.txt");
    assert_eq!(attributes.extensions["bucket"], "some-bucket");
    assert_eq!(attributes.pubsub_topic(), None);

    // The body is StorageObjectData-simple.json, whose object matches the subject's shape.
    let data: StorageObjectData =
        serde_json::from_slice(&fixture("StorageObjectData-simple.json")).unwrap();
    assert_eq!(data.bucket.as_deref(), attributes.storage_bucket());
}

#[test]
fn audit_log_id_is_percent_decoded_exactly_once() {
    let map = binary_with(&[(
        "ce-id",
        b"projects/p/logs/cloudaudit.googleapis.com%2Factivity-abc123",
    )]);
    assert_eq!(
        from_binary(&map).unwrap().id,
        "projects/p/logs/cloudaudit.googleapis.com/activity-abc123"
    );
    let map = binary_with(&[("ce-id", b"a%252Fb")]);
    assert_eq!(from_binary(&map).unwrap().id, "a%2Fb");
}

#[test]
fn binary_values_are_unquoted_then_percent_decoded() {
    assert_eq!(subject_of(br#""a b""#).unwrap(), "a b");
    assert_eq!(subject_of(br#""%20x""#).unwrap(), " x");
    assert_eq!(subject_of(br#""say \"hi\"""#).unwrap(), "say \"hi\"");
    assert_eq!(subject_of(br#""""#).unwrap(), "");
    // Lower- and upper-case hex; unnecessary encoding accepted.
    assert_eq!(subject_of(b"caf%c3%a9").unwrap(), "café");
    assert_eq!(subject_of(b"caf%C3%A9").unwrap(), "café");
    assert_eq!(subject_of(b"%61%62%63").unwrap(), "abc");
    assert_eq!(subject_of(b"%F0%9F%A6%80").unwrap(), "🦀");
    // Raw UTF-8 (obs-text bytes) is read from the raw header bytes.
    assert_eq!(subject_of("café".as_bytes()).unwrap(), "café");
}

#[test]
fn binary_values_with_invalid_utf8_or_bad_escapes_are_rejected() {
    for bad in [
        &b"%C0%AF"[..],    // overlong '/'
        b"%C0%A0",         // overlong ' '
        b"%FF",            // never valid
        b"%ED%A0%80",      // surrogate
        b"%E2%82",         // truncated sequence
        b"%G1",            // not hex
        b"%2",             // too short
        b"abc%",           // too short
        b"\xff",           // raw invalid byte
        br#""a"b""#,       // unescaped quote inside a quoted-string
        br#""dangling\""#, // escaped closing quote
    ] {
        assert_eq!(
            subject_of(bad),
            Err(CloudEventError::InvalidHeaderEncoding("ce-subject".into())),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn each_missing_or_empty_required_attribute_is_named() {
    for name in ["id", "source", "specversion", "type"] {
        let header = format!("ce-{name}");
        let mut map = binary_with(&[]);
        map.remove(header.as_str());
        assert_eq!(
            from_binary(&map),
            Err(CloudEventError::MissingAttribute(name)),
            "missing {name}"
        );
        let map = binary_with(&[(header.as_str(), b"")]);
        assert!(
            matches!(from_binary(&map), Err(CloudEventError::MissingAttribute(n)) if n == name),
            "empty {name}"
        );
    }
    let err = from_binary(&HeaderMap::new()).unwrap_err();
    assert!(matches!(err, CloudEventError::MissingAttribute(_)));
}

#[test]
fn only_specversion_1_0_is_accepted() {
    let map = binary_with(&[("ce-specversion", b"0.3")]);
    let err = from_binary(&map).unwrap_err();
    assert_eq!(err, CloudEventError::UnsupportedSpecVersion("0.3".into()));
    assert!(!err.to_string().contains("0.3"), "{err}");
    let map = binary_with(&[("ce-specversion", b"1.0.0")]);
    assert!(matches!(
        from_binary(&map),
        Err(CloudEventError::UnsupportedSpecVersion(_))
    ));
    // Quoted and percent-encoded forms of "1.0" are fine.
    let map = binary_with(&[("ce-specversion", br#""1%2E0""#)]);
    assert_eq!(from_binary(&map).unwrap().specversion, "1.0");
}

#[test]
fn time_must_be_rfc3339_and_is_converted_to_utc() {
    for bad in [
        &b"yesterday"[..],
        b"2020-12-20",
        b"2020-12-20T13:37:33",
        b"2020-13-20T13:37:33Z",
        b"",
    ] {
        let map = binary_with(&[("ce-time", bad)]);
        assert_eq!(
            from_binary(&map),
            Err(CloudEventError::InvalidTime("time".into())),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let map = binary_with(&[("ce-time", b"2020-12-20T15:37:33.123456789+02:00")]);
    assert_eq!(
        from_binary(&map).unwrap().time,
        Some(utc("2020-12-20T13:37:33.123456789Z"))
    );
}

#[test]
fn datacontenttype_header_conflicts_with_content_type() {
    let map = binary_with(&[
        ("content-type", b"application/json"),
        ("ce-datacontenttype", b"application/json"),
    ]);
    assert_eq!(
        from_binary(&map),
        Err(CloudEventError::DataContentTypeConflict)
    );
    // Alone, ce-datacontenttype is used (and decoded like any ce- value).
    let map = binary_with(&[("ce-datacontenttype", b"text/plain%3B charset=utf-8")]);
    let attributes = from_binary(&map).unwrap();
    assert_eq!(
        attributes.datacontenttype.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert!(attributes.extensions.is_empty());
}

#[test]
fn repeated_ce_headers_are_rejected() {
    let mut map = binary_with(&[]);
    map.append("ce-subject", HeaderValue::from_static("objects/a"));
    map.append("ce-subject", HeaderValue::from_static("objects/b"));
    assert_eq!(
        from_binary(&map),
        Err(CloudEventError::DuplicateHeader("ce-subject".into()))
    );
    let mut map = binary_with(&[]);
    map.append("ce-id", HeaderValue::from_static("other"));
    assert_eq!(
        from_binary(&map),
        Err(CloudEventError::DuplicateHeader("ce-id".into()))
    );
}

#[test]
fn extensions_and_optional_attributes_are_kept() {
    let map = binary_with(&[
        ("ce-topic", b"my-topic"),
        ("ce-bucket", b"my-bucket"),
        ("ce-servicename", b"bigquery.googleapis.com"),
        ("ce-methodname", b"jobservice.jobcompleted"),
        ("ce-resourcename", b"projects/p/jobs/j%20k"),
        ("ce-dataschema", b"https://example.com/schema.json"),
        ("ce-subject", b"projects/p/jobs/j"),
        ("x-other", b"ignored"),
    ]);
    let attributes = from_binary(&map).unwrap();
    let extensions: Vec<(&str, &str)> = attributes
        .extensions
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        extensions,
        [
            ("bucket", "my-bucket"),
            ("methodname", "jobservice.jobcompleted"),
            ("resourcename", "projects/p/jobs/j k"),
            ("servicename", "bigquery.googleapis.com"),
            ("topic", "my-topic"),
        ]
    );
    assert_eq!(
        attributes.dataschema.as_deref(),
        Some("https://example.com/schema.json")
    );
    assert_eq!(attributes.reference(), "projects/p/jobs/j");
}

#[test]
fn error_messages_name_attributes_but_never_echo_values() {
    let hostile = "<script>".repeat(100);
    let map = binary_with(&[
        ("ce-time", hostile.as_bytes()),
        ("ce-specversion", hostile.as_bytes()),
    ]);
    let text = from_binary(&map).unwrap_err().to_string();
    assert!(!text.contains("<script>"), "{text}");
    let map = binary_with(&[("ce-time", hostile.as_bytes())]);
    let text = from_binary(&map).unwrap_err().to_string();
    assert_eq!(
        text,
        "CloudEvent attribute `time` is not an RFC 3339 timestamp"
    );
    assert_eq!(
        CloudEventError::MissingAttribute("id").to_string(),
        "CloudEvent attribute `id` is missing or empty"
    );
    assert_eq!(
        CloudEventError::BatchNotSupported.to_string(),
        "batched CloudEvents (application/cloudevents-batch+json) are not supported; \
         send one event per request"
    );
    let body = format!(r#"{{"specversion": "1.0", "id": {{"x": "{hostile}"}}}}"#);
    let text = from_structured(body.as_bytes()).unwrap_err().to_string();
    assert!(!text.contains("<script>"), "{text}");
    let body = format!(r#""{hostile}""#);
    let text = from_structured(body.as_bytes()).unwrap_err().to_string();
    assert!(!text.contains("<script>"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Accessors

fn attributes_with(source: &str, subject: Option<&str>) -> CloudEventAttributes {
    let mut body = json!({"specversion": "1.0", "id": "the-id", "type": "t", "source": source});
    if let Some(subject) = subject {
        body["subject"] = json!(subject);
    }
    from_structured(&serde_json::to_vec(&body).unwrap())
        .unwrap()
        .0
}

#[test]
fn google_source_and_subject_accessors() {
    let a = attributes_with("//pubsub.googleapis.com/projects/p/topics/t", None);
    assert_eq!(a.pubsub_topic(), Some("projects/p/topics/t"));
    for source in [
        "//pubsub.googleapis.com/projects/p/topics/",
        "//pubsub.googleapis.com/projects//topics/t",
        "//pubsub.googleapis.com/projects/p/topics/t/extra",
        "//pubsub.googleapis.com/projects/p/subscriptions/s",
        "https://pubsub.googleapis.com/projects/p/topics/t",
        "//storage.googleapis.com/projects/p/topics/t",
    ] {
        assert_eq!(
            attributes_with(source, None).pubsub_topic(),
            None,
            "{source}"
        );
    }
    let a = attributes_with(
        "//storage.googleapis.com/projects/_/buckets/b",
        Some("objects/a/b/c.txt"),
    );
    assert_eq!(a.storage_bucket(), Some("b"));
    assert_eq!(a.storage_object(), Some("a/b/c.txt"));
    for source in [
        "//storage.googleapis.com/projects/_/buckets/",
        "//storage.googleapis.com/projects/_/buckets/b/objects/o",
        "//storage.googleapis.com/buckets/b",
    ] {
        assert_eq!(
            attributes_with(source, None).storage_bucket(),
            None,
            "{source}"
        );
    }
    assert_eq!(
        attributes_with("//s", Some("objects/")).storage_object(),
        None
    );
    assert_eq!(
        attributes_with("//s", Some("other/x")).storage_object(),
        None
    );
    assert_eq!(attributes_with("//s", None).storage_object(), None);
}

#[test]
fn reference_is_subject_or_id() {
    assert_eq!(
        attributes_with("//s", Some("objects/x")).reference(),
        "objects/x"
    );
    assert_eq!(attributes_with("//s", Some("")).reference(), "the-id");
    assert_eq!(attributes_with("//s", None).reference(), "the-id");
}

#[test]
fn attributes_serialize_as_cloud_event_json() {
    let attributes = from_binary(&pubsub_binary()).unwrap();
    assert_eq!(
        serde_json::to_value(&attributes).unwrap(),
        json!({
            "id": "2070443601311540",
            "source": PUBSUB_SOURCE,
            "specversion": "1.0",
            "type": PUBSUB_MESSAGE_PUBLISHED,
            "time": "2020-12-20T13:37:33.647Z",
            "datacontenttype": "application/json; charset=utf-8",
        })
    );
    let map = binary_with(&[("ce-topic", b"t"), ("ce-subject", b"s")]);
    let value = serde_json::to_value(from_binary(&map).unwrap()).unwrap();
    assert_eq!(value["topic"], "t");
    assert_eq!(value["subject"], "s");
    assert!(value.get("time").is_none());
}

// ---------------------------------------------------------------------------------------------
// Structured mode (C2, C3; requirements 15, 16)

#[test]
fn structured_pubsub_sample_decodes_with_the_pubsub_decoder() {
    let (attributes, data) = from_structured(&fixture("MessagePublishedData.json")).unwrap();
    assert_eq!(attributes.id, "3103425958877813");
    assert_eq!(attributes.event_type, PUBSUB_MESSAGE_PUBLISHED);
    assert_eq!(attributes.specversion, "1.0");
    assert_eq!(
        attributes.source,
        "//pubsub.googleapis.com/projects/test-project/topics/my-topic"
    );
    assert_eq!(
        attributes.pubsub_topic(),
        Some("projects/test-project/topics/my-topic")
    );
    assert_eq!(attributes.time, Some(utc("2021-02-05T04:06:14.109Z")));
    assert_eq!(
        attributes.datacontenttype.as_deref(),
        Some("application/json")
    );
    assert!(attributes.extensions.is_empty());

    let StructuredData::Json(json) = data else {
        panic!("expected JSON data, got {data:?}");
    };
    let message = DecodedMessage::from_slice(&json).unwrap();
    assert_eq!(
        message.subscription,
        "projects/test-project/subscriptions/my-subscription"
    );
    assert_eq!(message.message_id.as_deref(), Some("message-id"));
    assert_eq!(message.ordering_key.as_deref(), Some("ordering-key"));
    assert_eq!(message.attributes["attr1"], "attr1-value");
    assert_eq!(message.data(), MessageData::Text("test message 3"));
}

#[test]
fn structured_storage_workflows_sample() {
    let (attributes, data) = from_structured(&fixture("StorageObjectDataWorkflows.json")).unwrap();
    assert_eq!(attributes.id, "1234567");
    assert_eq!(
        attributes.event_type,
        "google.cloud.storage.object.v1.finalized"
    );
    assert_eq!(attributes.storage_bucket(), Some("sample-bucket"));
    assert_eq!(attributes.storage_object(), Some("MyFile"));
    assert_eq!(attributes.reference(), "objects/MyFile");
    assert_eq!(attributes.extensions["bucket"], "sample-bucket");
    assert_eq!(attributes.time, Some(utc("2021-11-25T21:04:32.279744Z")));

    let StructuredData::Json(json) = data else {
        panic!("expected JSON data, got {data:?}");
    };
    let object: StorageObjectData = serde_json::from_slice(&json).unwrap();
    assert_eq!(object.bucket.as_deref(), Some("sample-bucket"));
    assert_eq!(object.name.as_deref(), Some("MyFile"));
    assert_eq!(object.generation, Some(96_883_251));
    assert_eq!(object.metageneration, Some(1));
    assert_eq!(object.size, Some(0));
    assert_eq!(object.component_count, Some(1234));
    assert_eq!(object.event_based_hold, Some(true));
    assert_eq!(object.metadata, Some(Default::default()));
    assert_eq!(
        object.customer_encryption,
        Some(json!({
            "keySha256": "Vb/C17P2fk35hguiD/pdLoXJk2j2NlmWmUmnOPsLtfA=",
            "encryptionAlgorithm": "AES256"
        }))
    );
    assert_eq!(
        object.time_deleted.as_deref(),
        Some("2021-11-25T21:04:32.279744Z")
    );
}

#[test]
fn structured_data_base64_is_binary() {
    let (attributes, data) = from_structured(&fixture("structured-data-base64.json")).unwrap();
    assert_eq!(
        data,
        StructuredData::Binary(vec![0_u8, 1, 2, 0xfd, 0xfe, 0xff].into())
    );
    assert_eq!(
        attributes.datacontenttype.as_deref(),
        Some("application/octet-stream")
    );
    // Padding is optional, and JSON escapes inside the string are resolved.
    let body =
        br#"{"specversion":"1.0","id":"1","source":"s","type":"t","data_base64":"AAEC\/f7\/AA"}"#;
    assert_eq!(
        from_structured(body).unwrap().1,
        StructuredData::Binary(vec![0_u8, 1, 2, 0xfd, 0xfe, 0xff, 0].into())
    );
}

#[test]
fn structured_data_and_data_base64_are_exclusive() {
    assert_eq!(
        from_structured(&fixture("structured-both-data.json")),
        Err(CloudEventError::BothDataAndDataBase64)
    );
    // A null one does not count.
    let body = br#"{"specversion":"1.0","id":"1","source":"s","type":"t","data":null,"data_base64":"AQ=="}"#;
    assert_eq!(
        from_structured(body).unwrap().1,
        StructuredData::Binary(vec![1_u8].into())
    );
}

#[test]
fn structured_without_data_is_none() {
    let (attributes, data) = from_structured(&fixture("structured-no-data.json")).unwrap();
    assert_eq!(data, StructuredData::None);
    assert_eq!(attributes.time, Some(utc("2021-02-05T02:06:14.109Z")));
    let body = br#"{"specversion":"1.0","id":"1","source":"s","type":"t","data":null}"#;
    assert_eq!(from_structured(body).unwrap().1, StructuredData::None);
}

#[test]
fn structured_data_keeps_every_digit_and_extensions_become_strings() {
    let (attributes, data) = from_structured(&fixture("structured-big-numbers.json")).unwrap();
    assert_eq!(
        data,
        StructuredData::Json(
            r#"{"big": 123456789012345678901234567890, "float": 1e23, "exact": 0.10000000000000000000001}"#
                .into()
        )
    );
    let extensions: Vec<(&str, &str)> = attributes
        .extensions
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        extensions,
        [
            ("count", "42"),
            ("flag", "true"),
            ("huge", "123456789012345678901234567890"),
            ("label", "hello"),
            ("ratio", "1e23"),
        ]
    );
}

#[test]
fn structured_data_of_other_json_types_is_kept_as_text() {
    for data in [r#""plain text""#, "[1, 2]", "0", "false"] {
        let body =
            format!(r#"{{"specversion":"1.0","id":"1","source":"s","type":"t","data":{data}}}"#);
        assert_eq!(
            from_structured(body.as_bytes()).unwrap().1,
            StructuredData::Json(data.to_owned().into()),
            "{data}"
        );
    }
}

#[test]
fn structured_bodies_that_are_not_json_objects_are_rejected() {
    for body in [
        &b""[..],
        b"   ",
        b"{",
        b"{\"id\": }",
        b"not json",
        b"{} {}",
        b"\"a string\"",
        b"[]",
        b"42",
        b"null",
        b"\xff\xfe",
    ] {
        assert!(
            matches!(from_structured(body), Err(CloudEventError::InvalidJson(_))),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(
        from_structured(&fixture("batch.json")),
        Err(CloudEventError::InvalidJson(
            "expected a JSON object, found an array".into()
        ))
    );
    // Data nested as deep as any payload may be is fine; deeper is an error, not a crash.
    let nested = |depth: usize| {
        format!(
            r#"{{"specversion":"1.0","id":"1","source":"s","type":"t","data":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    let at_limit = nested(gcp_events_core::MAX_DEPTH);
    let Ok((_, StructuredData::Json(data))) = from_structured(at_limit.as_bytes()) else {
        panic!("data at the depth limit must be accepted");
    };
    assert!(gcp_events_core::Payload::from_json(data).is_ok());
    assert!(matches!(
        from_structured(nested(gcp_events_core::MAX_DEPTH + 1).as_bytes()),
        Err(CloudEventError::InvalidJson(_))
    ));
    let deep = format!(
        r#"{{"specversion":"1.0","id":"1","source":"s","type":"t","data":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(matches!(
        from_structured(deep.as_bytes()),
        Err(CloudEventError::InvalidJson(_))
    ));
}

#[test]
fn structured_attribute_types_are_checked() {
    let base = json!({"specversion": "1.0", "id": "1", "source": "//s", "type": "t"});
    let with = |name: &str, value: Value| {
        let mut body = base.clone();
        body[name] = value;
        from_structured(&serde_json::to_vec(&body).unwrap())
    };
    for name in [
        "id",
        "source",
        "type",
        "subject",
        "dataschema",
        "datacontenttype",
        "time",
    ] {
        assert_eq!(
            with(name, json!(1)),
            Err(CloudEventError::InvalidAttribute(name.into())),
            "{name}"
        );
    }
    assert_eq!(
        with("specversion", json!(1.0)),
        Err(CloudEventError::InvalidAttribute("specversion".into()))
    );
    assert_eq!(
        with("specversion", json!("0.3")),
        Err(CloudEventError::UnsupportedSpecVersion("0.3".into()))
    );
    assert_eq!(
        with("id", json!("")),
        Err(CloudEventError::MissingAttribute("id"))
    );
    assert_eq!(
        with("source", Value::Null),
        Err(CloudEventError::MissingAttribute("source"))
    );
    assert_eq!(
        with("time", json!("not a time")),
        Err(CloudEventError::InvalidTime("time".into()))
    );
    assert_eq!(
        with("myext", json!({"a": 1})),
        Err(CloudEventError::InvalidAttribute("myext".into()))
    );
    assert_eq!(
        with("myext", json!([1])),
        Err(CloudEventError::InvalidAttribute("myext".into()))
    );
    assert_eq!(
        with("data_base64", json!("not base64!")),
        Err(CloudEventError::InvalidDataBase64)
    );
    assert_eq!(
        with("data_base64", json!(12)),
        Err(CloudEventError::InvalidDataBase64)
    );
    // A null extension is absent.
    assert!(with("myext", Value::Null).unwrap().0.extensions.is_empty());
    for name in ["id", "source", "specversion", "type"] {
        let mut body = base.clone();
        body.as_object_mut().unwrap().remove(name);
        assert!(
            matches!(
                from_structured(&serde_json::to_vec(&body).unwrap()),
                Err(CloudEventError::MissingAttribute(n)) if n == name
            ),
            "{name}"
        );
    }
}

#[test]
fn structured_repeated_member_last_wins() {
    let body = br#"{"specversion":"1.0","id":"first","source":"s","type":"t","id":"second"}"#;
    assert_eq!(from_structured(body).unwrap().0.id, "second");
}

// ---------------------------------------------------------------------------------------------
// StorageObjectData (requirement 17)

#[test]
fn storage_object_data_accepts_int64_as_string_or_number() {
    let strings: StorageObjectData =
        serde_json::from_slice(&fixture("StorageObjectData-simple.json")).unwrap();
    let numbers: StorageObjectData =
        serde_json::from_slice(&fixture("StorageObjectData-simple-numbers.json")).unwrap();
    assert_eq!(strings, numbers);
    assert_eq!(strings.generation, Some(1_587_627_537_231_057));
    assert_eq!(strings.metageneration, Some(1));
    assert_eq!(strings.size, Some(352));
    assert_eq!(strings.bucket.as_deref(), Some("some-bucket"));
    assert_eq!(strings.name.as_deref(), Some("folder/Test.cs"));
    assert_eq!(strings.content_type.as_deref(), Some("text/plain"));
    assert_eq!(strings.kind.as_deref(), Some("storage#object"));
    assert_eq!(
        strings.md5_hash.as_deref(),
        Some("kF8MuJ5+CTJxvyhHS1xzRg==")
    );
    assert_eq!(strings.storage_class.as_deref(), Some("MULTI_REGIONAL"));
    assert_eq!(
        strings.time_created.as_deref(),
        Some("2020-04-23T07:38:57.230Z")
    );
    assert_eq!(strings.metadata, None);
    assert_eq!(strings.time_deleted, None);

    // Serialized back, the int64 fields are proto3 JSON strings, and it reads back equal.
    let value = serde_json::to_value(&numbers).unwrap();
    assert_eq!(value["generation"], "1587627537231057");
    assert_eq!(value["size"], "352");
    assert!(value.get("metadata").is_none());
    assert_eq!(
        serde_json::from_value::<StorageObjectData>(value).unwrap(),
        strings
    );
}

#[test]
fn storage_object_data_edge_cases() {
    let empty: StorageObjectData = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, StorageObjectData::default());
    let nulls: StorageObjectData =
        serde_json::from_str(r#"{"size": null, "generation": null}"#).unwrap();
    assert_eq!(nulls, StorageObjectData::default());
    let max: StorageObjectData =
        serde_json::from_str(r#"{"size": "18446744073709551615", "generation": -1}"#).unwrap();
    assert_eq!(max.size, Some(u64::MAX));
    assert_eq!(max.generation, Some(-1));
    for bad in [
        r#"{"size": -1}"#,
        r#"{"size": "-1"}"#,
        r#"{"size": "12a"}"#,
        r#"{"size": 1.5}"#,
        r#"{"size": true}"#,
        r#"{"generation": "9223372036854775808"}"#,
        r#"{"bucket": 1}"#,
    ] {
        assert!(
            serde_json::from_str::<StorageObjectData>(bad).is_err(),
            "{bad}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Property test: the binding's encoding round-trips (C1)

/// Percent-encodes as a binding sender must (§3.1.3.2): space, `"`, `%`, and every byte
/// outside printable ASCII. `lower` picks the hex case.
fn binding_encode(text: &str, lower: bool) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        if b == b' ' || b == b'"' || b == b'%' || !(0x21..=0x7e).contains(&b) {
            if lower {
                out.push_str(&format!("%{b:02x}"));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(char::from(b));
        }
    }
    out
}

proptest! {
    #[test]
    fn binding_encoding_round_trips(
        text in proptest::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        lower in any::<bool>(),
        quoted in any::<bool>(),
    ) {
        let encoded = binding_encode(&text, lower);
        // Quoting needs backslash escapes for '\' (the only special byte left unencoded).
        let value = if quoted {
            format!("\"{}\"", encoded.replace('\\', "\\\\"))
        } else {
            encoded
        };
        prop_assert_eq!(subject_of(value.as_bytes()), Ok(text));
    }
}

//! The push decoder's gathering pass against the serde visitor it replaced (SPEC P2): on any
//! body that parses into a `serde_json::Value`, `DecodedMessage::from_slice` gives the same
//! message, or the same error, as the reference (the wording of a JSON syntax error aside), and
//! the same as `from_value`; on any other body it reports invalid JSON. The fuzz target
//! `pubsub_decode` runs the same comparison coverage-guided.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gcp_events_core::pubsub::{DecodeError, DecodedMessage};
use gcp_events_core::testing::push_decode_reference;
use proptest::prelude::*;
use serde_json::Value;

fn agree(raw: &[u8]) -> Result<(), TestCaseError> {
    let ours = DecodedMessage::from_slice(raw);
    let shown = String::from_utf8_lossy(raw);
    let Ok(value) = serde_json::from_slice::<Value>(raw) else {
        prop_assert!(
            matches!(ours, Err(DecodeError::InvalidJson { .. })),
            "{shown:?}: not JSON, but {ours:?}"
        );
        return Ok(());
    };
    for (name, theirs) in [
        ("reference", push_decode_reference(raw)),
        ("from_value", DecodedMessage::from_value(&value)),
    ] {
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b, "{:?} ({})", shown, name),
            (Err(DecodeError::InvalidJson { .. }), Err(DecodeError::InvalidJson { .. })) => {}
            (Err(a), Err(b)) => prop_assert_eq!(a, b, "{:?} ({})", shown, name),
            _ => prop_assert!(false, "{shown:?}: {ours:?} but {name} {theirs:?}"),
        }
    }
    Ok(())
}

/// Member names the decoder looks for, in both spellings and with escapes, and others.
const KEYS: &[&str] = &[
    r#""message""#,
    r#""subscription""#,
    r#""deliveryAttempt""#,
    r#""delivery_attempt""#,
    r#""data""#,
    r#""attributes""#,
    r#""messageId""#,
    r#""message_id""#,
    r#""publishTime""#,
    r#""publish_time""#,
    r#""orderingKey""#,
    r#""ordering_key""#,
    r#""@type""#,
    r#""""#,
    r#""mess\u0061ge""#,
    r#""d\u0061ta""#,
    r#""subscripti\u006fn""#,
    r#""a\"b""#,
];

/// Values of every JSON type, with the edges of the decoding rules.
const SCALARS: &[&str] = &[
    r#""aGVsbG8gd29ybGQ=""#,
    r#""aGVsbG8gd29ybGQ""#,
    r#""AQ ID""#,
    r#""A""#,
    r#""""#,
    r#""projects/p/subscriptions/s""#,
    r#""2021-02-26T19:13:55.749Z""#,
    r#""2021-02-26T19:13:55.1234567890Z""#,
    r#""x\"y\\z\n""#,
    r#""\u00e9\/""#,
    r#""\ud83d\ude00""#,
    r#""\uD800""#,
    "\"é\"",
    "0",
    "1",
    "-1",
    "4294967295",
    "4294967296",
    "1.5",
    "-0",
    "1e2",
    "1e400",
    "true",
    "false",
    "null",
    "[]",
    "[1,[2,{}]]",
    "{}",
];

fn value() -> impl Strategy<Value = String> {
    let leaf = proptest::sample::select(SCALARS).prop_map(str::to_owned);
    leaf.prop_recursive(4, 48, 6, |inner| {
        let member = (proptest::sample::select(KEYS), inner.clone())
            .prop_map(|(key, value)| format!("{key}: {value}"));
        prop_oneof![
            proptest::collection::vec(member, 0..6)
                .prop_map(|members| format!("{{{}}}", members.join(","))),
            proptest::collection::vec(inner, 0..3)
                .prop_map(|items| format!("[{}]", items.join(", "))),
        ]
    })
}

/// Members of a `message` object: its known names (with escapes) and others, scalar values or
/// an attributes object.
const MESSAGE_KEYS: &[&str] = &[
    r#""data""#,
    r#""d\u0061ta""#,
    r#""messageId""#,
    r#""message_id""#,
    r#""publishTime""#,
    r#""publish_time""#,
    r#""orderingKey""#,
    r#""ordering_key""#,
    r#""@type""#,
];

const TOP_KEYS: &[&str] = &[
    r#""subscription""#,
    r#""deliveryAttempt""#,
    r#""delivery_attempt""#,
    r#""mess\u0061ge""#,
    r#""x""#,
];

fn object(members: Vec<String>) -> String {
    format!("{{{}}}", members.join(","))
}

/// A push envelope whose members are drawn from the names the decoder reads, so that both
/// spellings, repeats, wrong types and escapes meet in one body.
fn structured() -> impl Strategy<Value = Vec<u8>> {
    let scalar = || proptest::sample::select(SCALARS).prop_map(str::to_owned);
    let attributes = proptest::collection::vec(
        (proptest::sample::select(KEYS), scalar()).prop_map(|(k, v)| format!("{k}:{v}")),
        0..4,
    )
    .prop_map(object);
    let message_member = prop_oneof![
        4 => (proptest::sample::select(MESSAGE_KEYS), scalar()).prop_map(|(k, v)| format!("{k}:{v}")),
        1 => attributes.prop_map(|a| format!(r#""attributes":{a}"#)),
        1 => scalar().prop_map(|v| format!(r#""attributes":{v}"#)),
    ];
    let message = proptest::collection::vec(message_member, 0..8).prop_map(object);
    let top_member = prop_oneof![
        2 => message.prop_map(|m| format!(r#""message":{m}"#)),
        2 => (proptest::sample::select(TOP_KEYS), scalar()).prop_map(|(k, v)| format!("{k}:{v}")),
    ];
    (proptest::collection::vec(top_member, 0..5), any::<bool>()).prop_map(|(mut members, sub)| {
        if sub {
            members.insert(
                0,
                r#""subscription":"projects/p/subscriptions/s""#.to_owned(),
            );
        }
        object(members).into_bytes()
    })
}

/// An envelope-shaped document, sometimes with one byte replaced, inserted or removed.
fn envelope() -> impl Strategy<Value = Vec<u8>> {
    (value(), any::<prop::sample::Index>(), any::<u8>(), 0..6u8).prop_map(
        |(text, at, byte, how)| {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len() + 1);
            match how {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                2 if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => {}
            }
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8192))]

    #[test]
    fn agrees_with_the_reference_on_envelope_shaped_documents(bytes in envelope()) {
        agree(&bytes)?;
    }

    #[test]
    fn agrees_with_the_reference_on_push_envelopes(bytes in structured()) {
        agree(&bytes)?;
    }
}

#[test]
fn agrees_on_real_pushes_and_every_prefix() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut decoded = 0;
    for entry in std::fs::read_dir(dir).expect("the fixtures") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            agree(&bytes).unwrap();
            decoded += usize::from(DecodedMessage::from_slice(&bytes).is_ok());
            for cut in 0..bytes.len() {
                agree(&bytes[..cut]).unwrap();
            }
        }
    }
    assert!(
        decoded >= 2,
        "expected push envelopes among the fixtures in {dir}"
    );
}

#[test]
fn nesting_is_bounded_like_a_parse_into_a_value() {
    for depth in [1, 100, 125, 126, 127, 128, 129, 400] {
        let body = format!(
            r#"{{"message":{{"x":{}{}}},"subscription":"s"}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        agree(body.as_bytes()).unwrap();
    }
    let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(126), "]".repeat(126));
    // 127 levels: JSON that a parse accepts, so the decoder judges it as an envelope.
    assert_eq!(
        DecodedMessage::from_slice(deep.as_bytes()),
        Err(DecodeError::MissingMessage)
    );
    let deeper = format!(r#"{{"x":{}{}}}"#, "[".repeat(127), "]".repeat(127));
    // 128 levels: refused as JSON, as serde_json refuses it.
    assert!(matches!(
        DecodedMessage::from_slice(deeper.as_bytes()),
        Err(DecodeError::InvalidJson { .. })
    ));
}

#[test]
fn escaped_member_names_and_strings_decode() {
    let body = br#"{"mess\u0061ge":{"d\u0061ta":"aGk=","attributes":{"k\u00e9":"v\"\u00e9"},
        "messageId":"1\/2"},"subscription":"projects/p/subscriptions/s"}"#;
    let message = DecodedMessage::from_slice(body).unwrap();
    assert_eq!(&message.data[..], b"hi");
    assert_eq!(message.attributes["ké"], "v\"é");
    assert_eq!(message.message_id.as_deref(), Some("1/2"));
    agree(body).unwrap();
}

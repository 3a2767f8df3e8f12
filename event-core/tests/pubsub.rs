//! Public-API tests of the Pub/Sub push codec (SPEC P1, P2, P4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone as _, Utc};
use gcp_events_core::pubsub::{DecodeError, DecodedMessage, MessageData, PushEnvelope};
use serde_json::{json, Value};

const SUB: &str = "projects/my-project/subscriptions/my-sub";
const PREFIX: &str = "Failed to decode Pub/Sub message";

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Decodes through both entry points, checks they agree, and returns the result.
fn decode_both(body: &Value) -> Result<DecodedMessage, DecodeError> {
    let from_slice = DecodedMessage::from_slice(&serde_json::to_vec(body).unwrap());
    let from_value = DecodedMessage::from_value(body);
    assert_eq!(
        from_slice, from_value,
        "from_slice and from_value disagree on {body}"
    );
    from_slice
}

/// Decoding must fail, through both entry points, with the common prefix; returns the error.
fn decode_err(body: &Value) -> DecodeError {
    let err = decode_both(body).unwrap_err();
    assert!(err.to_string().starts_with(PREFIX), "{err}");
    err
}

fn envelope(message: Value) -> Value {
    json!({"message": message, "subscription": SUB})
}

// ---- P1 make ---------------------------------------------------------------------------------

#[test]
fn bare_message_omits_unset_options() {
    // P1
    let value = PushEnvelope::builder(SUB)
        .json(&json!(1))
        .unwrap()
        .build()
        .to_value();
    assert_eq!(
        value,
        json!({"message": {"data": "MQ=="}, "subscription": SUB})
    );
    let message = value["message"].as_object().unwrap();
    for key in ["publishTime", "orderingKey", "messageId", "attributes"] {
        assert!(!message.contains_key(key), "{key} present");
    }
    assert!(!value.as_object().unwrap().contains_key("deliveryAttempt"));
}

#[test]
fn full_message_has_every_member() {
    // P1
    let data = json!({"id": 7, "name": "🍕 & \"co\""});
    let t = Utc.with_ymd_and_hms(2022, 8, 12, 9, 0, 25).unwrap()
        + chrono::Duration::microseconds(226_743);
    let envelope = PushEnvelope::builder(SUB)
        .json(&data)
        .unwrap()
        .attribute("a", "1")
        .attributes([("b", "2"), ("c", "3")])
        .message_id("m-1")
        .ordering_key("key")
        .publish_time(t)
        .delivery_attempt(5)
        .build();
    let value = envelope.to_value();
    let b64 = value["message"]["data"].as_str().unwrap();
    let expected_b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&data).unwrap())
    };
    assert_eq!(b64, expected_b64);
    assert_eq!(
        value["message"]["publishTime"],
        "2022-08-12T09:00:25.226743000Z"
    );
    assert_eq!(value["message"]["orderingKey"], "key");
    assert_eq!(value["message"]["messageId"], "m-1");
    assert_eq!(
        value["message"]["attributes"],
        json!({"a": "1", "b": "2", "c": "3"})
    );
    assert_eq!(value["deliveryAttempt"], 5);
    assert_eq!(value["subscription"], SUB);

    assert_eq!(value["message"]["data"], expected_b64.as_str());
    assert_eq!(value["message"]["orderingKey"], "key");
    assert_eq!(
        value["message"]["publishTime"],
        "2022-08-12T09:00:25.226743000Z"
    );
}

#[test]
fn publish_time_always_has_nine_digits_and_z() {
    // P1
    for (t, text) in [
        (
            utc("2021-02-05T04:06:14Z"),
            "2021-02-05T04:06:14.000000000Z",
        ),
        (
            utc("2021-02-05T04:06:14.1Z"),
            "2021-02-05T04:06:14.100000000Z",
        ),
        (
            utc("2021-02-05T04:06:14.123456789Z"),
            "2021-02-05T04:06:14.123456789Z",
        ),
    ] {
        let e = PushEnvelope::builder(SUB).publish_time(t).build();
        assert_eq!(e.to_value()["message"]["publishTime"], text);
    }
}

#[test]
fn publish_time_from_another_zone_is_the_same_instant_in_utc() {
    // P1
    let la = chrono_tz::America::Los_Angeles
        .with_ymd_and_hms(2022, 8, 12, 2, 0, 25)
        .unwrap()
        + chrono::Duration::nanoseconds(226_743_001);
    let e = PushEnvelope::builder(SUB).publish_time(la).build();
    assert_eq!(
        e.to_value()["message"]["publishTime"],
        "2022-08-12T09:00:25.226743001Z"
    );
    let decoded = DecodedMessage::from_slice(&e.to_bytes()).unwrap();
    assert_eq!(decoded.publish_time, Some(la.with_timezone(&Utc)));
    // A fixed offset too.
    let fixed = DateTime::parse_from_rfc3339("2022-01-01T00:30:00-05:30").unwrap();
    let e = PushEnvelope::builder(SUB).publish_time(fixed).build();
    assert_eq!(
        e.to_value()["message"]["publishTime"],
        "2022-01-01T06:00:00.000000000Z"
    );
}

#[test]
fn bytes_string_and_value_outputs_agree() {
    // P1
    let e = PushEnvelope::builder(SUB)
        .bytes([0u8, 159, 146, 150, 255])
        .attribute("ünï\"cøde\n", "\u{0}\u{1f}\\")
        .message_id("1")
        .ordering_key("k")
        .publish_time(Utc::now())
        .delivery_attempt(1)
        .build();
    let from_bytes: Value = serde_json::from_slice(&e.to_bytes()).unwrap();
    let from_string: Value = serde_json::from_str(&e.to_json_string()).unwrap();
    assert_eq!(from_bytes, e.to_value());
    assert_eq!(from_string, e.to_value());
    assert_eq!(e.to_bytes(), e.to_json_string().into_bytes());
    assert_eq!(serde_json::to_value(&e).unwrap(), e.to_value());
}

#[test]
fn json_data_that_cannot_be_serialized_is_an_error() {
    // P1
    let mut map = BTreeMap::new();
    map.insert(vec![1], 2);
    let err = PushEnvelope::builder(SUB).json(&map).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Failed to make Pub/Sub message"),
        "{err}"
    );
}

#[test]
fn made_envelope_decodes_back() {
    // P1, P3 (example)
    let t = utc("2030-01-02T03:04:05.000000006Z");
    let e = PushEnvelope::builder(SUB)
        .bytes(b"raw")
        .attribute("k", "v")
        .message_id("id")
        .ordering_key("ok")
        .publish_time(t)
        .delivery_attempt(3)
        .build();
    let m = decode_both(&e.to_value()).unwrap();
    assert_eq!(&m.data[..], b"raw");
    assert_eq!(
        m.attributes,
        BTreeMap::from([("k".to_owned(), "v".to_owned())])
    );
    assert_eq!(m.message_id.as_deref(), Some("id"));
    assert_eq!(m.ordering_key.as_deref(), Some("ok"));
    assert_eq!(m.publish_time, Some(t));
    assert_eq!(m.subscription, SUB);
    assert_eq!(m.delivery_attempt, Some(3));
}

// ---- P2 decode: data -------------------------------------------------------------------------

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Order {
    id: u64,
    items: Vec<String>,
}

#[test]
fn text_data_is_text() {
    // P2: base64 of `hello world`, not JSON
    let m = decode_both(&envelope(json!({"data": "aGVsbG8gd29ybGQ="}))).unwrap();
    assert_eq!(m.data(), MessageData::Text("hello world"));
    assert_eq!(m.data_as::<String>().unwrap(), "hello world");
    assert_eq!(m.data_as::<Value>().unwrap(), json!("hello world"));
}

#[test]
fn non_utf8_data_is_bytes() {
    // P2: base64 of [0xff, 0xfe, 0x00, 0x01]
    let m = decode_both(&envelope(json!({"data": "//4AAQ=="}))).unwrap();
    assert_eq!(m.data(), MessageData::Bytes(&[0xff, 0xfe, 0x00, 0x01]));
    let err = m.data_as::<String>().unwrap_err();
    assert!(err.to_string().starts_with(PREFIX), "{err}");
}

#[test]
fn json_data_is_json_and_typed() {
    // P2
    let data = json!({"id": 42, "items": ["a", "b"]});
    let body = PushEnvelope::builder(SUB)
        .json(&data)
        .unwrap()
        .build()
        .to_value();
    let m = decode_both(&body).unwrap();
    assert_eq!(m.data(), MessageData::Json(data));
    assert_eq!(
        m.data_as::<Order>().unwrap(),
        Order {
            id: 42,
            items: vec!["a".into(), "b".into()]
        }
    );
    // Any JSON type counts as JSON.
    for scalar in [
        json!("quoted"),
        json!(12),
        json!(true),
        json!(null),
        json!([1]),
    ] {
        let body = PushEnvelope::builder(SUB)
            .json(&scalar)
            .unwrap()
            .build()
            .to_value();
        assert_eq!(
            decode_both(&body).unwrap().data(),
            MessageData::Json(scalar)
        );
    }
}

#[test]
fn data_as_errors_start_with_the_prefix() {
    // P2
    let body = PushEnvelope::builder(SUB)
        .json(&json!({"id": "x"}))
        .unwrap()
        .build()
        .to_value();
    let err = decode_both(&body).unwrap().data_as::<Order>().unwrap_err();
    assert!(
        matches!(err, DecodeError::DataNotDeserializable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(PREFIX), "{err}");
    assert!(err.to_string().contains("Order"), "{err}");
    // Text data offered to a struct.
    let m = decode_both(&envelope(json!({"data": "aGVsbG8gd29ybGQ="}))).unwrap();
    let err = m.data_as::<Order>().unwrap_err();
    assert!(err.to_string().starts_with(PREFIX), "{err}");
}

#[test]
fn attribute_only_message_has_empty_data() {
    // P2: data is optional; absent, null and "" all mean empty
    for message in [
        json!({"attributes": {"k": "v"}, "messageId": "1"}),
        json!({"data": null, "attributes": {"k": "v"}, "messageId": "1"}),
        json!({"data": "", "attributes": {"k": "v"}, "messageId": "1"}),
    ] {
        let m = decode_both(&envelope(message)).unwrap();
        assert!(m.data.is_empty());
        assert_eq!(m.data(), MessageData::Text(""));
        assert_eq!(m.attributes["k"], "v");
    }
}

#[test]
fn base64_padding_is_optional() {
    // P2
    let padded = decode_both(&envelope(json!({"data": "AQIDBA=="}))).unwrap();
    let unpadded = decode_both(&envelope(json!({"data": "AQIDBA"}))).unwrap();
    assert_eq!(&padded.data[..], [1, 2, 3, 4]);
    assert_eq!(padded, unpadded);
}

// ---- P2 decode: errors -----------------------------------------------------------------------

#[test]
fn missing_message_or_subscription_is_an_error() {
    // P2
    let err = decode_err(&json!({"subscription": SUB}));
    assert_eq!(err, DecodeError::MissingMessage);
    assert!(err.to_string().contains("`message`"), "{err}");
    let err = decode_err(&json!({"message": {"data": "AQ=="}}));
    assert_eq!(err, DecodeError::MissingSubscription);
    assert!(err.to_string().contains("`subscription`"), "{err}");
}

#[test]
fn bad_base64_is_an_error() {
    // P2
    for bad in ["not base64!", "AQID-A==", "A", "AQIDBA==="] {
        let err = decode_err(&envelope(json!({"data": bad})));
        assert!(
            matches!(err, DecodeError::InvalidBase64 { .. }),
            "{bad}: {err:?}"
        );
        assert!(err.to_string().contains("base64"), "{err}");
    }
}

#[test]
fn non_string_attribute_is_an_error_naming_the_key() {
    // P2
    let err = decode_err(&envelope(json!({"attributes": {"ok": "v", "count": 3}})));
    assert_eq!(
        err,
        DecodeError::AttributeNotString {
            key: "count".into(),
            found: "a number"
        }
    );
    assert!(err.to_string().contains("\"count\""), "{err}");
    let err = decode_err(&envelope(json!({"attributes": {"n": null}})));
    assert!(err.to_string().contains("\"n\""), "{err}");
    let err = decode_err(&envelope(json!({"attributes": ["a"]})));
    assert!(err.to_string().contains("message.attributes"), "{err}");
}

#[test]
fn bad_publish_time_is_an_error_showing_the_value() {
    // P2
    for bad in [
        "yesterday",
        "2021-02-05 04:06",
        "2021-02-05T04:06:14.1234567891Z",
        "",
    ] {
        let err = decode_err(&envelope(json!({"publishTime": bad})));
        assert!(
            matches!(err, DecodeError::InvalidPublishTime { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    }
    let err = decode_err(&envelope(json!({"publish_time": "soon"})));
    assert!(err.to_string().contains("message.publish_time"), "{err}");
}

#[test]
fn non_object_or_non_json_body_is_an_error() {
    // P2
    for body in [json!([]), json!("x"), json!(1), json!(null), json!(true)] {
        let err = decode_err(&body);
        assert!(matches!(err, DecodeError::NotAnObject { .. }), "{err:?}");
    }
    for bytes in [&b""[..], b"{", b"not json", b"{\"message\":{}} x", b"\xff"] {
        let err = DecodedMessage::from_slice(bytes).unwrap_err();
        assert!(matches!(err, DecodeError::InvalidJson { .. }), "{err:?}");
        assert!(err.to_string().starts_with(PREFIX), "{err}");
    }
}

#[test]
fn wrong_member_types_are_errors() {
    // P2
    let cases = [
        (json!({"message": "x", "subscription": SUB}), "message"),
        (json!({"message": null, "subscription": SUB}), "message"),
        (json!({"message": {}, "subscription": 1}), "subscription"),
        (envelope(json!({"data": 5})), "message.data"),
        (envelope(json!({"messageId": 5})), "message.messageId"),
        (envelope(json!({"message_id": [1]})), "message.message_id"),
        (envelope(json!({"orderingKey": {}})), "message.orderingKey"),
        (
            envelope(json!({"publishTime": 1612497974})),
            "message.publishTime",
        ),
        (
            json!({"message": {}, "subscription": SUB, "deliveryAttempt": "5"}),
            "deliveryAttempt",
        ),
    ];
    for (body, field) in cases {
        let err = decode_err(&body);
        assert!(
            matches!(err, DecodeError::WrongType { .. }),
            "{body}: {err:?}"
        );
        assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
    }
    for bad in [json!(-1), json!(1.5), json!(4_294_967_296_u64)] {
        let body = json!({"message": {}, "subscription": SUB, "deliveryAttempt": bad});
        let err = decode_err(&body);
        assert!(
            matches!(err, DecodeError::InvalidDeliveryAttempt { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains(&bad.to_string()), "{err}");
    }
}

// ---- P2 decode: member forms -----------------------------------------------------------------

#[test]
fn camel_snake_and_both_forms() {
    // P2: messageId / message_id, publishTime / publish_time
    let t = utc("2021-02-26T19:13:55.749Z");
    for message in [
        json!({"messageId": "1", "publishTime": "2021-02-26T19:13:55.749Z"}),
        json!({"message_id": "1", "publish_time": "2021-02-26T19:13:55.749Z"}),
        json!({"messageId": "1", "message_id": "1",
               "publishTime": "2021-02-26T19:13:55.749Z", "publish_time": "2021-02-26T19:13:55.749Z"}),
        json!({"messageId": "1", "message_id": null, "publishTime": null, "publish_time": "2021-02-26T19:13:55.749Z"}),
    ] {
        let m = decode_both(&envelope(message)).unwrap();
        assert_eq!(m.message_id.as_deref(), Some("1"));
        assert_eq!(m.publish_time, Some(t));
    }
    // Both present and different: camelCase wins, the snake_case copy is not checked.
    let m = decode_both(&envelope(json!({
        "messageId": "camel", "message_id": "snake",
        "publishTime": "2021-02-26T19:13:55Z", "publish_time": "garbage",
        "orderingKey": "camel", "ordering_key": "snake"
    })))
    .unwrap();
    assert_eq!(m.message_id.as_deref(), Some("camel"));
    assert_eq!(m.publish_time, Some(utc("2021-02-26T19:13:55Z")));
    assert_eq!(m.ordering_key.as_deref(), Some("camel"));
    // snake_case ordering key and delivery attempt are read too.
    let m = decode_both(
        &json!({"message": {"ordering_key": "k"}, "subscription": SUB, "delivery_attempt": 4}),
    )
    .unwrap();
    assert_eq!(m.ordering_key.as_deref(), Some("k"));
    assert_eq!(m.delivery_attempt, Some(4));
}

#[test]
fn timestamps_with_0_to_9_digits_and_offsets() {
    // P2
    let cases = [
        ("2021-02-05T04:06:14Z", 0),
        ("2021-02-05T04:06:14.1Z", 100_000_000),
        ("2021-02-05T04:06:14.109Z", 109_000_000),
        ("2021-02-05T04:06:14.123456789Z", 123_456_789),
        ("2021-02-05T05:06:14.123456789+01:00", 123_456_789),
        ("2021-02-04T23:36:14.000000001-04:30", 1),
    ];
    for (text, nanos) in cases {
        let m = decode_both(&envelope(json!({"publishTime": text}))).unwrap();
        let expected = Utc.with_ymd_and_hms(2021, 2, 5, 4, 6, 14).unwrap()
            + chrono::Duration::nanoseconds(nanos);
        assert_eq!(m.publish_time, Some(expected), "{text}");
    }
}

#[test]
fn unknown_members_are_ignored() {
    // P2
    let body = json!({
        "@type": "type.googleapis.com/google.pubsub.v1.ReceivedMessage",
        "message": {"@type": "type.googleapis.com/google.pubsub.v1.PubsubMessage", "data": "AQ==",
                    "future": {"nested": [1, {"x": null}]}},
        "subscription": SUB,
        "ackId": 12
    });
    let m = decode_both(&body).unwrap();
    assert_eq!(&m.data[..], [1]);
}

#[test]
fn delivery_attempt_and_ordering_key_are_read() {
    // P2
    let body = json!({"message": {"orderingKey": "k"}, "subscription": SUB, "deliveryAttempt": 5});
    let m = decode_both(&body).unwrap();
    assert_eq!(m.delivery_attempt, Some(5));
    assert_eq!(m.ordering_key.as_deref(), Some("k"));
    let m = decode_both(&envelope(json!({"orderingKey": ""}))).unwrap();
    assert_eq!(m.ordering_key, None);
    assert_eq!(m.delivery_attempt, None);
    assert_eq!(m.message_id, None);
    assert_eq!(m.publish_time, None);
    assert!(m.attributes.is_empty());
}

#[test]
fn subscription_parts() {
    // P2 (research "What a receiver must do" 7)
    let m = decode_both(&envelope(json!({}))).unwrap();
    assert_eq!(m.project(), Some("my-project"));
    assert_eq!(m.subscription_id(), Some("my-sub"));
    let m = decode_both(&json!({"message": {}, "subscription": "odd"})).unwrap();
    assert_eq!((m.project(), m.subscription_id()), (None, None));
}

#[test]
fn escaped_strings_and_repeated_members() {
    // P2: escapes are decoded; a repeated member: the last one counts (as in a parsed Value)
    let body = br#"{"message": {"data": "AQ\u003d\u003d", "attributes": {"k\"": "\u00e9"},
        "messageId": "a", "messageId": "b"}, "subscription": "x", "subscription": "projects/p/subscriptions/s"}"#;
    let m = DecodedMessage::from_slice(body).unwrap();
    assert_eq!(&m.data[..], [1]);
    assert_eq!(m.attributes["k\""], "é");
    assert_eq!(m.message_id.as_deref(), Some("b"));
    assert_eq!(m.subscription, "projects/p/subscriptions/s");
    let value: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(DecodedMessage::from_value(&value).unwrap(), m);
}

#[test]
fn decoded_message_serializes_for_logging() {
    // P2
    let t = utc("2021-02-05T04:06:14.109Z");
    let json_msg = DecodedMessage::from_slice(
        &PushEnvelope::builder(SUB)
            .json(&json!({"a": 1}))
            .unwrap()
            .message_id("1")
            .publish_time(t)
            .attribute("k", "v")
            .build()
            .to_bytes(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&json_msg).unwrap(),
        json!({"subscription": SUB, "message_id": "1", "publish_time": "2021-02-05T04:06:14.109000000Z",
               "attributes": {"k": "v"}, "data": {"a": 1}})
    );
    let text = DecodedMessage::from_slice(
        &PushEnvelope::builder(SUB)
            .bytes("hi")
            .ordering_key("o")
            .delivery_attempt(2)
            .build()
            .to_bytes(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&text).unwrap(),
        json!({"subscription": SUB, "ordering_key": "o", "attributes": {}, "delivery_attempt": 2, "data": "hi"})
    );
    let raw =
        DecodedMessage::from_slice(&PushEnvelope::builder(SUB).bytes([0xff]).build().to_bytes())
            .unwrap();
    assert_eq!(
        serde_json::to_value(&raw).unwrap(),
        json!({"subscription": SUB, "attributes": {}, "data_base64": "/w=="})
    );
}

#[test]
fn every_error_display_starts_with_the_prefix() {
    // P2
    let errors = [
        DecodedMessage::from_slice(b"[").unwrap_err(),
        DecodedMessage::from_slice(b"[]").unwrap_err(),
        DecodedMessage::from_slice(b"{}").unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{}}"#).unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":1,"subscription":"s"}"#).unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{"data":"*"},"subscription":"s"}"#).unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{"attributes":{"a":1}},"subscription":"s"}"#)
            .unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{"publishTime":"x"},"subscription":"s"}"#)
            .unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{},"subscription":"s","deliveryAttempt":-1}"#)
            .unwrap_err(),
        DecodedMessage::from_slice(br#"{"message":{},"subscription":"s"}"#)
            .unwrap()
            .data_as::<u8>()
            .unwrap_err(),
    ];
    for err in errors {
        assert!(err.to_string().starts_with(PREFIX), "{err}");
    }
}

// ---- P4 samples ------------------------------------------------------------------------------

const SAMPLE_TIME: &str = "2021-02-05T04:06:14.109Z";

#[test]
fn sample_complex() {
    // P4
    let m =
        DecodedMessage::from_slice(include_bytes!("fixtures/MessagePublishedData-complex.json"))
            .unwrap();
    let value: Value =
        serde_json::from_str(include_str!("fixtures/MessagePublishedData-complex.json")).unwrap();
    assert_eq!(DecodedMessage::from_value(&value).unwrap(), m);
    assert_eq!(
        m.subscription,
        "projects/test-project/subscriptions/my-subscription"
    );
    assert_eq!(m.project(), Some("test-project"));
    assert_eq!(m.subscription_id(), Some("my-subscription"));
    assert_eq!(m.message_id.as_deref(), Some("message-id"));
    assert_eq!(m.publish_time, Some(utc(SAMPLE_TIME)));
    assert_eq!(m.ordering_key.as_deref(), Some("ordering-key"));
    assert_eq!(
        m.attributes,
        BTreeMap::from([("attr1".to_owned(), "attr1-value".to_owned())])
    );
    assert_eq!(m.data(), MessageData::Text("test message 3"));
    assert_eq!(m.delivery_attempt, None);
}

#[test]
fn sample_duplicated_fields() {
    // P4
    let m = DecodedMessage::from_slice(include_bytes!(
        "fixtures/MessagePublishedData-duplicatedFields.json"
    ))
    .unwrap();
    let value: Value = serde_json::from_str(include_str!(
        "fixtures/MessagePublishedData-duplicatedFields.json"
    ))
    .unwrap();
    assert_eq!(DecodedMessage::from_value(&value).unwrap(), m);
    assert_eq!(
        m.subscription,
        "projects/my-project/subscriptions/my-subscription"
    );
    assert_eq!(m.message_id.as_deref(), Some("message-id"));
    assert_eq!(m.publish_time, Some(utc(SAMPLE_TIME)));
    assert_eq!(&m.data[..], [1, 2, 3, 4]);
    assert_eq!(m.data(), MessageData::Text("\u{1}\u{2}\u{3}\u{4}"));
    assert!(m.attributes.is_empty());
    assert_eq!(m.ordering_key, None);
    assert_eq!(m.delivery_attempt, None);
}

#[test]
fn sample_text() {
    // P4
    let m = DecodedMessage::from_slice(include_bytes!("fixtures/MessagePublishedData-text.json"))
        .unwrap();
    let value: Value =
        serde_json::from_str(include_str!("fixtures/MessagePublishedData-text.json")).unwrap();
    assert_eq!(DecodedMessage::from_value(&value).unwrap(), m);
    assert_eq!(
        m.subscription,
        "projects/my-project/subscriptions/my-subscription"
    );
    assert_eq!(m.message_id.as_deref(), Some("message-id"));
    assert_eq!(m.publish_time, Some(utc(SAMPLE_TIME)));
    assert_eq!(
        m.attributes,
        BTreeMap::from([("attr1".to_owned(), "attr1-value".to_owned())])
    );
    assert_eq!(m.data(), MessageData::Text("test message 3"));
    assert_eq!(m.ordering_key, None);
    assert_eq!(m.delivery_attempt, None);
}

#[test]
fn sample_structured_cloud_event() {
    // P4: a structured CloudEvent whose `data` is a push envelope
    let event: Value =
        serde_json::from_str(include_str!("fixtures/MessagePublishedData.json")).unwrap();
    assert_eq!(
        event["type"],
        "google.cloud.pubsub.topic.v1.messagePublished"
    );
    let m = DecodedMessage::from_value(&event["data"]).unwrap();
    assert_eq!(
        m.subscription,
        "projects/test-project/subscriptions/my-subscription"
    );
    assert_eq!(m.message_id.as_deref(), Some("message-id"));
    assert_eq!(m.publish_time, Some(utc(SAMPLE_TIME)));
    assert_eq!(m.ordering_key.as_deref(), Some("ordering-key"));
    assert_eq!(
        m.attributes,
        BTreeMap::from([("attr1".to_owned(), "attr1-value".to_owned())])
    );
    assert_eq!(m.data(), MessageData::Text("test message 3"));
    assert_eq!(&m.data[..], b"test message 3");
    assert_eq!(m.delivery_attempt, None);
    // The whole event is not itself a push envelope.
    assert_eq!(
        DecodedMessage::from_value(&event).unwrap_err(),
        DecodeError::MissingMessage
    );
}

/// C6: a message published to a topic with a schema carries its schema in three attributes,
/// deleted markers included; one without them has no schema.
#[test]
fn schema_attributes_are_read_typed() {
    use gcp_events_core::pubsub::{SchemaEncoding, SchemaName};
    let with = |attributes: serde_json::Value| {
        DecodedMessage::from_value(&serde_json::json!({
            "subscription": "projects/p/subscriptions/s",
            "message": {"data": "", "attributes": attributes}
        }))
        .unwrap()
    };
    let live = with(serde_json::json!({
        "googclient_schemaname": "projects/p/schemas/orders",
        "googclient_schemaencoding": "JSON",
        "googclient_schemarevisionid": "0a1b2c3d",
    }));
    let schema = live.schema().unwrap();
    assert_eq!(schema.name, SchemaName::Named("projects/p/schemas/orders"));
    assert_eq!(schema.encoding, Some(SchemaEncoding::Json));
    assert_eq!(schema.revision_id, Some(SchemaName::Named("0a1b2c3d")));
    let deleted = with(serde_json::json!({
        "googclient_schemaname": "_deleted-schema_",
        "googclient_schemaencoding": "BINARY",
        "googclient_schemarevisionid": "_deleted-schema-revision_",
    }));
    let schema = deleted.schema().unwrap();
    assert_eq!(schema.name, SchemaName::Deleted);
    assert_eq!(schema.encoding, Some(SchemaEncoding::Binary));
    assert_eq!(schema.revision_id, Some(SchemaName::Deleted));
    assert!(with(serde_json::json!({"origin": "web"}))
        .schema()
        .is_none());
}

//! Property tests of the Pub/Sub push codec (SPEC P3, and P2 agreement of both decoders).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use gcp_events_core::pubsub::{DecodedMessage, MessageData, PushEnvelope};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Any Unicode text (not only what a regex produces), up to `max` chars.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..=max).prop_map(String::from_iter)
}

/// JSON values of every type, with limited depth. Floats are multiples of 1/8, which
/// serialize and parse back exactly.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1_000_000_i32..1_000_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        text(12).prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(text(8), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Any instant in the years 0000–9999 (the RFC 3339 range), with nanoseconds.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    const MIN: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
    const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    (MIN..=MAX, 0..1_000_000_000_u32)
        .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap())
}

#[derive(Debug, Clone)]
enum Data {
    Json(Value),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Input {
    data: Data,
    subscription: String,
    attributes: BTreeMap<String, String>,
    message_id: Option<String>,
    ordering_key: Option<String>,
    publish_time: Option<DateTime<Utc>>,
    delivery_attempt: Option<u32>,
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop_oneof![
            json_value().prop_map(Data::Json),
            proptest::collection::vec(any::<u8>(), 0..64).prop_map(Data::Bytes),
        ],
        text(40),
        proptest::collection::btree_map(text(10), text(20), 0..6),
        proptest::option::of(text(20)),
        proptest::option::of(text(20).prop_filter("non-empty", |k| !k.is_empty())),
        proptest::option::of(instant()),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            |(
                data,
                subscription,
                attributes,
                message_id,
                ordering_key,
                publish_time,
                delivery_attempt,
            )| Input {
                data,
                subscription,
                attributes,
                message_id,
                ordering_key,
                publish_time,
                delivery_attempt,
            },
        )
}

fn make(x: &Input) -> PushEnvelope {
    let mut b = PushEnvelope::builder(x.subscription.clone()).attributes(x.attributes.clone());
    b = match &x.data {
        Data::Json(v) => b.json(v).unwrap(),
        Data::Bytes(bytes) => b.bytes(bytes),
    };
    if let Some(id) = &x.message_id {
        b = b.message_id(id.clone());
    }
    if let Some(key) = &x.ordering_key {
        b = b.ordering_key(key.clone());
    }
    if let Some(t) = x.publish_time {
        b = b.publish_time(t);
    }
    if let Some(n) = x.delivery_attempt {
        b = b.delivery_attempt(n);
    }
    b.build()
}

fn check(x: &Input, m: &DecodedMessage) -> Result<(), TestCaseError> {
    match &x.data {
        Data::Json(v) => {
            prop_assert_eq!(&m.data[..], &serde_json::to_vec(v).unwrap()[..]);
            prop_assert_eq!(m.data(), MessageData::Json(v.clone()));
            prop_assert_eq!(&m.data_as::<Value>().unwrap(), v);
        }
        Data::Bytes(bytes) => prop_assert_eq!(&m.data[..], &bytes[..]),
    }
    prop_assert_eq!(&m.subscription, &x.subscription);
    prop_assert_eq!(&m.attributes, &x.attributes);
    prop_assert_eq!(&m.message_id, &x.message_id);
    prop_assert_eq!(&m.ordering_key, &x.ordering_key);
    prop_assert_eq!(m.publish_time, x.publish_time);
    prop_assert_eq!(m.delivery_attempt, x.delivery_attempt);
    Ok(())
}

/// A member value of a random JSON type.
fn any_member() -> BoxedStrategy<Value> {
    prop_oneof![
        2 => text(12).prop_map(Value::String),
        1 => Just(Value::Null),
        1 => any::<i64>().prop_map(Value::from),
        1 => json_value(),
    ]
    .boxed()
}

/// Mostly `good`, sometimes a value of any type.
fn mostly(good: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![4 => good, 1 => any_member()].boxed()
}

/// Publish times in the forms seen on the wire, and some that are not timestamps.
fn time_text() -> impl Strategy<Value = Value> {
    prop_oneof![
        instant().prop_map(|t| json!(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))),
        instant().prop_map(|t| json!(t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, false))),
        instant().prop_map(|t| json!(t.format("%Y-%m-%dT%H:%M:%S%.3f+05:30").to_string())),
        Just(json!("2021-02-05T04:06:14.1234567890Z")),
        text(8).prop_map(Value::String),
    ]
}

/// Envelope-shaped values: known members present or not, of the right type or not, next to
/// unknown members; camelCase and snake_case forms, often both.
fn envelope_like() -> impl Strategy<Value = Value> {
    let data = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(|b| {
            use base64::Engine as _;
            json!(base64::engine::general_purpose::STANDARD.encode(b))
        }),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(|b| {
            use base64::Engine as _;
            json!(base64::engine::general_purpose::STANDARD_NO_PAD.encode(b))
        }),
        Just(json!("AQID-A==")),
    ];
    let attributes =
        proptest::collection::btree_map(text(6), mostly(text(8).prop_map(Value::String)), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect()));
    let opt = |s: BoxedStrategy<Value>| proptest::option::weighted(0.5, s);
    let message = (
        opt(mostly(data)),
        opt(mostly(attributes)),
        opt(mostly(text(6).prop_map(Value::String))),
        opt(mostly(text(6).prop_map(Value::String))),
        opt(mostly(time_text())),
        opt(mostly(time_text())),
        opt(mostly(text(3).prop_map(Value::String))),
        opt(mostly(text(3).prop_map(Value::String))),
        proptest::option::of((text(4), any_member())),
    )
        .prop_map(|(d, a, id, id_s, t, t_s, k, k_s, unknown)| {
            let mut m = Map::new();
            let names = [
                "data",
                "attributes",
                "messageId",
                "message_id",
                "publishTime",
                "publish_time",
                "orderingKey",
                "ordering_key",
            ];
            for (name, value) in names.into_iter().zip([d, a, id, id_s, t, t_s, k, k_s]) {
                if let Some(v) = value {
                    m.insert(name.to_owned(), v);
                }
            }
            if let Some((k, v)) = unknown {
                m.entry(k).or_insert(v);
            }
            Value::Object(m)
        });
    let attempt = mostly((0..10_u32).prop_map(Value::from));
    (
        proptest::option::weighted(0.9, mostly(message)),
        proptest::option::weighted(0.9, mostly(text(30).prop_map(Value::String))),
        proptest::option::weighted(0.3, attempt.clone()),
        proptest::option::weighted(0.3, attempt),
        proptest::option::of((text(4), any_member())),
    )
        .prop_map(|(message, subscription, attempt, attempt_s, unknown)| {
            let mut m = Map::new();
            let names = [
                "message",
                "subscription",
                "deliveryAttempt",
                "delivery_attempt",
            ];
            for (name, value) in names
                .into_iter()
                .zip([message, subscription, attempt, attempt_s])
            {
                if let Some(v) = value {
                    m.insert(name.to_owned(), v);
                }
            }
            if let Some((k, v)) = unknown {
                m.entry(k).or_insert(v);
            }
            Value::Object(m)
        })
}

proptest! {
    #[test]
    fn decode_of_make_returns_every_field(x in input()) {
        // P3: through bytes, text and value, and both decoders
        let envelope = make(&x);
        let from_bytes = DecodedMessage::from_slice(&envelope.to_bytes()).unwrap();
        check(&x, &from_bytes)?;
        let from_text = DecodedMessage::from_slice(envelope.to_json_string().as_bytes()).unwrap();
        prop_assert_eq!(&from_text, &from_bytes);
        let from_value = DecodedMessage::from_value(&envelope.to_value()).unwrap();
        prop_assert_eq!(&from_value, &from_bytes);
    }

    #[test]
    fn both_decoders_agree_on_any_envelope_like_value(body in envelope_like()) {
        // P2: from_slice and from_value accept and reject the same inputs, with the same errors
        let from_slice = DecodedMessage::from_slice(&serde_json::to_vec(&body).unwrap());
        let from_value = DecodedMessage::from_value(&body);
        prop_assert_eq!(&from_slice, &from_value);
        if let Err(e) = from_slice {
            prop_assert!(e.to_string().starts_with("Failed to decode Pub/Sub message"));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        // P2 (and R1): any input gives a value or a prefixed error
        if let Err(e) = DecodedMessage::from_slice(&body) {
            prop_assert!(e.to_string().starts_with("Failed to decode Pub/Sub message"));
        }
    }
}

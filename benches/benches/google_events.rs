//! Google's event data, against what a user would do by hand, in one run (issue 23):
//!
//! - `firestore_protobuf/library` vs `firestore_protobuf/bare_prost`: the Firestore sample (a
//!   document with every value kind, nested) decoded from protobuf by the library's type and by
//!   a bare prost struct of the same message, as prost-build would generate it (target ≤ 1.2×);
//! - `firestore_json/library` vs `firestore_json/serde_value`: the same event's proto3 JSON
//!   decoded into the typed message, and into a bare `serde_json::Value` (what a user without
//!   types would parse);
//! - `document_to_user/library` vs `document_to_user/via_serde_value`: the decoded document
//!   into a user's `#[derive(Deserialize)]` struct, straight from the value tree, and by way of
//!   a `serde_json::Value` (`to_json` then `from_value`; the library must be faster).
//!
//! `cargo bench -p gcp-events-benches --bench google_events -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use criterion::{criterion_group, criterion_main, Criterion};
use gcp_events_core::google_events::firestore::{
    ArrayValue, Document, DocumentEventData, MapValue, Value, ValueKind,
};
use gcp_events_core::google_events::{LatLng, Timestamp};
use prost::Message as _;

/// The same message as bare prost types (what prost-build generates, maps as `HashMap`).
#[allow(unreachable_pub, clippy::enum_variant_names)]
mod bare {
    use std::collections::HashMap;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct DocumentEventData {
        #[prost(message, optional, tag = "1")]
        pub value: Option<Document>,
        #[prost(message, optional, tag = "2")]
        pub old_value: Option<Document>,
        #[prost(message, optional, tag = "3")]
        pub update_mask: Option<DocumentMask>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct DocumentMask {
        #[prost(string, repeated, tag = "1")]
        pub field_paths: Vec<String>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Document {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(map = "string, message", tag = "2")]
        pub fields: HashMap<String, Value>,
        #[prost(message, optional, tag = "3")]
        pub create_time: Option<Timestamp>,
        #[prost(message, optional, tag = "4")]
        pub update_time: Option<Timestamp>,
    }
    #[derive(Clone, Copy, PartialEq, prost::Message)]
    pub struct Timestamp {
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }
    #[derive(Clone, Copy, PartialEq, prost::Message)]
    pub struct LatLng {
        #[prost(double, tag = "1")]
        pub latitude: f64,
        #[prost(double, tag = "2")]
        pub longitude: f64,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Value {
        #[prost(oneof = "Kind", tags = "11, 1, 2, 3, 10, 17, 18, 5, 8, 9, 6")]
        pub kind: Option<Kind>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        #[prost(int32, tag = "11")]
        NullValue(i32),
        #[prost(bool, tag = "1")]
        BooleanValue(bool),
        #[prost(int64, tag = "2")]
        IntegerValue(i64),
        #[prost(double, tag = "3")]
        DoubleValue(f64),
        #[prost(message, tag = "10")]
        TimestampValue(Timestamp),
        #[prost(string, tag = "17")]
        StringValue(String),
        #[prost(bytes = "vec", tag = "18")]
        BytesValue(Vec<u8>),
        #[prost(string, tag = "5")]
        ReferenceValue(String),
        #[prost(message, tag = "8")]
        GeoPointValue(LatLng),
        #[prost(message, tag = "9")]
        ArrayValue(ArrayValue),
        #[prost(message, tag = "6")]
        MapValue(MapValue),
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ArrayValue {
        #[prost(message, repeated, tag = "1")]
        pub values: Vec<Value>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MapValue {
        #[prost(map = "string, message", tag = "1")]
        pub fields: HashMap<String, Value>,
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct User {
    name: String,
    email: String,
    age: u32,
    score: f64,
    admin: bool,
    nickname: Option<String>,
    joined: String,
    avatar: String,
    manager: String,
    home: Home,
    address: Address,
    tags: Vec<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Home {
    latitude: f64,
    longitude: f64,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Address {
    city: String,
    lines: Vec<String>,
    postcode: String,
}

fn v(kind: ValueKind) -> Value {
    Value::from(kind)
}

fn s(text: &str) -> Value {
    v(ValueKind::StringValue(text.to_owned()))
}

/// A user document of a dozen fields, every value kind, nested.
fn sample() -> DocumentEventData {
    let mut address = BTreeMap::new();
    address.insert("city".to_owned(), s("Reading"));
    address.insert("postcode".to_owned(), s("RG1 1AA"));
    let lines = ArrayValue::from(vec![s("1 Station Road"), s("Flat 2")]);
    address.insert("lines".to_owned(), v(ValueKind::ArrayValue(lines)));
    let tags = ArrayValue::from(vec![s("early-adopter"), s("beta"), s("newsletter")]);
    let time = Timestamp {
        seconds: 1_587_651_833,
        nanos: 241_000_000,
    };
    let fields: BTreeMap<String, Value> = [
        ("name", s("Ada Lovelace")),
        ("email", s("ada@example.com")),
        ("age", v(ValueKind::IntegerValue(36))),
        ("score", v(ValueKind::DoubleValue(97.5))),
        ("admin", v(ValueKind::BooleanValue(true))),
        ("nickname", v(ValueKind::NullValue(0))),
        ("joined", v(ValueKind::TimestampValue(time))),
        ("avatar", v(ValueKind::BytesValue(vec![7; 48]))),
        (
            "manager",
            v(ValueKind::ReferenceValue(
                "projects/p/databases/(default)/documents/users/charles".to_owned(),
            )),
        ),
        (
            "home",
            v(ValueKind::GeoPointValue(LatLng {
                latitude: 51.4543,
                longitude: -0.9781,
            })),
        ),
        ("address", v(ValueKind::MapValue(MapValue::from(address)))),
        ("tags", v(ValueKind::ArrayValue(tags))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let document = Document {
        name: "projects/p/databases/(default)/documents/users/ada".to_owned(),
        fields,
        create_time: Some(time),
        update_time: Some(time),
    };
    DocumentEventData {
        value: Some(document),
        ..DocumentEventData::default()
    }
}

fn google_events(c: &mut Criterion) {
    let data = sample();
    let protobuf = data.encode_to_vec();
    let json = serde_json::to_vec(&data).unwrap();
    assert_eq!(
        bare::DocumentEventData::decode(protobuf.as_slice())
            .unwrap()
            .encode_to_vec()
            .len(),
        protobuf.len(),
        "the bare types read the same message"
    );

    let mut group = c.benchmark_group("firestore_protobuf");
    group.bench_function("library", |b| {
        b.iter(|| DocumentEventData::decode(std::hint::black_box(protobuf.as_slice())).unwrap())
    });
    group.bench_function("bare_prost", |b| {
        b.iter(|| {
            bare::DocumentEventData::decode(std::hint::black_box(protobuf.as_slice())).unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("firestore_json");
    group.bench_function("library", |b| {
        b.iter(|| serde_json::from_slice::<DocumentEventData>(std::hint::black_box(&json)).unwrap())
    });
    group.bench_function("serde_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&json)).unwrap())
    });
    group.finish();

    let document = data.value.clone().unwrap();
    let mut group = c.benchmark_group("document_to_user");
    group.bench_function("library", |b| {
        b.iter(|| {
            std::hint::black_box(&document)
                .deserialize::<User>()
                .unwrap()
        })
    });
    group.bench_function("via_serde_value", |b| {
        b.iter(|| {
            serde_json::from_value::<User>(std::hint::black_box(&document).to_json()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, google_events);
criterion_main!(benches);

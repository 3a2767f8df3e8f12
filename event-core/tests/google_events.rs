//! Google's event data through the public API: `Event::data` at the CloudEvents path in both
//! encodings, the type chosen by `ce-type`, unknown fields ignored in both encodings, errors that
//! never quote the data, deep nesting refused, documents as plain values and user types.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use bytes::Bytes;
use gcp_events_core::cloudevents::types;
use gcp_events_core::google_events::datastore::EntityEventData;
use gcp_events_core::google_events::firestore::{
    ArrayValue, Document, DocumentEventData, MapValue, Value, ValueKind,
};
use gcp_events_core::google_events::{DataError, LatLng, Timestamp};
use gcp_events_core::testing::Recorder;
use gcp_events_core::{EventService, HandlerError};
use http_body_util::Full;
use prost::Message as _;

fn value(kind: ValueKind) -> Value {
    Value::from(kind)
}

/// A document with a value of every kind, nested.
fn user_document() -> Document {
    let mut fields = BTreeMap::new();
    fields.insert("name".into(), value(ValueKind::StringValue("Ada ✓".into())));
    fields.insert("age".into(), value(ValueKind::IntegerValue(36)));
    fields.insert("big".into(), value(ValueKind::IntegerValue(i64::MIN)));
    fields.insert("score".into(), value(ValueKind::DoubleValue(5.5)));
    fields.insert("admin".into(), value(ValueKind::BooleanValue(true)));
    fields.insert("nothing".into(), value(ValueKind::NullValue(0)));
    fields.insert(
        "born".into(),
        value(ValueKind::TimestampValue(Timestamp {
            seconds: 1_587_651_833,
            nanos: 241_000_000,
        })),
    );
    fields.insert(
        "avatar".into(),
        value(ValueKind::BytesValue(vec![0, 255, 7])),
    );
    fields.insert(
        "manager".into(),
        value(ValueKind::ReferenceValue(
            "projects/p/databases/(default)/documents/users/grace".into(),
        )),
    );
    fields.insert(
        "home".into(),
        value(ValueKind::GeoPointValue(LatLng {
            latitude: 51.4543,
            longitude: -0.9781,
        })),
    );
    let mut address = BTreeMap::new();
    address.insert(
        "city".into(),
        value(ValueKind::StringValue("Reading".into())),
    );
    address.insert(
        "lines".into(),
        value(ValueKind::ArrayValue(ArrayValue::from(vec![
            value(ValueKind::StringValue("1 Road".into())),
            value(ValueKind::IntegerValue(2)),
        ]))),
    );
    fields.insert(
        "address".into(),
        value(ValueKind::MapValue(MapValue::from(address))),
    );
    Document {
        name: "projects/p/databases/(default)/documents/users/ada".into(),
        fields,
        create_time: Some(Timestamp {
            seconds: 1_587_651_905,
            nanos: 349_632_000,
        }),
        ..Document::default()
    }
}

fn written() -> DocumentEventData {
    DocumentEventData {
        value: Some(user_document()),
        ..DocumentEventData::default()
    }
}

/// A binary-mode CloudEvent posted to `/`.
fn cloud_event(event_type: &str, content_type: &str, body: Vec<u8>) -> http::Request<Full<Bytes>> {
    http::Request::post("/")
        .header("host", "receiver.example")
        .header("ce-id", "1")
        .header("ce-specversion", "1.0")
        .header(
            "ce-source",
            "//firestore.googleapis.com/projects/p/databases/(default)",
        )
        .header("ce-type", event_type)
        .header("ce-subject", "documents/users/ada")
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

fn service(recorder: &Recorder) -> EventService {
    EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .handler(recorder.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn firestore_data_decodes_from_protobuf_and_from_json_alike() {
    let recorder = Recorder::new();
    let service = service(&recorder);
    let data = written();
    let protobuf = cloud_event(
        types::FIRESTORE_DOCUMENT_WRITTEN,
        "application/protobuf",
        data.encode_to_vec(),
    );
    assert_eq!(service.handle(protobuf).await.status(), 201);
    let json = cloud_event(
        types::FIRESTORE_DOCUMENT_CREATED_WITH_AUTH_CONTEXT,
        "application/json; charset=utf-8",
        serde_json::to_vec(&data).unwrap(),
    );
    assert_eq!(service.handle(json).await.status(), 201);
    let events = recorder.events();
    let from_protobuf: DocumentEventData = events[0].data().unwrap();
    let from_json: DocumentEventData = events[1].data().unwrap();
    assert_eq!(from_protobuf, data);
    assert_eq!(from_json, data);
}

#[tokio::test]
async fn the_type_decides_never_the_content_type() {
    let recorder = Recorder::new();
    let service = service(&recorder);
    // A Firestore body on a Datastore-mode event: it is a Datastore event.
    let request = cloud_event(
        types::DATASTORE_ENTITY_WRITTEN,
        "application/protobuf",
        written().encode_to_vec(),
    );
    assert_eq!(service.handle(request).await.status(), 201);
    let event = recorder.single();
    let error = event.data::<DocumentEventData>().unwrap_err();
    assert!(matches!(error, DataError::WrongType { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "events of type google.cloud.datastore.entity.v1.written carry \
         google.events.cloud.datastore.v1.EntityEventData, not \
         google.events.cloud.firestore.v1.DocumentEventData"
    );
    // A type outside the catalog has no data type.
    let unknown = cloud_event("com.example.thing", "application/json", b"{}".to_vec());
    service.handle(unknown).await;
    let error = recorder.events()[1]
        .data::<DocumentEventData>()
        .unwrap_err();
    assert!(matches!(error, DataError::UnknownType { .. }), "{error}");
}

#[tokio::test]
async fn malformed_data_fails_the_event_and_the_error_never_quotes_it() {
    let failing = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .handler(gcp_events_core::handler_fn(|event| async move {
            let _: DocumentEventData = event.data()?;
            Ok(())
        }))
        .build()
        .unwrap();
    let secret = "SECRET-5f3a";
    for (content_type, body) in [
        (
            "application/protobuf",
            format!("\u{ff}{secret}").into_bytes(),
        ),
        (
            "application/json",
            format!(r#"{{"value": {{"name": 7, "x": "{secret}"}}}}"#).into_bytes(),
        ),
        (
            "application/json",
            format!(r#"{{"value": {{"createTime": "{secret}"}}}}"#).into_bytes(),
        ),
    ] {
        let request = cloud_event(
            types::FIRESTORE_DOCUMENT_WRITTEN,
            content_type,
            body.clone(),
        );
        let response = failing.handle(request).await;
        assert_eq!(response.status(), 400, "not acknowledged: {content_type}");
        // The error itself names the types and never the data.
        let event = gcp_events_core::Event::builder("k", "r")
            .payload(gcp_events_core::Payload::from_bytes(
                body,
                Some(content_type),
            ))
            .context(
                gcp_events_core::EventContext::default().with_cloud_event(
                    gcp_events_core::cloudevents::from_structured(
                        br#"{"specversion": "1.0", "id": "1", "source": "s",
                             "type": "google.cloud.firestore.document.v1.written"}"#,
                    )
                    .unwrap()
                    .0,
                ),
            )
            .build();
        let error = event.data::<DocumentEventData>().unwrap_err().to_string();
        assert!(
            error.contains("google.events.cloud.firestore.v1.DocumentEventData"),
            "{error}"
        );
        assert!(
            error.contains("google.cloud.firestore.document.v1.written"),
            "{error}"
        );
        assert!(!error.contains(secret), "{error}");
    }
}

#[tokio::test]
async fn a_discarding_handler_acknowledges_poison_data() {
    let discarding = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .handler(gcp_events_core::handler_fn(|event| async move {
            let _: DocumentEventData = event.data().map_err(HandlerError::discard)?;
            Ok(())
        }))
        .build()
        .unwrap();
    let request = cloud_event(
        types::FIRESTORE_DOCUMENT_WRITTEN,
        "application/protobuf",
        vec![0xff, 0xff],
    );
    assert_eq!(discarding.handle(request).await.status(), 200);
}

/// Unknown fields of every protobuf wire type, at the top and deep inside, are skipped.
#[test]
fn unknown_protobuf_fields_are_ignored() {
    let data = written();
    let mut bytes = data.encode_to_vec();
    // field 100 varint, 101 fixed64, 102 length-delimited, 103 fixed32
    let unknown: &[u8] = &[
        0xa0, 0x06, 0x96, 0x01, // 100: varint 150
        0xa9, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // 101: fixed64
        0xb2, 0x06, 3, b'a', b'b', b'c', // 102: bytes "abc"
        0xbd, 0x06, 1, 2, 3, 4, // 103: fixed32
    ];
    bytes.extend_from_slice(unknown);
    assert_eq!(DocumentEventData::decode(bytes.as_slice()).unwrap(), data);
    // Inside a value: a Value message with an unknown field beside its kind.
    let mut inner = value(ValueKind::StringValue("x".into())).encode_to_vec();
    inner.extend_from_slice(unknown);
    assert_eq!(
        Value::decode(inner.as_slice()).unwrap(),
        value(ValueKind::StringValue("x".into()))
    );
}

#[test]
fn unknown_json_members_are_ignored_and_either_name_form_is_read() {
    let text = r#"{
        "value": {"name": "projects/p/databases/(default)/documents/users/ada",
                  "fields": {"n": {"integerValue": 7, "futureHint": {"a": [1]}},
                             "s": {"string_value": "snake"},
                             "z": {"nullValue": "NULL_VALUE"}, "z2": {"nullValue": 0},
                             "b": {"bytesValue": "_-8"}},
                  "create_time": "2020-04-23T14:25:05.349632+02:00",
                  "somethingNew": true},
        "oldValue": null,
        "newTopLevel": [1, 2, 3]
    }"#;
    let data: DocumentEventData = serde_json::from_str(text).unwrap();
    let document = data.value.unwrap();
    assert_eq!(document.fields["n"], value(ValueKind::IntegerValue(7)));
    assert_eq!(
        document.fields["s"],
        value(ValueKind::StringValue("snake".into()))
    );
    assert_eq!(document.fields["z"], value(ValueKind::NullValue(0)));
    assert_eq!(document.fields["z2"], value(ValueKind::NullValue(0)));
    assert_eq!(
        document.fields["b"],
        value(ValueKind::BytesValue(vec![0xff, 0xef]))
    );
    assert_eq!(
        document
            .create_time
            .unwrap()
            .to_datetime()
            .unwrap()
            .to_rfc3339(),
        "2020-04-23T12:25:05.349632+00:00"
    );
    assert!(data.old_value.is_none());
    // Written back in the canonical form.
    let out = serde_json::to_value(&document.fields["n"]).unwrap();
    assert_eq!(out, serde_json::json!({"integerValue": "7"}));
}

/// A `Value` nested 100 000 deep is refused with an error in both encodings: no stack overflow.
#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    const DEPTH: usize = 100_000;
    fn varint(mut n: usize, out: &mut Vec<u8>) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    fn varint_len(n: usize) -> usize {
        let mut v = Vec::new();
        varint(n, &mut v);
        v.len()
    }
    // Value{array_value: ArrayValue{values: [Value{...}]}}: sizes from the inside out.
    let mut value_sizes = vec![0usize];
    for _ in 0..DEPTH {
        let inner = *value_sizes.last().unwrap();
        let array = 1 + varint_len(inner) + inner;
        value_sizes.push(1 + varint_len(array) + array);
    }
    let mut bytes = Vec::with_capacity(value_sizes[DEPTH]);
    for level in (0..DEPTH).rev() {
        let inner = value_sizes[level];
        bytes.push(0x4a); // field 9 (array_value), length-delimited
        varint(1 + varint_len(inner) + inner, &mut bytes);
        bytes.push(0x0a); // field 1 (values), length-delimited
        varint(inner, &mut bytes);
    }
    assert!(Value::decode(bytes.as_slice()).is_err());

    let json = format!(
        "{}{{}}{}",
        r#"{"arrayValue": {"values": ["#.repeat(DEPTH),
        "]}}".repeat(DEPTH)
    );
    assert!(serde_json::from_str::<Value>(&json).is_err());
}

#[test]
fn a_document_is_plain_json_and_fills_a_user_type() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Address {
        city: String,
        lines: Vec<serde_json::Value>,
    }
    #[derive(serde::Deserialize, Debug)]
    struct User {
        name: String,
        age: u8,
        big: i64,
        score: f32,
        admin: bool,
        nothing: Option<String>,
        born: chrono::DateTime<chrono::Utc>,
        avatar: String,
        manager: String,
        home: Home,
        address: Address,
        missing: Option<u32>,
    }
    #[derive(serde::Deserialize, Debug)]
    struct Home {
        latitude: f64,
        longitude: f64,
    }
    let document = user_document();
    assert_eq!(document.id(), "ada");
    assert_eq!(
        document.to_json(),
        serde_json::json!({
            "name": "Ada ✓", "age": 36, "big": i64::MIN, "score": 5.5, "admin": true,
            "nothing": null, "born": "2020-04-23T14:23:53.241Z", "avatar": "AP8H",
            "manager": "projects/p/databases/(default)/documents/users/grace",
            "home": {"latitude": 51.4543, "longitude": -0.9781},
            "address": {"city": "Reading", "lines": ["1 Road", 2]},
        })
    );
    let user: User = document.deserialize().unwrap();
    assert_eq!(
        (user.name.as_str(), user.age, user.big),
        ("Ada ✓", 36, i64::MIN)
    );
    assert!(user.admin && user.nothing.is_none() && user.missing.is_none());
    assert_eq!(user.score, 5.5);
    assert_eq!(user.born.to_rfc3339(), "2020-04-23T14:23:53.241+00:00");
    assert_eq!(user.avatar, "AP8H");
    assert!(user.manager.ends_with("/users/grace"));
    assert_eq!(
        (user.home.latitude, user.home.longitude),
        (51.4543, -0.9781)
    );
    assert_eq!(user.address.city, "Reading");
    assert_eq!(
        user.address.lines,
        vec![serde_json::json!("1 Road"), serde_json::json!(2)]
    );
    // A field of the wrong type is an error, not a panic.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Wrong {
        name: u32,
    }
    assert!(document.deserialize::<Wrong>().is_err());
}

#[test]
fn datastore_entities_are_their_own_type() {
    use gcp_events_core::google_events::datastore::{
        Entity, EntityResult, IdType, Key, PathElement, Value as DsValue, ValueKind as DsKind,
    };
    let element = PathElement {
        kind: "Task".into(),
        id_type: Some(IdType::Id(5_629_499_534_213_120)),
    };
    let key = Key {
        path: vec![element],
        ..Key::default()
    };
    let owner = DsValue {
        exclude_from_indexes: true,
        ..DsValue::from(DsKind::KeyValue(key.clone()))
    };
    let entity = Entity {
        key: Some(key),
        properties: [
            ("done".into(), DsValue::from(DsKind::BooleanValue(false))),
            ("owner".into(), owner),
        ]
        .into(),
    };
    let data = EntityEventData {
        value: Some(EntityResult {
            entity: Some(entity),
            version: 7,
            ..EntityResult::default()
        }),
        ..EntityEventData::default()
    };

    let json = serde_json::to_value(&data).unwrap();
    let owner = &json["value"]["entity"]["properties"]["owner"];
    assert_eq!(owner["excludeFromIndexes"], true);
    assert_eq!(owner["keyValue"]["path"][0]["id"], "5629499534213120");
    assert_eq!(json["value"]["version"], "7");
    let back: EntityEventData = serde_json::from_value(json).unwrap();
    assert_eq!(back, data);
    assert_eq!(
        EntityEventData::decode(data.encode_to_vec().as_slice()).unwrap(),
        data
    );
    let entity = data.value.unwrap().entity.unwrap();
    assert_eq!(
        entity.to_json(),
        serde_json::json!({"done": false, "owner": {"path": [{"kind": "Task", "id": "5629499534213120"}]}})
    );
}

/// A typed handler narrowed by a document path pattern: it gets the decoded data and the
/// captures for `users/{id}`, and lets other documents pass to the next handlers.
#[tokio::test]
async fn a_data_handler_gets_the_decoded_data_and_the_path_captures() {
    use gcp_events_core::google_events::{data_handler, TypedEvent};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let users = data_handler(move |e: TypedEvent<DocumentEventData>| {
        let log = log.clone();
        async move {
            let name = e.data.value.as_ref().map(Document::id).unwrap_or_default();
            log.lock()
                .unwrap()
                .push((e.captures["id"].clone(), name.to_owned()));
            Ok(())
        }
    })
    .path("users/{id}");
    let everything = Recorder::new();
    let service = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .kind_prefix_handler("google.cloud.firestore.document.v1.", users)
        .handler(everything.clone())
        .build()
        .unwrap();
    let body = written().encode_to_vec();
    for document in ["users/ada", "teams/red", "users/ada/posts/1"] {
        let mut request = cloud_event(
            types::FIRESTORE_DOCUMENT_WRITTEN,
            "application/protobuf",
            body.clone(),
        );
        request
            .headers_mut()
            .insert("ce-document", document.parse().unwrap());
        assert_eq!(service.handle(request).await.status(), 201, "{document}");
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [("ada".to_owned(), "ada".to_owned())]
    );
    assert_eq!(
        everything.count(),
        3,
        "the other documents went on to the next handler"
    );

    // Undecodable data fails the event, or is acknowledged when the handler says so.
    let noop = |_: TypedEvent<DocumentEventData>| async { Ok(()) };
    for (discard, status) in [(false, 400), (true, 200)] {
        let handler = data_handler(noop);
        let handler = if discard {
            handler.discard_undecodable()
        } else {
            handler
        };
        let service = EventService::builder()
            .allow_unauthenticated()
            .cloud_events_path("/")
            .handler(handler)
            .build()
            .unwrap();
        let request = cloud_event(
            types::FIRESTORE_DOCUMENT_WRITTEN,
            "application/protobuf",
            vec![0xff],
        );
        assert_eq!(service.handle(request).await.status(), status);
    }
}

/// Structured mode: the data in `data_base64` with a protobuf `datacontenttype` decodes too.
#[tokio::test]
async fn structured_events_with_protobuf_data_decode() {
    use base64::Engine as _;
    let recorder = Recorder::new();
    let service = service(&recorder);
    let data = written();
    let event = serde_json::json!({
        "specversion": "1.0", "id": "3", "source": "//firestore.googleapis.com/projects/p/databases/(default)",
        "type": types::FIRESTORE_DOCUMENT_UPDATED, "datacontenttype": "application/protobuf",
        "data_base64": base64::engine::general_purpose::STANDARD.encode(data.encode_to_vec()),
    });
    let request = http::Request::post("/")
        .header("host", "receiver.example")
        .header("content-type", "application/cloudevents+json")
        .body(Full::new(Bytes::from(event.to_string())))
        .unwrap();
    assert_eq!(service.handle(request).await.status(), 201);
    assert_eq!(recorder.single().data::<DocumentEventData>().unwrap(), data);
}

/// Google's own samples decode into the Storage and Pub/Sub data types, duplicated
/// `messageId`/`message_id` members included (the lowerCamelCase one counts).
#[test]
fn googles_storage_and_pubsub_samples_decode() {
    use gcp_events_core::google_events::pubsub::MessagePublishedData;
    use gcp_events_core::google_events::storage::StorageObjectData;

    let simple: StorageObjectData =
        serde_json::from_str(include_str!("fixtures/StorageObjectData-simple.json")).unwrap();
    assert_eq!(simple.bucket, "some-bucket");
    assert!(simple.generation > 0 && simple.time_created.is_some());
    let workflows: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/StorageObjectDataWorkflows.json")).unwrap();
    let object: StorageObjectData = serde_json::from_value(workflows["data"].clone()).unwrap();
    assert_eq!(
        (object.component_count, object.generation),
        (1234, 96_883_251)
    );
    assert_eq!(
        object.customer_encryption.unwrap().encryption_algorithm,
        "AES256"
    );
    assert_eq!(
        object
            .time_deleted
            .unwrap()
            .to_datetime()
            .unwrap()
            .to_rfc3339(),
        "2021-11-25T21:04:32.279744+00:00"
    );

    for (sample, data) in [
        (include_str!("fixtures/MessagePublishedData.json"), None),
        (
            include_str!("fixtures/MessagePublishedData-duplicatedFields.json"),
            Some(&[1u8, 2, 3, 4][..]),
        ),
        (
            include_str!("fixtures/MessagePublishedData-complex.json"),
            None,
        ),
        (
            include_str!("fixtures/MessagePublishedData-text.json"),
            None,
        ),
    ] {
        // One sample is a whole structured CloudEvent: its data is the message.
        let mut json: serde_json::Value = serde_json::from_str(sample).unwrap();
        if json.get("specversion").is_some() {
            json = json["data"].take();
        }
        let published: MessagePublishedData = serde_json::from_value(json).unwrap();
        let message = published.message.expect("a message");
        assert!(!message.message_id.is_empty(), "{sample}");
        assert!(published.subscription.starts_with("projects/"), "{sample}");
        if let Some(data) = data {
            assert_eq!(message.data, data);
            assert_eq!(message.message_id, "message-id");
        }
    }
    let camel_first: MessagePublishedData = serde_json::from_str(
        r#"{"message": {"message_id": "snake", "messageId": "camel"}, "subscription": "s"}"#,
    )
    .unwrap();
    assert_eq!(camel_first.message.unwrap().message_id, "camel");
}

/// Typed handlers narrowed by topic and by bucket take only their own events.
#[tokio::test]
async fn data_handlers_narrowed_by_topic_and_bucket() {
    use gcp_events_core::google_events::pubsub::MessagePublishedData;
    use gcp_events_core::google_events::storage::StorageObjectData;
    use gcp_events_core::google_events::{data_handler, TypedEvent};
    use std::sync::{Arc, Mutex};

    let hits = Arc::new(Mutex::new(Vec::<String>::new()));
    let (orders, uploads) = (hits.clone(), hits.clone());
    let service = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .kind_handler(
            types::PUBSUB_MESSAGE_PUBLISHED,
            data_handler(move |e: TypedEvent<MessagePublishedData>| {
                let hits = orders.clone();
                async move {
                    let id = e.data.message.map(|m| m.message_id).unwrap_or_default();
                    hits.lock().unwrap().push(format!("order {id}"));
                    Ok(())
                }
            })
            .topic("orders"),
        )
        .kind_handler(
            types::STORAGE_OBJECT_FINALIZED,
            data_handler(move |e: TypedEvent<StorageObjectData>| {
                let hits = uploads.clone();
                async move {
                    hits.lock().unwrap().push(format!("upload {}", e.data.name));
                    Ok(())
                }
            })
            .bucket("uploads"),
        )
        .build()
        .unwrap();
    let post = |event_type: &str, source: &str, body: &str| {
        http::Request::post("/")
            .header("host", "receiver.example")
            .header("ce-id", "1")
            .header("ce-specversion", "1.0")
            .header("ce-source", source)
            .header("ce-type", event_type)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap()
    };
    let message = r#"{"message": {"messageId": "42", "data": ""}, "subscription": "projects/p/subscriptions/s"}"#;
    for topic in ["orders", "refunds"] {
        let source = format!("//pubsub.googleapis.com/projects/p/topics/{topic}");
        let request = post(types::PUBSUB_MESSAGE_PUBLISHED, &source, message);
        assert_eq!(service.handle(request).await.status(), 201);
    }
    for bucket in ["uploads", "backups"] {
        let source = format!("//storage.googleapis.com/projects/_/buckets/{bucket}");
        let body = format!(r#"{{"bucket": "{bucket}", "name": "a.txt"}}"#);
        let request = post(types::STORAGE_OBJECT_FINALIZED, &source, &body);
        assert_eq!(service.handle(request).await.status(), 201);
    }
    assert_eq!(*hits.lock().unwrap(), ["order 42", "upload a.txt"]);
}

/// Enums read by name or number (an unknown name reads as the default, as protobuf's parsers
/// do when ignoring unknown fields) and are written by name.
#[test]
fn enums_by_name_or_number() {
    use gcp_events_core::google_events::firebase::remoteconfig::{
        RemoteConfigEventData, RemoteConfigUpdateOrigin, RemoteConfigUpdateType,
    };
    let by_name: RemoteConfigEventData = serde_json::from_str(
        r#"{"versionNumber": "7", "updateOrigin": "CONSOLE", "updateType": 3}"#,
    )
    .unwrap();
    assert_eq!(by_name.version_number, 7);
    assert_eq!(
        by_name.update_origin,
        RemoteConfigUpdateOrigin::Console as i32
    );
    assert_eq!(by_name.update_type, RemoteConfigUpdateType::Rollback as i32);
    let json = serde_json::to_value(&by_name).unwrap();
    assert_eq!(json["updateOrigin"], "CONSOLE");
    assert_eq!(json["updateType"], "ROLLBACK");
    let future: RemoteConfigEventData =
        serde_json::from_str(r#"{"updateOrigin": "SOMETHING_NEW"}"#).unwrap();
    assert_eq!(future.update_origin, 0);
}

/// An audit-log event reads its record, and a status detail (`Any`) keeps its type from JSON
/// and its bytes from protobuf.
#[test]
fn audit_log_entries_read_their_record() {
    use gcp_events_core::google_events::audit::{Any, LogEntryData, LogSeverity};
    let text = r#"{
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "storage.googleapis.com", "methodName": "storage.buckets.create",
            "resourceName": "projects/_/buckets/b",
            "authenticationInfo": {"principalEmail": "ada@example.com",
                "serviceAccountDelegationInfo": [{"firstPartyPrincipal": {"principalEmail": "sa@p.iam"}}]},
            "authorizationInfo": [{"permission": "storage.buckets.create", "granted": true}],
            "requestMetadata": {"callerIp": "203.0.113.9", "requestAttributes": {"time": "2026-12-06T10:00:00Z"}},
            "request": {"name": "b", "labels": {"team": "data"}},
            "status": {"code": 7, "message": "denied", "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "POLICY"}]}
        },
        "severity": "NOTICE",
        "resource": {"type": "gcs_bucket", "labels": {"bucket_name": "b"}},
        "logName": "projects/p/logs/cloudaudit.googleapis.com%2Factivity"
    }"#;
    let entry: LogEntryData = serde_json::from_str(text).unwrap();
    assert_eq!(entry.severity, LogSeverity::Notice as i32);
    let record = entry.proto_payload.clone().unwrap();
    assert_eq!(record.method_name, "storage.buckets.create");
    let who = record.authentication_info.unwrap();
    assert_eq!(who.principal_email, "ada@example.com");
    assert_eq!(who.service_account_delegation_info.len(), 1);
    assert!(record.authorization_info[0].granted);
    assert_eq!(record.request.unwrap().to_json()["labels"]["team"], "data");
    let status = record.status.unwrap();
    assert_eq!((status.code, status.message.as_str()), (7, "denied"));
    assert_eq!(
        status.details[0].type_url,
        "type.googleapis.com/google.rpc.ErrorInfo"
    );
    // From protobuf an Any keeps its bytes, and they survive a trip through our JSON.
    let any = Any {
        type_url: "type.googleapis.com/x.Y".into(),
        value: vec![8, 1],
    };
    let back: Any = serde_json::from_value(serde_json::to_value(&any).unwrap()).unwrap();
    assert_eq!(back, any);
    assert_eq!(
        LogEntryData::decode(entry.encode_to_vec().as_slice()).unwrap(),
        entry
    );
}

/// Every catalog entry has its Rust type: `data_json` decodes an empty message of each (`{}`)
/// and names the entry's message, so the catalog never promises a type the library lacks.
#[test]
fn every_catalog_type_decodes_into_its_rust_type() {
    for entry in types::CATALOG {
        let attributes = gcp_events_core::cloudevents::from_structured(
            serde_json::json!({"specversion": "1.0", "id": "1", "source": "s",
                               "type": entry.event_type})
            .to_string()
            .as_bytes(),
        )
        .unwrap()
        .0;
        let event = gcp_events_core::Event::builder("k", "r")
            .payload(gcp_events_core::Payload::from_bytes(
                &b"{}"[..],
                Some("application/json"),
            ))
            .context(gcp_events_core::EventContext::default().with_cloud_event(attributes))
            .build();
        let (message, json) = event
            .data_json()
            .unwrap_or_else(|e| panic!("{}: {e}", entry.event_type));
        assert_eq!(message, entry.message);
        assert!(json.is_object(), "{}", entry.event_type);
    }
    assert_eq!(types::CATALOG.len(), 34);
}

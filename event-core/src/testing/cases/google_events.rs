//! Google's event data over real HTTP: a Firestore event in protobuf at the CloudEvents path
//! reaches a typed handler; data that does not decode as its type is not acknowledged.

use std::future::Future;
use std::net::SocketAddr;

use prost::Message as _;
use serde_json::json;

use super::serve;
use crate::cloudevents::types;
use crate::google_events::firestore::{Document, DocumentEventData, Value, ValueKind};
use crate::testing::client::{raw_request, send};
use crate::testing::Recorder;
use crate::{handler_fn, EventService};

fn firestore_headers(content_type: &'static str) -> [(&'static str, &'static str); 7] {
    [
        ("ce-id", "7"),
        ("ce-specversion", "1.0"),
        (
            "ce-source",
            "//firestore.googleapis.com/projects/p/databases/(default)",
        ),
        ("ce-type", types::FIRESTORE_DOCUMENT_WRITTEN),
        ("ce-subject", "documents/users/ada"),
        ("ce-document", "users/ada"),
        ("content-type", content_type),
    ]
}

/// C6: the data's type comes from `ce-type`, its decoder from the content type, whatever
/// the framework did with the (binary, non-JSON) body on the way.
pub async fn c6_typed_firestore_data_reaches_the_handler<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let seen = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .kind_handler(
            types::FIRESTORE_DOCUMENT_WRITTEN,
            handler_fn(|event| async move {
                let _: DocumentEventData = event.data()?;
                Ok(())
            }),
        )
        .kind_handler(types::FIRESTORE_DOCUMENT_WRITTEN, seen.clone());
    let addr = serve(&start, builder).await;

    let document = Document {
        name: "projects/p/databases/(default)/documents/users/ada".into(),
        fields: [("age".into(), Value::from(ValueKind::IntegerValue(36)))].into(),
        ..Document::default()
    };
    let data = DocumentEventData {
        value: Some(document),
        ..DocumentEventData::default()
    };
    // Every byte value, CR/LF and NUL included, survives the trip as protobuf.
    let mut body = data.encode_to_vec();
    assert!(!body.is_empty());
    let headers = firestore_headers("application/protobuf");
    send(addr, &raw_request("POST", "/", &headers, &body))
        .await
        .assert_json(201, json!({}));
    let event = seen.single();
    let got: DocumentEventData = event.data().expect("decodes as its type");
    assert_eq!(got, data);
    let user: serde_json::Value = got.value.expect("a document").to_json();
    assert_eq!(user, json!({"age": 36}));

    // Truncated protobuf: the handler fails, nothing is acknowledged.
    body.truncate(body.len() - 1);
    let response = send(addr, &raw_request("POST", "/", &headers, &body)).await;
    assert_eq!(response.status, 400, "{response:?}");
    let json_headers = firestore_headers("application/json");
    send(addr, &raw_request("POST", "/", &json_headers, br#"{"value": 5}"#))
        .await
        .assert_json(
            400,
            json!({"error": "Unable to handle event of kind google.cloud.firestore.document.v1.written with reference documents/users/ada"}),
        );
    assert_eq!(seen.count(), 1);
}

//! C1–C5: every delivery format Google uses, and one event model for all of them.

use std::future::Future;
use std::net::SocketAddr;

use serde_json::json;

use super::{path, recording, serve};
use crate::cloudevents::StorageObjectData;
use crate::pubsub::{AttributeHeaders, DecodedMessage, PushEnvelope};
use crate::testing::client::{raw_request, send, HttpResponse};
use crate::testing::Recorder;
use crate::{DeliveryFormat, EventService};

const DUPLICATED_FIELDS: &str =
    include_str!("../../../tests/fixtures/MessagePublishedData-duplicatedFields.json");
const STRUCTURED_PUBSUB: &str = include_str!("../../../tests/fixtures/MessagePublishedData.json");
const STORAGE_SIMPLE: &str = include_str!("../../../tests/fixtures/StorageObjectData-simple.json");
const STORAGE_WORKFLOWS: &str =
    include_str!("../../../tests/fixtures/StorageObjectDataWorkflows.json");

const PUBLISHED: &str = "google.cloud.pubsub.topic.v1.messagePublished";
const FINALIZED: &str = "google.cloud.storage.object.v1.finalized";

/// POSTs `body` with `headers` to the event route `k`/`r`.
async fn post_k_r(addr: SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
    send(addr, &raw_request("POST", &path("k", "r"), headers, body)).await
}

/// The headers Eventarc sends for a Pub/Sub message (research §4.2–4.3).
fn eventarc_pubsub_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("ce-id", "2070443601311540"),
        (
            "ce-source",
            "//pubsub.googleapis.com/projects/my-project/topics/my-topic",
        ),
        ("ce-specversion", "1.0"),
        ("ce-type", PUBLISHED),
        ("ce-time", "2020-12-20T13:37:33.647Z"),
        ("Content-Type", "application/json; charset=utf-8"),
    ]
}

/// C1, C3: a binary-mode Eventarc Pub/Sub event: attributes from headers, the data decoded by
/// the same Pub/Sub decoder, the topic from `ce-source`.
pub async fn c1_binary_pubsub_cloud_event_is_decoded<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let headers = eventarc_pubsub_headers();
    post_k_r(addr, &headers, DUPLICATED_FIELDS.as_bytes())
        .await
        .assert_json(201, json!({}));
    let event = rec.single();
    assert_eq!((event.kind(), event.reference()), ("k", "r"));
    assert_eq!(event.context().format, DeliveryFormat::CloudEventBinary);
    let ce = event.context().cloud_event.clone().expect("attributes");
    assert_eq!(ce.id, "2070443601311540");
    assert_eq!(ce.event_type, PUBLISHED);
    assert_eq!(ce.specversion, "1.0");
    assert_eq!(
        ce.time
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        Some("2020-12-20T13:37:33.647Z".to_owned())
    );
    assert_eq!(
        ce.datacontenttype.as_deref(),
        Some("application/json; charset=utf-8")
    );
    let message = event.pubsub().expect("decoded");
    assert_eq!(
        message.topic.as_deref(),
        Some("projects/my-project/topics/my-topic")
    );
    assert_eq!(message.data.as_ref(), [1, 2, 3, 4]);
    assert_eq!(message.message_id.as_deref(), Some("message-id"));
    assert_eq!(
        message.subscription,
        "projects/my-project/subscriptions/my-subscription"
    );
}

/// C1: header values are unquoted (RFC 7230), then percent-decoded exactly once; unknown
/// `ce-*` headers are kept as extensions; header names in any case.
pub async fn c1_binary_header_values_are_unquoted_and_decoded_once<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let headers = [
        // An audit-log id holds a %2F; %252F must come out as %2F, not '/'.
        (
            "Ce-Id",
            "projects/p/logs/cloudaudit.googleapis.com%2Factivity%252Fx",
        ),
        (
            "CE-SOURCE",
            "//cloudaudit.googleapis.com/projects/p/logs/data_access",
        ),
        ("ce-specversion", "\"1.0\""),
        ("ce-type", "google.cloud.audit.log.v1.written"),
        ("ce-subject", "\"objects/a%20b%C3%BC\""),
        ("ce-servicename", "bigquery.googleapis.com"),
        ("ce-dataschema", "https://example.com/schema%3Fv=1"),
        ("content-type", "application/json"),
    ];
    send(
        addr,
        &raw_request(
            "POST",
            &path("audit", "1"),
            &headers,
            br#"{"protoPayload":{}}"#,
        ),
    )
    .await
    .assert_json(201, json!({}));
    let event = rec.single();
    let ce = event.context().cloud_event.clone().expect("attributes");
    assert_eq!(
        ce.id,
        "projects/p/logs/cloudaudit.googleapis.com/activity%2Fx"
    );
    assert_eq!(ce.subject.as_deref(), Some("objects/a bü"));
    assert_eq!(
        ce.dataschema.as_deref(),
        Some("https://example.com/schema?v=1")
    );
    assert_eq!(
        ce.extensions.get("servicename").map(String::as_str),
        Some("bigquery.googleapis.com")
    );
    assert_eq!(event.payload().value()["protoPayload"], json!({}));
    assert!(
        event.pubsub().is_err(),
        "an audit-log event holds no Pub/Sub message"
    );
}

/// C1: broken binary-mode attributes are a 400 naming the problem; nothing dispatched.
pub async fn c1_invalid_binary_cloud_events_are_400<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let full = eventarc_pubsub_headers();
    let without = |name: &str| -> Vec<(&str, &str)> {
        full.iter().copied().filter(|(n, _)| *n != name).collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut h: Vec<(&str, &str)> = full.iter().copied().filter(|(n, _)| *n != name).collect();
        h.push((name, value));
        h
    };
    let mut conflicting = full.clone();
    conflicting.push(("ce-datacontenttype", "application/json"));
    let cases = [
        without("ce-id"),
        without("ce-source"),
        without("ce-type"),
        without("ce-specversion"),
        with("ce-specversion", "0.3"),
        with("ce-time", "yesterday"),
        with("ce-subject", "objects/%C0%AF"),
        with("ce-subject", "objects/%FF"),
        with("ce-subject", "objects/%G1"),
        conflicting,
    ];
    for headers in &cases {
        let response = post_k_r(addr, headers, DUPLICATED_FIELDS.as_bytes()).await;
        assert_eq!(response.status, 400, "{headers:?}: {response:?}");
        let error = response.json()["error"].as_str().unwrap_or("").to_owned();
        assert!(error.starts_with("Invalid CloudEvent: "), "{error}");
        // Values never appear in the answer, only attribute names.
        assert!(
            !error.contains("%C0") && !error.contains("yesterday"),
            "{error}"
        );
    }
    // JSON data that is not JSON.
    let response = post_k_r(addr, &full, b"{not json").await;
    response.assert_json(400, json!({"error": "Request body is not valid JSON"}));
    assert_eq!(rec.count(), 0);
}

/// C2: a structured-mode event (mixed-case content type): attributes and data from the body.
pub async fn c2_structured_cloud_event_is_decoded<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let headers = [(
        "Content-Type",
        "Application/CloudEvents+JSON; charset=UTF-8",
    )];
    post_k_r(addr, &headers, STRUCTURED_PUBSUB.as_bytes())
        .await
        .assert_json(201, json!({}));
    let event = rec.single();
    assert_eq!(event.context().format, DeliveryFormat::CloudEventStructured);
    let ce = event.context().cloud_event.clone().expect("attributes");
    assert_eq!(ce.event_type, PUBLISHED);
    let message = event.pubsub().expect("decoded");
    assert!(message.topic.is_some());
    assert!(message.message_id.is_some());
}

/// C2: `data` and `data_base64` together are a 400; `data_base64` alone is binary data.
pub async fn c2_data_and_data_base64<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let headers = [("content-type", "application/cloudevents+json")];
    let base = json!({"specversion": "1.0", "id": "1", "source": "//x", "type": "t"});
    let mut both = base.clone();
    both["data"] = json!({"a": 1});
    both["data_base64"] = json!("AQID");
    let response = send(
        addr,
        &raw_request(
            "POST",
            &path("k", "r"),
            &headers,
            both.to_string().as_bytes(),
        ),
    )
    .await;
    assert_eq!(response.status, 400);
    assert_eq!(rec.count(), 0);

    let mut binary = base.clone();
    binary["data_base64"] = json!("AQID/w==");
    binary["datacontenttype"] = json!("application/octet-stream");
    send(
        addr,
        &raw_request(
            "POST",
            &path("k", "r"),
            &headers,
            binary.to_string().as_bytes(),
        ),
    )
    .await
    .assert_json(201, json!({}));
    let event = rec.single();
    assert!(!event.payload().is_json());
    assert_eq!(event.payload().bytes().as_ref(), [1, 2, 3, 255]);
    assert_eq!(
        event.payload().content_type(),
        Some("application/octet-stream")
    );
}

/// C2: a batch is refused whole with 415, never half-processed.
pub async fn c2_batch_is_415<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = recording(&start).await;
    let batch = format!("[{STRUCTURED_PUBSUB}]");
    let headers = [("Content-Type", "application/cloudevents-batch+json")];
    post_k_r(addr, &headers, batch.as_bytes())
        .await
        .assert_json(
            415,
            json!({"error": "Batched CloudEvents are not supported; send one event per request"}),
        );
    assert_eq!(rec.count(), 0);
}

/// C1, C2, E5, E9: the route and the limits are checked before the body's format, so a batch
/// or broken `ce-*` headers sent to a kind nobody handles is a 404, and one over the body limit
/// a 413; only a wanted, in-limit request has its format judged (415, 400). Nothing is
/// dispatched in any case.
pub async fn c2_route_and_limits_come_before_the_format<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .body_limit(64)
        .kind_handler("k", rec.clone());
    let addr = serve(&start, builder).await;
    let batch = ("Content-Type", "application/cloudevents-batch+json");
    let broken = ("ce-id", "only-an-id");
    let small = b"[]";
    let large = [b' '; 65];
    for header in [batch, broken] {
        let to = |kind: &str, body: &[u8]| raw_request("POST", &path(kind, "r"), &[header], body);
        send(addr, &to("other", small))
            .await
            .assert_json(404, json!({"error": "No handler for events of kind other"}));
        send(addr, &to("k", &large))
            .await
            .assert_json(413, json!({"error": "Request body too large"}));
        let judged = send(addr, &to("k", small)).await;
        let expected = if header == batch { 415 } else { 400 };
        assert_eq!(judged.status, expected, "{header:?}: {judged:?}");
    }
    // At the CloudEvents path too: the limit before "is this a CloudEvent at all?".
    let builder = EventService::builder()
        .allow_unauthenticated()
        .body_limit(64)
        .cloud_events_path("/")
        .handler(rec.clone());
    let addr = serve(&start, builder).await;
    let plain = ("Content-Type", "application/json");
    send(addr, &raw_request("POST", "/", &[plain], &large))
        .await
        .assert_json(413, json!({"error": "Request body too large"}));
    send(addr, &raw_request("POST", "/", &[plain], small))
        .await
        .assert_json(400, json!({"error": "Expected a CloudEvent"}));
    assert_eq!(rec.count(), 0);
}

async fn at_cloud_events_path<S, F>(start: &S) -> (SocketAddr, Recorder)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .cloud_events_path("/")
        .kind_handler(FINALIZED, rec.named("storage"))
        .kind_prefix_handler("google.cloud.pubsub.", rec.named("pubsub"));
    (serve(start, builder).await, rec)
}

/// C3, C5: at the CloudEvents path (`/`, where Eventarc posts), the kind is the CloudEvent type and the reference its
/// subject (else its id); Storage data reads int64 fields as strings or numbers.
pub async fn c3_eventarc_mount_names_events_by_type_and_subject<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = at_cloud_events_path(&start).await;
    let headers = [
        ("ce-id", "1234"),
        (
            "ce-source",
            "//storage.googleapis.com/projects/_/buckets/some-bucket",
        ),
        ("ce-specversion", "1.0"),
        ("ce-type", FINALIZED),
        ("ce-subject", "objects/folder/Test.cs"),
        ("ce-time", "2020-04-23T07:38:57.230Z"),
        ("content-type", "application/json"),
    ];
    send(
        addr,
        &raw_request("POST", "/", &headers, STORAGE_SIMPLE.as_bytes()),
    )
    .await
    .assert_json(201, json!({}));
    // Structured Storage event (Workflows sample: numbers, not strings).
    send(
        addr,
        &raw_request(
            "POST",
            "/",
            &[("content-type", "application/cloudevents+json")],
            STORAGE_WORKFLOWS.as_bytes(),
        ),
    )
    .await
    .assert_json(201, json!({}));
    // A Pub/Sub event with no subject is named by its id.
    send(
        addr,
        &raw_request(
            "POST",
            "/",
            &eventarc_pubsub_headers(),
            DUPLICATED_FIELDS.as_bytes(),
        ),
    )
    .await
    .assert_json(201, json!({}));

    let events = rec.events();
    assert_eq!(rec.names(), ["storage", "storage", "pubsub"]);
    let binary = &events[0];
    assert_eq!(binary.kind(), FINALIZED);
    assert_eq!(binary.reference(), "objects/folder/Test.cs");
    let ce = binary.context().cloud_event.clone().expect("attributes");
    assert_eq!(ce.storage_bucket(), Some("some-bucket"));
    assert_eq!(ce.storage_object(), Some("folder/Test.cs"));
    let data: StorageObjectData = binary.payload().deserialize().expect("storage data");
    assert_eq!(data.generation, Some(1_587_627_537_231_057));
    let structured: StorageObjectData = events[1].payload().deserialize().expect("storage data");
    assert!(structured.size.is_some() && structured.generation.is_some());
    assert_eq!(events[2].kind(), PUBLISHED);
    assert_eq!(events[2].reference(), "2070443601311540");

    // The CloudEvents path takes CloudEvents only; a type nobody handles is 404.
    send(addr, &raw_request("POST", "/", &[], b"{}"))
        .await
        .assert_json(400, json!({"error": "Expected a CloudEvent"}));
    let mut other = eventarc_pubsub_headers();
    other.retain(|(n, _)| *n != "ce-type");
    other.push(("ce-type", "com.example.unknown"));
    send(addr, &raw_request("POST", "/", &other, b"{}"))
        .await
        .assert_json(
            404,
            json!({"error": "No handler for events of kind com.example.unknown"}),
        );
    send(addr, &raw_request("PUT", "/", &[], b""))
        .await
        .assert_json(405, json!({"error": "Method not allowed"}));
    assert_eq!(rec.count(), 3);
}

/// The headers of an unwrapped push with write-metadata (research §2).
fn unwrapped_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "x-goog-pubsub-subscription-name",
            "projects/p/subscriptions/s",
        ),
        ("x-goog-pubsub-message-id", "2070443601311540"),
        ("x-goog-pubsub-publish-time", "2021-02-26T19:13:55.749Z"),
        ("x-goog-pubsub-ordering-key", "customer-7"),
        ("User-Agent", "CloudPubSub-Google"),
        // Attributes, each its own header; names arrive lower-cased.
        ("Origin", "web"),
        ("content-type", "application/json"),
        // Not attributes: a credential a client or proxy added.
        ("Cookie", "session=secret"),
    ]
}

/// A recording service that reads the attributes this test suite publishes from headers.
async fn unwrapped_service<S, F>(start: &S, attributes: AttributeHeaders) -> (SocketAddr, Recorder)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let builder = EventService::builder()
        .allow_unauthenticated()
        .unwrapped_attribute_headers(attributes)
        .handler(rec.clone());
    (serve(start, builder).await, rec)
}

/// C4: an unwrapped push with metadata is recognised by its headers; the handler gets the same
/// decoded message shape as a wrapped push.
pub async fn c4_unwrapped_push_with_metadata<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) =
        unwrapped_service(&start, AttributeHeaders::only(["origin", "Content-Type"])).await;
    post_k_r(addr, &unwrapped_headers(), br#"{"order":42}"#)
        .await
        .assert_json(201, json!({}));
    let event = rec.single();
    assert_eq!(event.context().format, DeliveryFormat::UnwrappedPush);
    assert_eq!(event.payload().value(), &json!({"order": 42}));
    let message = event.pubsub().expect("decoded");
    assert_eq!(message.data.as_ref(), br#"{"order":42}"#);
    assert_eq!(message.message_id.as_deref(), Some("2070443601311540"));
    assert_eq!(message.subscription, "projects/p/subscriptions/s");
    assert_eq!(message.ordering_key.as_deref(), Some("customer-7"));
    assert_eq!(
        message.attributes,
        [("content-type", "application/json"), ("origin", "web")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    );

    // A bad publish time is a 400, nothing dispatched.
    let mut bad = unwrapped_headers();
    bad.retain(|(n, _)| *n != "x-goog-pubsub-publish-time");
    bad.push(("x-goog-pubsub-publish-time", "yesterday"));
    post_k_r(addr, &bad, b"x")
        .await
        .assert_json(400, json!({"error": "Invalid Pub/Sub push metadata"}));
    assert_eq!(rec.count(), 1);

    // Every header but transport and credentials, when asked: the cookie still stays out.
    let (addr, rec) = unwrapped_service(&start, AttributeHeaders::AllExceptTransport).await;
    post_k_r(addr, &unwrapped_headers(), b"x")
        .await
        .assert_json(201, json!({}));
    let attributes = rec.single().pubsub().expect("decoded").attributes.clone();
    assert_eq!(
        attributes.keys().collect::<Vec<_>>(),
        ["content-type", "origin"]
    );
    // And by default no header is an attribute at all.
    let (addr, rec) = unwrapped_service(&start, AttributeHeaders::None).await;
    post_k_r(addr, &unwrapped_headers(), b"x")
        .await
        .assert_json(201, json!({}));
    assert!(rec
        .single()
        .pubsub()
        .expect("decoded")
        .attributes
        .is_empty());
}

/// C4: a subscription without write-metadata sends only bytes; a service configured for
/// unwrapped push takes them as the message data, binary or empty.
pub async fn c4_unwrapped_push_without_metadata_by_configuration<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let rec = Recorder::new();
    let addr = serve(
        &start,
        EventService::builder()
            .allow_unauthenticated()
            .unwrapped_push(true)
            .handler(rec.clone()),
    )
    .await;
    for body in [&[0u8, 159, 146, 150, 255][..], b"", b"plain text"] {
        post_k_r(addr, &[], body).await.assert_json(201, json!({}));
    }
    let events = rec.events();
    assert_eq!(
        events[0].payload().bytes().as_ref(),
        [0, 159, 146, 150, 255]
    );
    assert!(!events[0].payload().is_json());
    assert_eq!(
        events[0].pubsub().expect("decoded").data.as_ref(),
        [0, 159, 146, 150, 255]
    );
    assert!(events[1].pubsub().expect("decoded").data.is_empty());
    assert_eq!(events[2].payload().text(), Some("plain text"));
    assert_eq!(events[2].pubsub().expect("decoded").message_id, None);
}

/// C5: the same logical message sent wrapped, unwrapped and through Eventarc gives the handler
/// the same decoded message (Eventarc adds the topic, which only it knows).
pub async fn c5_same_message_in_every_format_decodes_the_same<S, F>(start: S)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let (addr, rec) = unwrapped_service(&start, AttributeHeaders::only(["origin"])).await;
    let data = br#"{"order":42,"status":"paid"}"#;
    let publish_time = "2021-02-26T19:13:55.749Z";
    let envelope = PushEnvelope::builder("projects/p/subscriptions/s")
        .bytes(&data[..])
        .attribute("origin", "web")
        .message_id("2070443601311540")
        .ordering_key("customer-7")
        .publish_time(
            publish_time
                .parse::<chrono::DateTime<chrono::Utc>>()
                .expect("time"),
        )
        .build();
    // Wrapped.
    post_k_r(addr, &[], &envelope.to_bytes())
        .await
        .assert_json(201, json!({}));
    // Unwrapped with metadata.
    let unwrapped = [
        (
            "x-goog-pubsub-subscription-name",
            "projects/p/subscriptions/s",
        ),
        ("x-goog-pubsub-message-id", "2070443601311540"),
        ("x-goog-pubsub-publish-time", publish_time),
        ("x-goog-pubsub-ordering-key", "customer-7"),
        ("origin", "web"),
    ];
    post_k_r(addr, &unwrapped, data)
        .await
        .assert_json(201, json!({}));
    // Eventarc binary mode: the envelope is the CloudEvent data.
    post_k_r(addr, &eventarc_pubsub_headers(), &envelope.to_bytes())
        .await
        .assert_json(201, json!({}));

    let messages: Vec<DecodedMessage> = rec
        .events()
        .iter()
        .map(|e| e.pubsub().expect("decoded").clone())
        .collect();
    let formats: Vec<DeliveryFormat> = rec.events().iter().map(|e| e.context().format).collect();
    assert_eq!(
        formats,
        [
            DeliveryFormat::JsonBody,
            DeliveryFormat::UnwrappedPush,
            DeliveryFormat::CloudEventBinary
        ]
    );
    assert_eq!(messages[0], messages[1]);
    let mut eventarc = messages[2].clone();
    assert_eq!(
        eventarc.topic.as_deref(),
        Some("projects/my-project/topics/my-topic")
    );
    eventarc.topic = None;
    assert_eq!(messages[0], eventarc);
    assert_eq!(messages[0].data.as_ref(), data);
}

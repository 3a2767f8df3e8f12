//! The Pub/Sub codec and event URLs on their own, with no web framework:
//! `cargo run -p gcp-events-examples --bin codec`.
//!
//! Prints one JSON object per line, each labelled with its `"step"`:
//!
//! 1. `envelope`: the push envelope Pub/Sub would POST (`body`, with `message.data` in base64);
//! 2. `decoded`: that body decoded again, field by field (`data` is the JSON that was encoded);
//! 3. `decode_error`: what decoding a body without `subscription` reports;
//! 4. `event_url`: the URL to give a push subscription for kind `order-paid`, reference
//!    `order/42` and parameter `tenant=acme`.

use chrono::SecondsFormat;
use gcp_events_core::event_url::event_url;
use gcp_events_core::pubsub::{DecodedMessage, PushEnvelope};
use serde::Serialize;
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Make the body of a push, e.g. to test an endpoint.
    let envelope = PushEnvelope::builder("projects/my-project/subscriptions/my-sub")
        .json(&json!({"order": 42, "status": "paid"}))?
        .attribute("origin", "codec-example")
        .message_id("2070443601311540")
        .publish_time(chrono::DateTime::parse_from_rfc3339(
            "2021-02-26T20:13:55.749+01:00",
        )?)
        .build();
    let body = envelope.to_bytes();
    print_step("envelope", json!({"body": envelope.to_value()}));

    // 2. Decode it, as the endpoint does with every request body.
    let message = DecodedMessage::from_slice(&body)?;
    let data: serde_json::Value = message.data_as()?; // or any `Deserialize` type of yours
                                                      // In UTC, whatever offset it was published with.
    let publish_time = message
        .publish_time
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    print_step(
        "decoded",
        json!({
            "subscription": message.subscription,
            "project": message.project(),
            "subscription_id": message.subscription_id(),
            "message_id": message.message_id,
            "publish_time": publish_time,
            "attributes": message.attributes,
            "data": data,
        }),
    );

    // 3. A body that breaks a decoding rule gives an error that says what is wrong.
    let error = match DecodedMessage::from_slice(br#"{"message": {}}"#) {
        Ok(_) => return Err("a body without `subscription` decoded".into()),
        Err(e) => e,
    };
    print_step("decode_error", json!({"error": error.to_string()}));

    // 4. The URL to configure as the push endpoint (without `.base_url(..)`, `BASE_URL` is read
    //    from the environment). Kind and reference are one path segment each, percent-encoded.
    let url = event_url("order-paid", "order/42")
        .parameter("tenant", "acme")
        .base_url("https://my-service.run.app")
        .build()?;
    print_step("event_url", json!({"url": url}));
    Ok(())
}

/// Prints `{"step": step, ..fields}` as one line.
fn print_step(step: &str, fields: serde_json::Value) {
    #[derive(Serialize)]
    struct Step<'a> {
        step: &'a str,
        #[serde(flatten)]
        fields: serde_json::Value,
    }
    match serde_json::to_string(&Step { step, fields }) {
        Ok(line) => println!("{line}"),
        Err(e) => eprintln!("cannot print step {step}: {e}"),
    }
}

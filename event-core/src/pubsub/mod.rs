//! Pub/Sub push codec, usable with no web framework (SPEC P1–P4).
//!
//! Google Cloud Pub/Sub push subscriptions POST each message as a JSON "envelope":
//! `{"message": {"data": <base64>, "attributes": {...}, "messageId": ..., "publishTime": ...,
//! "orderingKey": ...}, "subscription": "projects/P/subscriptions/S", "deliveryAttempt": n}`.
//!
//! - [`decode_push`] / [`DecodedMessage::from_slice`] decode a request body, and
//!   [`decode_push_value`] / [`DecodedMessage::from_value`] an already parsed one, into a
//!   [`DecodedMessage`]; its data can be viewed as JSON, text or bytes ([`DecodedMessage::data`])
//!   or deserialized into your own type ([`DecodedMessage::data_as`]).
//! - [`PushEnvelope::builder`] makes envelopes, e.g. to test a push endpoint.
//!
//! ```
//! use gcp_events_core::pubsub::{decode_push, MessageData, PushEnvelope};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let body = PushEnvelope::builder("projects/my-project/subscriptions/my-sub")
//!         .json(&serde_json::json!({"order": 42}))?
//!         .attribute("kind", "order-created")
//!         .message_id("1")
//!         .build()
//!         .to_bytes();
//!
//!     let message = decode_push(&body)?;
//!     assert_eq!(message.data(), MessageData::Json(serde_json::json!({"order": 42})));
//!     assert_eq!(message.attributes["kind"], "order-created");
//!     assert_eq!(message.subscription_id(), Some("my-sub"));
//!     Ok(())
//! }
//! ```

mod decode;
mod envelope;
mod error;
mod message;
mod stream;
mod unwrapped;
mod wire;

pub use envelope::{PushEnvelope, PushEnvelopeBuilder, PushMessage};
pub use error::{DecodeError, MakeError};
pub use message::{DecodedMessage, MessageData};
pub use unwrapped::{
    decode_unwrapped, is_transport_header, is_unwrapped_push, AttributeHeaders, MESSAGE_ID_HEADER,
    ORDERING_KEY_HEADER, PUBLISH_TIME_HEADER, SUBSCRIPTION_HEADER, TRANSPORT_HEADERS,
    TRANSPORT_HEADER_PREFIXES,
};

/// Decodes a push request body; the same as [`DecodedMessage::from_slice`].
///
/// # Errors
/// A [`DecodeError`] when the body is not JSON, not an object, or breaks a
/// [decoding rule](DecodedMessage#decoding-rules).
pub fn decode_push(body: &[u8]) -> Result<DecodedMessage, DecodeError> {
    DecodedMessage::from_slice(body)
}

/// Decodes an already parsed push body; the same as [`DecodedMessage::from_value`].
///
/// Useful for envelopes nested in other JSON, such as the `data` of a structured
/// `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent.
///
/// # Errors
/// A [`DecodeError`] when the body is not an object or breaks a
/// [decoding rule](DecodedMessage#decoding-rules).
pub fn decode_push_value(body: &serde_json::Value) -> Result<DecodedMessage, DecodeError> {
    DecodedMessage::from_value(body)
}

//! Pub/Sub push codec, usable with no web framework.
//!
//! Google Cloud Pub/Sub push subscriptions POST each message as a JSON "envelope":
//! `{"message": {"data": <base64>, "attributes": {...}, "messageId": ..., "publishTime": ...,
//! "orderingKey": ...}, "subscription": "projects/P/subscriptions/S", "deliveryAttempt": n}`.
//!
//! - [`DecodedMessage::from_slice`] decodes a request body, and [`DecodedMessage::from_value`]
//!   an already parsed one (e.g. the `data` of a structured `messagePublished` CloudEvent), into
//!   a [`DecodedMessage`]; its data can be viewed as JSON, text or bytes ([`DecodedMessage::data`])
//!   or deserialized into your own type ([`DecodedMessage::data_as`]).
//! - [`PushEnvelope::builder`] makes envelopes, e.g. to test a push endpoint.
//!
//! ```
//! use gcp_events_core::pubsub::{DecodedMessage, MessageData, PushEnvelope};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let body = PushEnvelope::builder("projects/my-project/subscriptions/my-sub")
//!         .json(&serde_json::json!({"order": 42}))?
//!         .attribute("kind", "order-created")
//!         .message_id("1")
//!         .build()
//!         .to_bytes();
//!
//!     let message = DecodedMessage::from_slice(&body)?;
//!     assert_eq!(message.data(), MessageData::Json(serde_json::json!({"order": 42})));
//!     assert_eq!(message.attributes["kind"], "order-created");
//!     assert_eq!(message.subscription_id(), Some("my-sub"));
//!     Ok(())
//! }
//! ```

pub(crate) mod decode;
mod envelope;
mod error;
mod gather;
mod message;
mod schema;
#[cfg(any(test, feature = "test-util"))]
pub(crate) mod stream;
mod unwrapped;
mod wire;

pub use envelope::{PushEnvelope, PushEnvelopeBuilder};
pub use error::{DecodeError, MakeError};
pub use message::{DecodedMessage, MessageData};
pub use schema::{MessageSchema, SchemaEncoding, SchemaName};
pub(crate) use unwrapped::is_unwrapped_push;
pub use unwrapped::{decode_unwrapped, AttributeHeaders};

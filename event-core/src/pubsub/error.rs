//! Errors of the Pub/Sub codec.

/// Why a Pub/Sub push body could not be decoded.
///
/// The [`Display`](std::fmt::Display) text of every variant starts with
/// `Failed to decode Pub/Sub message` and says what is wrong, so it can be logged as is.
/// Field paths are written as in the body, e.g. `` `message.publishTime` ``.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The body is not valid JSON.
    #[error("Failed to decode Pub/Sub message: the body is not valid JSON ({reason})")]
    InvalidJson {
        /// The JSON parser's description of the problem, with its position.
        reason: String,
    },

    /// The body is valid JSON but not an object.
    #[error("Failed to decode Pub/Sub message: the body must be a JSON object, found {found}")]
    NotAnObject {
        /// The JSON type found instead, e.g. `"an array"`.
        found: &'static str,
    },

    /// The body has no `message` member.
    #[error("Failed to decode Pub/Sub message: the body has no `message` member")]
    MissingMessage,

    /// The body has no `subscription` member.
    #[error("Failed to decode Pub/Sub message: the body has no `subscription` member")]
    MissingSubscription,

    /// A member has the wrong JSON type, e.g. `message` is not an object or
    /// `message.messageId` is not a string.
    #[error("Failed to decode Pub/Sub message: `{field}` must be {expected}, found {found}")]
    WrongType {
        /// Path of the member, e.g. `"message.messageId"`.
        field: &'static str,
        /// The JSON type it must have, e.g. `"a string"`.
        expected: &'static str,
        /// The JSON type found, e.g. `"a number"`.
        found: &'static str,
    },

    /// `message.data` is not standard base64.
    #[error("Failed to decode Pub/Sub message: `message.data` is not valid base64 ({reason})")]
    InvalidBase64 {
        /// The base64 decoder's description of the problem.
        reason: String,
    },

    /// An attribute value is not a string.
    #[error(
        "Failed to decode Pub/Sub message: attribute {key:?} must have a string value, found {found}"
    )]
    AttributeNotString {
        /// The attribute's name.
        key: String,
        /// The JSON type found, e.g. `"a number"`.
        found: &'static str,
    },

    /// The publish time is not an RFC 3339 timestamp with at most nine fractional digits.
    #[error("Failed to decode Pub/Sub message: `{field}` is not a valid timestamp: {value:?} ({reason})")]
    InvalidPublishTime {
        /// `"message.publishTime"` or `"message.publish_time"`, whichever was read.
        field: &'static str,
        /// The text found.
        value: String,
        /// What is wrong with it.
        reason: String,
    },

    /// `deliveryAttempt` is a number but not an integer from 0 to 4294967295.
    #[error(
        "Failed to decode Pub/Sub message: `{field}` must be an integer from 0 to 4294967295, found {value}"
    )]
    InvalidDeliveryAttempt {
        /// `"deliveryAttempt"` or `"delivery_attempt"`, whichever was read.
        field: &'static str,
        /// The number found, as JSON text.
        value: String,
    },

    /// An unwrapped push carries a metadata or attribute header whose value is not UTF-8 text.
    #[error("Failed to decode Pub/Sub message: header `{name}` is not UTF-8 text")]
    InvalidHeader {
        /// The header's (lower-case) name.
        name: String,
    },
    /// The event is a CloudEvent of another type than
    /// `google.cloud.pubsub.topic.v1.messagePublished`, so it holds no Pub/Sub message.
    #[error("Failed to decode Pub/Sub message: the event is a CloudEvent of another type, not a published message")]
    NotAPubSubEvent,
    /// The message data could not be deserialized into the requested type
    /// (see [`DecodedMessage::data_as`](super::DecodedMessage::data_as)).
    #[error("Failed to decode Pub/Sub message: the data cannot be deserialized into `{target}`: {reason}")]
    DataNotDeserializable {
        /// The requested type's name, as given by [`std::any::type_name`].
        target: &'static str,
        /// The deserializer's description of the problem.
        reason: String,
    },
}

/// Why a push envelope could not be made.
///
/// The [`Display`](std::fmt::Display) text starts with `Failed to make Pub/Sub message`.
#[non_exhaustive]
#[derive(thiserror::Error, Debug)]
pub enum MakeError {
    /// The data given to [`PushEnvelopeBuilder::json`](super::PushEnvelopeBuilder::json) cannot be
    /// serialized as JSON (e.g. a map with non-string keys, or a `Serialize` impl that fails).
    #[error("Failed to make Pub/Sub message: the data cannot be serialized as JSON: {0}")]
    DataNotSerializable(#[source] serde_json::Error),
}

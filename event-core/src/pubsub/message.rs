//! The decoded message and views of its data.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::de::{DeserializeOwned, IgnoredAny, IntoDeserializer as _};
use serde::ser::{SerializeStruct as _, Serializer};
use serde::Serialize;

use super::error::DecodeError;
use super::wire;

/// A decoded Pub/Sub push.
///
/// Made by [`DecodedMessage::from_slice`] from a request body, or by
/// [`DecodedMessage::from_value`] from an already parsed one; [`Event::pubsub`](crate::Event::pubsub)
/// gives it for every delivery format.
///
/// # Decoding rules
/// - `message` (an object) and `subscription` (a string) are required.
/// - `message.data` is optional: absent, `null` or `""` give empty [`data`](Self::data).
///   It is standard base64; padding may be left out, but other alphabets are rejected.
/// - `message.attributes` absent or `null` give an empty map; every value must be a string.
/// - Every other member is optional and `null` means absent. Each is accepted under its
///   camelCase name (`messageId`, `publishTime`, `orderingKey`, top-level `deliveryAttempt`)
///   or its snake_case proto name (`message_id`, `publish_time`, `ordering_key`,
///   `delivery_attempt`). Real pushes carry both `messageId` and `message_id` (and both publish
///   times). When both forms are present the **camelCase one is used** and the snake_case copy
///   is ignored, not checked against it.
/// - `publishTime` is RFC 3339 with 0 to 9 fractional digits and `Z` or a numeric offset; it is
///   converted to UTC with its full nanosecond precision.
/// - An empty `orderingKey` means "no ordering key" (Pub/Sub leaves the member out then), so
///   `""` gives `None`. An empty `messageId` is kept as `Some("")`.
/// - `deliveryAttempt` is an integer from 0 to 4294967295 (Pub/Sub sends it only to
///   subscriptions with a dead-letter policy, starting at 1).
/// - Unknown members, such as `@type`, are ignored everywhere. When a member is repeated, the
///   last one counts.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedMessage {
    /// The message data, decoded from base64; empty when the message has none.
    pub data: Bytes,
    /// The attributes.
    pub attributes: BTreeMap<String, String>,
    /// The message id, unique within the topic.
    pub message_id: Option<String>,
    /// The ordering key; `None` when absent or empty.
    pub ordering_key: Option<String>,
    /// When Pub/Sub received the message, in UTC with nanosecond precision.
    pub publish_time: Option<DateTime<Utc>>,
    /// The full subscription name, normally `projects/{project}/subscriptions/{id}`.
    pub subscription: String,
    /// How many times delivery was attempted, when the subscription has a dead-letter policy.
    pub delivery_attempt: Option<u32>,
    /// The topic (`projects/{project}/topics/{topic}`), when the delivery names it: Eventarc
    /// gives it in the CloudEvent's `source`. A push body never holds it, so it is `None` for
    /// wrapped and unwrapped pushes.
    pub topic: Option<String>,
}

/// A view of a message's data, from [`DecodedMessage::data`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum MessageData<'a> {
    /// The data is JSON text (of any type: object, array, string, number, bool or null).
    Json(serde_json::Value),
    /// The data is not JSON but is UTF-8 text (this includes empty data).
    Text(&'a str),
    /// The data is neither JSON nor UTF-8.
    Bytes(&'a [u8]),
}

impl DecodedMessage {
    /// The data, interpreted: [`MessageData::Json`] if it parses as JSON, else
    /// [`MessageData::Text`] if it is UTF-8, else [`MessageData::Bytes`].
    ///
    /// Parses the data on each call. JSON numbers become `serde_json::Value` numbers, so
    /// integers beyond 64 bits lose digits; use [`data_as`](Self::data_as) or the raw
    /// [`data`](Self::data) for exact access.
    pub fn data(&self) -> MessageData<'_> {
        if let Ok(value) = serde_json::from_slice(&self.data) {
            MessageData::Json(value)
        } else if let Ok(text) = std::str::from_utf8(&self.data) {
            MessageData::Text(text)
        } else {
            MessageData::Bytes(&self.data)
        }
    }

    /// Deserializes the data into `T`, straight from the bytes.
    ///
    /// JSON data is deserialized as JSON. Data that is not JSON but UTF-8 text (see
    /// [`data`](Self::data)) is offered to `T` as a string, so `data_as::<String>()` gives the
    /// text of a plain-text message.
    ///
    /// # Errors
    /// [`DecodeError::DataNotDeserializable`] when `T` cannot be made from the data.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let err = |reason: String| DecodeError::DataNotDeserializable {
            target: std::any::type_name::<T>(),
            reason,
        };
        match serde_json::from_slice::<T>(&self.data) {
            Ok(value) => Ok(value),
            Err(json_err) => {
                // Not JSON at all (checked apart, since a type error may come before a syntax
                // error in the stream): try the text, as `data()` would show it.
                let is_json = serde_json::from_slice::<IgnoredAny>(&self.data).is_ok();
                match std::str::from_utf8(&self.data) {
                    Ok(text) if !is_json => {
                        let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
                            text.into_deserializer();
                        T::deserialize(de).map_err(|e| err(e.to_string()))
                    }
                    _ => Err(err(json_err.to_string())),
                }
            }
        }
    }

    /// The project of a `projects/{project}/subscriptions/{id}` subscription name.
    pub fn project(&self) -> Option<&str> {
        split_subscription(&self.subscription).map(|(project, _)| project)
    }

    /// The id of a `projects/{project}/subscriptions/{id}` subscription name.
    pub fn subscription_id(&self) -> Option<&str> {
        split_subscription(&self.subscription).map(|(_, id)| id)
    }
}

/// Splits `projects/{p}/subscriptions/{s}` into non-empty `p` and `s` without `/`.
fn split_subscription(name: &str) -> Option<(&str, &str)> {
    let (project, id) = name
        .strip_prefix("projects/")?
        .split_once("/subscriptions/")?;
    let ok = |part: &str| !part.is_empty() && !part.contains('/');
    (ok(project) && ok(id)).then_some((project, id))
}

/// For logging: `subscription`, `message_id`, `publish_time` (UTC, nine fractional digits,
/// `Z`), `ordering_key`, `attributes`, `delivery_attempt`, then `data` (the JSON value when the
/// data is JSON, else its text) or, when the data is neither JSON nor UTF-8, `data_base64`
/// (standard base64). Fields that are `None` are left out.
impl Serialize for DecodedMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let optional = [
            self.message_id.is_some(),
            self.publish_time.is_some(),
            self.ordering_key.is_some(),
            self.delivery_attempt.is_some(),
            self.topic.is_some(),
        ];
        let len = 3 + optional.iter().filter(|set| **set).count();
        let mut s = serializer.serialize_struct("DecodedMessage", len)?;
        s.serialize_field("subscription", &self.subscription)?;
        if let Some(topic) = &self.topic {
            s.serialize_field("topic", topic)?;
        }
        if let Some(id) = &self.message_id {
            s.serialize_field("message_id", id)?;
        }
        if let Some(t) = &self.publish_time {
            s.serialize_field("publish_time", &wire::format_timestamp(t))?;
        }
        if let Some(key) = &self.ordering_key {
            s.serialize_field("ordering_key", key)?;
        }
        s.serialize_field("attributes", &self.attributes)?;
        if let Some(n) = self.delivery_attempt {
            s.serialize_field("delivery_attempt", &n)?;
        }
        match self.data() {
            MessageData::Json(value) => s.serialize_field("data", &value)?,
            MessageData::Text(text) => s.serialize_field("data", text)?,
            MessageData::Bytes(bytes) => {
                s.serialize_field("data_base64", &wire::encode_base64(bytes))?;
            }
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::split_subscription;

    #[test]
    fn splits_subscription_names() {
        assert_eq!(
            split_subscription("projects/p/subscriptions/s"),
            Some(("p", "s"))
        );
        for bad in [
            "",
            "projects//subscriptions/s",
            "projects/p/subscriptions/",
            "projects/p/subscriptions/s/x",
            "projects/p/x/subscriptions/s",
            "project/p/subscriptions/s",
            "projects/p/topics/t",
        ] {
            assert_eq!(split_subscription(bad), None, "{bad}");
        }
    }
}

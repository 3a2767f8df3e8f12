//! Decoding push bodies.
//!
//! Both entry points first gather the members they know into [`RawEnvelope`], which records
//! each member as found (borrowed strings, or the JSON type when it is not a string) without
//! judging it, then [`RawEnvelope::finish`] validates. From bytes the gathering is one walk with
//! the payload check's scanner (in `gather.rs`) that checks the whole document, borrows strings
//! from the body and builds no `serde_json::Value`; from a `Value` it reads the members in place. Sharing the validation
//! makes both paths accept and reject exactly the same inputs, with the same errors. On a
//! repeated member the last one counts in both paths, as in a parsed `serde_json::Value`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

use super::error::DecodeError;
use super::wire::{self, JsonKind};
use super::DecodedMessage;

/// One member as found in the body.
#[derive(Debug, Default)]
pub(crate) enum Field<'a> {
    /// Not present.
    #[default]
    Absent,
    Str(Cow<'a, str>),
    Num(serde_json::Number),
    /// `null` or another type, recorded by its kind only.
    Other(JsonKind),
}

impl<'a> Field<'a> {
    fn from_value(value: &'a Value) -> Self {
        match value {
            Value::String(s) => Field::Str(Cow::Borrowed(s)),
            Value::Number(n) => Field::Num(n.clone()),
            other => Field::Other(JsonKind::of(other)),
        }
    }

    /// Absent and `null` both mean "not set" (proto3 JSON).
    fn is_set(&self) -> bool {
        !matches!(self, Field::Absent | Field::Other(JsonKind::Null))
    }

    pub(crate) fn kind(&self) -> JsonKind {
        match self {
            Field::Absent | Field::Other(JsonKind::Null) => JsonKind::Null,
            Field::Str(_) => JsonKind::String,
            Field::Num(_) => JsonKind::Number,
            Field::Other(kind) => *kind,
        }
    }

    /// The string, `None` when not set, or a [`DecodeError::WrongType`].
    fn into_str(self, field: &'static str) -> Result<Option<Cow<'a, str>>, DecodeError> {
        match self {
            Field::Str(s) => Ok(Some(s)),
            f if !f.is_set() => Ok(None),
            f => Err(wrong_type(field, "a string", f.kind())),
        }
    }
}

fn wrong_type(field: &'static str, expected: &'static str, found: JsonKind) -> DecodeError {
    DecodeError::WrongType {
        field,
        expected,
        found: found.describe(),
    }
}

/// Picks the camelCase member when it is set, else the snake_case one, with its name.
fn prefer_camel<'a>(
    camel: (&'static str, Field<'a>),
    snake: (&'static str, Field<'a>),
) -> (&'static str, Field<'a>) {
    if camel.1.is_set() {
        camel
    } else {
        snake
    }
}

/// The `message` member as found.
#[derive(Debug, Default)]
pub(crate) struct RawMessage<'a> {
    pub(crate) data: Field<'a>,
    /// `None`: absent or `null`; `Err`: another non-object type.
    /// In document order; a repeated name: the last one counts, as in any JSON object.
    pub(crate) attributes: Option<Result<Vec<(String, Field<'a>)>, JsonKind>>,
    pub(crate) message_id: Field<'a>,
    pub(crate) message_id_snake: Field<'a>,
    pub(crate) publish_time: Field<'a>,
    pub(crate) publish_time_snake: Field<'a>,
    pub(crate) ordering_key: Field<'a>,
    pub(crate) ordering_key_snake: Field<'a>,
}

impl<'a> RawMessage<'a> {
    /// Where a scalar member of this name goes (`data` and the six spellings of the id,
    /// publish time and ordering key); `None` for `attributes` and every other name. One
    /// table for all three gatherers (from a `Value`, the bytes scanner, the serde reference).
    pub(crate) fn scalar_mut(&mut self, name: &str) -> Option<&mut Field<'a>> {
        Some(match name {
            "data" => &mut self.data,
            "messageId" => &mut self.message_id,
            "message_id" => &mut self.message_id_snake,
            "publishTime" => &mut self.publish_time,
            "publish_time" => &mut self.publish_time_snake,
            "orderingKey" => &mut self.ordering_key,
            "ordering_key" => &mut self.ordering_key_snake,
            _ => return None,
        })
    }
}

/// The body as found.
#[derive(Debug, Default)]
pub(crate) struct RawEnvelope<'a> {
    /// `None`: absent; `Err`: not an object (including `null`).
    pub(crate) message: Option<Result<RawMessage<'a>, JsonKind>>,
    pub(crate) subscription: Field<'a>,
    pub(crate) delivery_attempt: Field<'a>,
    pub(crate) delivery_attempt_snake: Field<'a>,
}

impl<'a> RawEnvelope<'a> {
    /// Gathers the members of an already parsed body; fails only when it is not an object.
    pub(crate) fn from_value(body: &'a Value) -> Result<Self, DecodeError> {
        let Value::Object(top) = body else {
            return Err(DecodeError::NotAnObject {
                found: JsonKind::of(body).describe(),
            });
        };
        let mut raw = RawEnvelope::default();
        for (key, value) in top {
            match key.as_str() {
                "message" => raw.message = Some(raw_message_from_value(value)),
                "subscription" => raw.subscription = Field::from_value(value),
                "deliveryAttempt" => raw.delivery_attempt = Field::from_value(value),
                "delivery_attempt" => raw.delivery_attempt_snake = Field::from_value(value),
                _ => {}
            }
        }
        Ok(raw)
    }

    /// Validates the gathered members and decodes them.
    pub(crate) fn finish(self) -> Result<DecodedMessage, DecodeError> {
        let message = match self.message {
            None => return Err(DecodeError::MissingMessage),
            Some(Err(kind)) => return Err(wrong_type("message", "an object", kind)),
            Some(Ok(m)) => m,
        };
        let subscription = match self.subscription {
            Field::Absent => return Err(DecodeError::MissingSubscription),
            Field::Str(s) => s.into_owned(),
            f => return Err(wrong_type("subscription", "a string", f.kind())),
        };

        let data = match message.data.into_str("message.data")? {
            Some(text) => wire::decode_base64(&text)
                .map_err(|reason| DecodeError::InvalidBase64 { reason })?,
            None => Vec::new(),
        };

        let attributes = match message.attributes {
            None => BTreeMap::new(),
            Some(Err(kind)) => return Err(wrong_type("message.attributes", "an object", kind)),
            Some(Ok(members)) => {
                // From the end, so the last of a repeated name wins (as a JSON object keeps it);
                // the first failing name in key order is reported, as a map would find it.
                let mut out = BTreeMap::new();
                let mut bad: Option<(String, JsonKind)> = None;
                for (key, value) in members.into_iter().rev() {
                    if out.contains_key(&key) || bad.as_ref().is_some_and(|(k, _)| *k == key) {
                        continue;
                    }
                    match value {
                        Field::Str(s) => {
                            out.insert(key, s.into_owned());
                        }
                        other => {
                            if bad.as_ref().is_none_or(|(k, _)| key < *k) {
                                bad = Some((key, other.kind()));
                            }
                        }
                    }
                }
                if let Some((key, kind)) = bad {
                    return Err(DecodeError::AttributeNotString {
                        key,
                        found: kind.describe(),
                    });
                }
                out
            }
        };

        let (field, id) = prefer_camel(
            ("message.messageId", message.message_id),
            ("message.message_id", message.message_id_snake),
        );
        let message_id = id.into_str(field)?.map(Cow::into_owned);

        let (field, time) = prefer_camel(
            ("message.publishTime", message.publish_time),
            ("message.publish_time", message.publish_time_snake),
        );
        let publish_time = match time.into_str(field)? {
            None => None,
            Some(text) => Some(wire::parse_timestamp(&text).map_err(|reason| {
                DecodeError::InvalidPublishTime {
                    field,
                    value: text.into_owned(),
                    reason,
                }
            })?),
        };

        let (field, key) = prefer_camel(
            ("message.orderingKey", message.ordering_key),
            ("message.ordering_key", message.ordering_key_snake),
        );
        let ordering_key = key
            .into_str(field)?
            .filter(|k| !k.is_empty())
            .map(Cow::into_owned);

        let (field, attempt) = prefer_camel(
            ("deliveryAttempt", self.delivery_attempt),
            ("delivery_attempt", self.delivery_attempt_snake),
        );
        let delivery_attempt = match attempt {
            Field::Num(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Some(n),
                None => {
                    return Err(DecodeError::InvalidDeliveryAttempt {
                        field,
                        value: n.to_string(),
                    })
                }
            },
            f if !f.is_set() => None,
            f => return Err(wrong_type(field, "an integer", f.kind())),
        };

        Ok(DecodedMessage {
            data: data.into(),
            attributes,
            message_id,
            ordering_key,
            publish_time,
            subscription,
            delivery_attempt,
            topic: None,
        })
    }
}

fn raw_message_from_value(value: &Value) -> Result<RawMessage<'_>, JsonKind> {
    let Value::Object(members) = value else {
        return Err(JsonKind::of(value));
    };
    let mut raw = RawMessage::default();
    for (key, value) in members {
        if key == "attributes" {
            raw.attributes = match value {
                Value::Null => None,
                Value::Object(map) => Some(Ok(map
                    .iter()
                    .map(|(k, v)| (k.clone(), Field::from_value(v)))
                    .collect())),
                other => Some(Err(JsonKind::of(other))),
            };
        } else if let Some(slot) = raw.scalar_mut(key) {
            *slot = Field::from_value(value);
        }
    }
    Ok(raw)
}

impl DecodedMessage {
    /// Decodes a push request body (the fast path: a single pass that checks the whole body,
    /// borrows strings from it, builds no `serde_json::Value` and does not look into the data).
    ///
    /// See the [decoding rules](Self#decoding-rules).
    ///
    /// ```
    /// use gcp_events_core::pubsub::{DecodedMessage, MessageData};
    ///
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let body = br#"{
    ///         "message": {
    ///             "data": "aGVsbG8gd29ybGQ=",
    ///             "attributes": {"origin": "docs"},
    ///             "messageId": "2070443601311540", "message_id": "2070443601311540",
    ///             "publishTime": "2021-02-26T19:13:55.749Z", "publish_time": "2021-02-26T19:13:55.749Z"
    ///         },
    ///         "subscription": "projects/my-project/subscriptions/my-sub",
    ///         "deliveryAttempt": 2
    ///     }"#;
    ///     let message = DecodedMessage::from_slice(body)?;
    ///     assert_eq!(message.data(), MessageData::Text("hello world"));
    ///     assert_eq!(message.attributes["origin"], "docs");
    ///     assert_eq!(message.message_id.as_deref(), Some("2070443601311540"));
    ///     assert_eq!(message.project(), Some("my-project"));
    ///     assert_eq!(message.subscription_id(), Some("my-sub"));
    ///     assert_eq!(message.delivery_attempt, Some(2));
    ///
    ///     let err = DecodedMessage::from_slice(br#"{"message": {}}"#).unwrap_err();
    ///     assert!(err.to_string().starts_with("Failed to decode Pub/Sub message"));
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    /// A [`DecodeError`] when the body is not JSON, not an object, or breaks a decoding rule.
    pub fn from_slice(body: &[u8]) -> Result<Self, DecodeError> {
        RawEnvelope::from_slice(body)?.finish()
    }

    /// Decodes an already parsed push body, reading its members in place (no re-serialization
    /// and no second parse). Accepts and rejects exactly what [`from_slice`](Self::from_slice)
    /// does, with the same errors.
    ///
    /// # Errors
    /// A [`DecodeError`] when the body is not an object or breaks a decoding rule.
    pub fn from_value(body: &serde_json::Value) -> Result<Self, DecodeError> {
        RawEnvelope::from_value(body)?.finish()
    }
}

#[cfg(test)]
mod attribute_tests {
    use super::DecodedMessage;
    use crate::pubsub::DecodeError;

    /// A repeated attribute name: the last one counts, whatever the earlier ones hold; of
    /// several non-string attributes the first in name order is reported.
    #[test]
    fn repeated_and_wrong_attributes_decode_as_a_json_object_would() {
        let body = |attributes: &str| {
            format!(r#"{{"message":{{"attributes":{attributes}}},"subscription":"s"}}"#)
        };
        let m = DecodedMessage::from_slice(body(r#"{"a":1,"b":"x","a":"y"}"#).as_bytes()).unwrap();
        assert_eq!(
            (m.attributes["a"].as_str(), m.attributes["b"].as_str()),
            ("y", "x")
        );
        let err = DecodedMessage::from_slice(body(r#"{"z":1,"a":"y","c":true,"a":[]}"#).as_bytes())
            .unwrap_err();
        assert!(
            matches!(err, DecodeError::AttributeNotString { ref key, .. } if key == "a"),
            "{err:?}"
        );
    }
}

//! Pub/Sub messages through Eventarc (`google.events.cloud.pubsub.v1`): the data of
//! `google.cloud.pubsub.topic.v1.messagePublished`, the same shape as a push envelope.
//!
//! Real deliveries carry some members twice, as `messageId` and `message_id`, `publishTime`
//! and `publish_time`: the lowerCamelCase one counts and the other is ignored (where a plain
//! proto3 JSON parser would refuse the duplicate). `Event::pubsub` reads the same data into a
//! `DecodedMessage`, whose data is also decoded as JSON or text when it is.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::json::{self, Bytes, Nullable, I64};
use super::wkt::Timestamp;

/// The data of a `messagePublished` event: the message and the subscription Eventarc used.
#[derive(Clone, PartialEq, ::prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePublishedData {
    /// The message.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<PubsubMessage>,
    /// `projects/P/subscriptions/S`.
    #[prost(string, tag = "2")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subscription: String,
    /// How many times delivery was attempted (with a dead-letter policy only).
    #[prost(int32, tag = "3")]
    #[serde(skip_serializing_if = "json::is_default")]
    pub delivery_attempt: i32,
}

/// A Pub/Sub message.
#[derive(Clone, PartialEq, ::prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PubsubMessage {
    /// The data (base64 in JSON).
    #[prost(bytes = "vec", tag = "1")]
    #[serde(with = "json::bytes", skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<u8>,
    /// The attributes.
    #[prost(btree_map = "string, string", tag = "2")]
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The id Pub/Sub gave the message.
    #[prost(string, tag = "3")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message_id: String,
    /// When it was published.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<Timestamp>,
    /// The ordering key, if any.
    #[prost(string, tag = "5")]
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ordering_key: String,
}

/// Reads one member into `slot` unless a lowerCamelCase one already filled it.
fn member<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    camel: bool,
    seen_camel: &mut bool,
) -> Result<Option<T>, A::Error> {
    if !camel && *seen_camel {
        map.next_value::<IgnoredAny>()?;
        return Ok(None);
    }
    *seen_camel |= camel;
    map.next_value().map(Some)
}

impl<'de> Deserialize<'de> for PubsubMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PubsubMessage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Pub/Sub message")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PubsubMessage, A::Error> {
                let mut m = PubsubMessage::default();
                let (mut id, mut time, mut key) = (false, false, false);
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    match name.as_ref() {
                        "data" => m.data = map.next_value::<Bytes>()?.0,
                        "attributes" => {
                            m.attributes = map.next_value::<Nullable<BTreeMap<_, _>>>()?.0;
                        }
                        n @ ("messageId" | "message_id") => {
                            let v =
                                member::<_, Nullable<String>>(&mut map, n == "messageId", &mut id)?;
                            if let Some(v) = v {
                                m.message_id = v.0;
                            }
                        }
                        n @ ("publishTime" | "publish_time") => {
                            let v = member::<_, Option<Timestamp>>(
                                &mut map,
                                n == "publishTime",
                                &mut time,
                            )?;
                            if let Some(v) = v {
                                m.publish_time = v;
                            }
                        }
                        n @ ("orderingKey" | "ordering_key") => {
                            let v = member::<_, Nullable<String>>(
                                &mut map,
                                n == "orderingKey",
                                &mut key,
                            )?;
                            if let Some(v) = v {
                                m.ordering_key = v.0;
                            }
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for MessagePublishedData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MessagePublishedData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Pub/Sub messagePublished event's data")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<MessagePublishedData, A::Error> {
                let mut m = MessagePublishedData::default();
                let mut attempt = false;
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    match name.as_ref() {
                        "message" => m.message = map.next_value()?,
                        "subscription" => m.subscription = map.next_value::<Nullable<_>>()?.0,
                        n @ ("deliveryAttempt" | "delivery_attempt") => {
                            let v =
                                member::<_, I64>(&mut map, n == "deliveryAttempt", &mut attempt)?;
                            if let Some(v) = v {
                                m.delivery_attempt = i32::try_from(v.0).map_err(|_| {
                                    serde::de::Error::custom("deliveryAttempt out of range")
                                })?;
                            }
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(V)
    }
}

impl super::GoogleEventData for MessagePublishedData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.pubsub.v1.MessagePublishedData";
}

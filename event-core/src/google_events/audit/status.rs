//! `google.rpc.Status`: how an operation ended, and `google.protobuf.Any`, its typed details.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::google_events::json;

/// How an operation ended: a `google.rpc.Code` (0 is OK) and a message.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The status code (`google.rpc.Code`: 0 OK, 7 PERMISSION_DENIED, …).
    #[prost(int32, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub code: i32,
    /// A message for developers.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub message: String,
    /// Typed details.
    #[prost(message, repeated, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub details: Vec<Any>,
}

/// A message of any type (`google.protobuf.Any`): its type URL and its protobuf bytes.
///
/// Its proto3 JSON form spells the message's own members beside `@type`, which only a reader
/// that knows the type can turn back into bytes. So from JSON this keeps the `@type` (and the
/// bytes only when the JSON carries them as `value`), and it writes `@type` with the bytes as
/// `value` (base64). Read details from a protobuf event when you need their content.
#[derive(Clone, PartialEq, Eq, ::prost::Message)]
pub struct Any {
    /// The type URL, e.g. `type.googleapis.com/google.rpc.ErrorInfo`.
    #[prost(string, tag = "1")]
    pub type_url: String,
    /// The message, serialized.
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
}

impl Serialize for Any {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("@type", &self.type_url)?;
        if !self.value.is_empty() {
            map.serialize_entry("value", &json::Base64(&self.value))?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Any;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Any: an object with @type")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
                let mut any = Any::default();
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    match name.as_ref() {
                        "@type" => any.type_url = map.next_value::<json::Nullable<String>>()?.0,
                        "value" => match map.next_value::<serde_json::Value>()? {
                            // The bytes of an Any written by this library (or of a wrapper type).
                            serde_json::Value::String(text) => {
                                any.value = json::bytes::decode(&text).unwrap_or_default();
                            }
                            _ => any.value.clear(),
                        },
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(any)
            }
        }
        d.deserialize_map(V)
    }
}

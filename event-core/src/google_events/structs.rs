//! `google.protobuf.Struct`, `Value` and `ListValue`: free-form JSON inside a message. In
//! protobuf a tree of typed nodes; in proto3 JSON plain JSON (an object, any value, an array).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::json;

/// A JSON object (`google.protobuf.Struct`).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Struct {
    /// Its members.
    #[prost(btree_map = "string, message", tag = "1")]
    pub fields: BTreeMap<String, StructValue>,
}

/// Any JSON value (`google.protobuf.Value`).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct StructValue {
    /// Which kind of value; `None` when unset (written as `null`).
    #[prost(oneof = "StructKind", tags = "1, 2, 3, 4, 5, 6")]
    pub kind: Option<StructKind>,
}

/// The kinds of a [`StructValue`].
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof)]
pub enum StructKind {
    /// `null`.
    #[prost(enumeration = "super::NullValue", tag = "1")]
    NullValue(i32),
    /// A number (a double).
    #[prost(double, tag = "2")]
    NumberValue(f64),
    /// A string.
    #[prost(string, tag = "3")]
    StringValue(String),
    /// A boolean.
    #[prost(bool, tag = "4")]
    BoolValue(bool),
    /// An object.
    #[prost(message, tag = "5")]
    StructValue(Struct),
    /// An array.
    #[prost(message, tag = "6")]
    ListValue(ListValue),
}

/// A JSON array (`google.protobuf.ListValue`).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct ListValue {
    /// Its values.
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<StructValue>,
}

impl Struct {
    /// As a `serde_json` object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl StructValue {
    /// As a `serde_json` value (a number that is not finite becomes the string `"NaN"`,
    /// `"Infinity"` or `"-Infinity"`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl Serialize for Struct {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for ListValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.values.len()))?;
        for v in &self.values {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

impl Serialize for StructValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.kind {
            None | Some(StructKind::NullValue(_)) => s.serialize_unit(),
            Some(StructKind::NumberValue(n)) => json::double::serialize(n, s),
            Some(StructKind::StringValue(v)) => s.serialize_str(v),
            Some(StructKind::BoolValue(b)) => s.serialize_bool(*b),
            Some(StructKind::StructValue(v)) => v.serialize(s),
            Some(StructKind::ListValue(v)) => v.serialize(s),
        }
    }
}

/// Reads any JSON value into a [`StructValue`].
struct AnyValue;

impl<'de> Visitor<'de> for AnyValue {
    type Value = StructValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<StructValue, E> {
        Ok(kind(StructKind::NullValue(0)))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<StructValue, E> {
        self.visit_unit()
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<StructValue, E> {
        Ok(kind(StructKind::BoolValue(v)))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<StructValue, E> {
        Ok(kind(StructKind::NumberValue(v as f64)))
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<StructValue, E> {
        Ok(kind(StructKind::NumberValue(v as f64)))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<StructValue, E> {
        Ok(kind(StructKind::NumberValue(v)))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StructValue, E> {
        Ok(kind(StructKind::StringValue(v.to_owned())))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<StructValue, E> {
        Ok(kind(StructKind::StringValue(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StructValue, A::Error> {
        let mut values = Vec::new();
        while let Some(v) = seq.next_element()? {
            values.push(v);
        }
        Ok(kind(StructKind::ListValue(ListValue { values })))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StructValue, A::Error> {
        let mut fields = BTreeMap::new();
        while let Some((k, v)) = map.next_entry()? {
            fields.insert(k, v);
        }
        Ok(kind(StructKind::StructValue(Struct { fields })))
    }
}

fn kind(kind: StructKind) -> StructValue {
    StructValue { kind: Some(kind) }
}

impl<'de> Deserialize<'de> for StructValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyValue)
    }
}

impl<'de> Deserialize<'de> for Struct {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match StructValue::deserialize(d)?.kind {
            Some(StructKind::StructValue(s)) => Ok(s),
            Some(StructKind::NullValue(_)) | None => Ok(Struct::default()),
            Some(_) => Err(serde::de::Error::custom("expected a JSON object")),
        }
    }
}

impl<'de> Deserialize<'de> for ListValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match StructValue::deserialize(d)?.kind {
            Some(StructKind::ListValue(l)) => Ok(l),
            Some(StructKind::NullValue(_)) | None => Ok(ListValue::default()),
            Some(_) => Err(serde::de::Error::custom("expected a JSON array")),
        }
    }
}

/// A `google.protobuf.Value` field: absent is `None`, and `null` is a null value (proto3 JSON
/// keeps a `null` there, where other fields read it as absent).
pub(crate) fn value_field<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<StructValue>, D::Error> {
    StructValue::deserialize(d).map(Some)
}

//! Firestore and Datastore values as plain values: to `serde_json::Value`, and straight into a
//! user's type through a serde `Deserializer` over the value tree (no JSON in between).
//!
//! The mapping: null → null, boolean → bool, integer → integer, double → number (`NaN` and
//! the infinities, which JSON lacks, as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`),
//! timestamp → RFC 3339 string, string → string, bytes → base64 string (or the raw bytes, for a
//! field that asks for bytes), reference → its resource name, geo point →
//! `{"latitude", "longitude"}`, array → sequence, map (or embedded entity) → map, Datastore key
//! → its proto3 JSON form (`{"partitionId": …, "path": […]}`).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

use super::wkt::{LatLng, Timestamp};

/// Why a value did not fit the type asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlainValueError(String);

impl de::Error for PlainValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// What one value is, seen as a plain value.
pub(crate) enum Plain<'a, V> {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Time(&'a Timestamp),
    Str(&'a str),
    Bytes(&'a [u8]),
    Geo(&'a LatLng),
    Array(&'a [V]),
    Map(&'a BTreeMap<String, V>),
    /// A value with no plain form of its own (a Datastore key): its proto3 JSON.
    Json(serde_json::Value),
}

/// A value tree that reads as plain values (Firestore's and Datastore's `Value`).
pub(crate) trait PlainValue: Sized {
    fn plain(&self) -> Plain<'_, Self>;
}

fn timestamp_text(t: &Timestamp) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn double_json(d: f64) -> serde_json::Value {
    serde_json::Number::from_f64(d).map_or_else(
        || {
            let text = if d.is_nan() {
                "NaN"
            } else if d > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            serde_json::Value::String(text.to_owned())
        },
        serde_json::Value::Number,
    )
}

/// `value` as plain JSON.
pub(crate) fn to_json<V: PlainValue>(value: &V) -> serde_json::Value {
    use serde_json::Value as J;
    match value.plain() {
        Plain::Null => J::Null,
        Plain::Bool(b) => J::Bool(b),
        Plain::Int(i) => J::from(i),
        Plain::Double(d) => double_json(d),
        Plain::Time(t) => J::String(timestamp_text(t)),
        Plain::Str(s) => J::String(s.to_owned()),
        Plain::Bytes(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
        Plain::Geo(g) => serde_json::json!({
            "latitude": double_json(g.latitude),
            "longitude": double_json(g.longitude),
        }),
        Plain::Array(values) => J::Array(values.iter().map(to_json).collect()),
        Plain::Map(fields) => fields_json(fields),
        Plain::Json(json) => json,
    }
}

/// A map of values as a plain JSON object.
pub(crate) fn fields_json<V: PlainValue>(fields: &BTreeMap<String, V>) -> serde_json::Value {
    serde_json::Value::Object(
        fields
            .iter()
            .map(|(k, v)| (k.clone(), to_json(v)))
            .collect(),
    )
}

/// A map of values (a document's fields, an entity's properties) as a deserializer of a map.
pub(crate) struct FieldsDeserializer<'a, V>(pub(crate) &'a BTreeMap<String, V>);

impl<'de, T: PlainValue> de::Deserializer<'de> for FieldsDeserializer<'de, T> {
    type Error = PlainValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let entries = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), ValueDeserializer(v)));
        visitor.visit_map(MapDeserializer::new(entries))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// One value as a deserializer.
pub(crate) struct ValueDeserializer<'a, V>(pub(crate) &'a V);

impl<'de, T: PlainValue> IntoDeserializer<'de, PlainValueError> for ValueDeserializer<'de, T> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, T: PlainValue> de::Deserializer<'de> for ValueDeserializer<'de, T> {
    type Error = PlainValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0.plain() {
            Plain::Null => visitor.visit_unit(),
            Plain::Bool(b) => visitor.visit_bool(b),
            Plain::Int(i) => visitor.visit_i64(i),
            Plain::Double(d) => visitor.visit_f64(d),
            Plain::Time(t) => visitor.visit_string(timestamp_text(t)),
            Plain::Str(s) => visitor.visit_borrowed_str(s),
            Plain::Bytes(b) => {
                visitor.visit_string(base64::engine::general_purpose::STANDARD.encode(b))
            }
            Plain::Geo(g) => visitor.visit_map(MapDeserializer::new(
                [("latitude", g.latitude), ("longitude", g.longitude)].into_iter(),
            )),
            Plain::Array(values) => {
                visitor.visit_seq(SeqDeserializer::new(values.iter().map(ValueDeserializer)))
            }
            Plain::Map(fields) => FieldsDeserializer(fields).deserialize_any(visitor),
            Plain::Json(json) => json.deserialize_any(visitor).map_err(de::Error::custom),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0.plain() {
            Plain::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0.plain() {
            Plain::Bytes(b) => visitor.visit_borrowed_bytes(b),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0.plain() {
            // A unit variant named by a string, as serde_json reads one.
            Plain::Str(s) => visitor.visit_enum(s.into_deserializer()),
            _ => Err(de::Error::custom(
                "expected a string naming an enum variant",
            )),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// Implements the plain-value methods (`to_json`, `deserialize`) for a value type, its map
/// type and its document-like type.
macro_rules! plain_methods {
    ($value:ty) => {
        impl $value {
            /// This value as plain JSON (see `google_events` for the mapping); an unset value
            /// is `null`.
            pub fn to_json(&self) -> serde_json::Value {
                $crate::google_events::plain::to_json(self)
            }

            /// This value deserialized into `T` (any `Deserialize` type), read from the value
            /// tree itself.
            pub fn deserialize<'a, T: serde::Deserialize<'a>>(
                &'a self,
            ) -> Result<T, $crate::google_events::PlainValueError> {
                T::deserialize($crate::google_events::plain::ValueDeserializer(self))
            }
        }
    };
    ($owner:ty, $fields:ident) => {
        impl $owner {
            /// The fields as a plain JSON object (see `google_events` for the mapping).
            pub fn to_json(&self) -> serde_json::Value {
                $crate::google_events::plain::fields_json(&self.$fields)
            }

            /// The fields deserialized into `T`, e.g. your own `#[derive(Deserialize)]` struct,
            /// read from the value tree itself (no JSON in between).
            pub fn deserialize<'a, T: serde::Deserialize<'a>>(
                &'a self,
            ) -> Result<T, $crate::google_events::PlainValueError> {
                T::deserialize($crate::google_events::plain::FieldsDeserializer(
                    &self.$fields,
                ))
            }
        }
    };
}
pub(crate) use plain_methods;

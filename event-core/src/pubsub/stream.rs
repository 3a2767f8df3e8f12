//! The serde gathering pass that `RawEnvelope::from_slice` (in `gather.rs`) replaced, kept as
//! the reference it is tested against: serde visitors that record the members they know
//! without judging them, borrow strings from the body, and skip the rest.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::decode::{Field, RawEnvelope, RawMessage};
use super::error::DecodeError;
use super::wire::JsonKind;

impl<'a> RawEnvelope<'a> {
    /// Gathers the members of a body; fails only when the body is not JSON or not an object.
    pub(crate) fn from_slice_reference(body: &'a [u8]) -> Result<Self, DecodeError> {
        match serde_json::from_slice::<ObjectOr<RawEnvelope<'a>>>(body) {
            Ok(ObjectOr(Ok(raw))) => Ok(raw),
            Ok(ObjectOr(Err(kind))) => Err(DecodeError::NotAnObject {
                found: kind.describe(),
            }),
            Err(e) => Err(DecodeError::InvalidJson {
                reason: e.to_string(),
            }),
        }
    }
}

/// A value of any JSON type, recorded as a [`Field`]. Non-scalar values are skipped.
struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Num(v.into()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Num(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Field::Other(JsonKind::Number), Field::Num))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Field::Other(JsonKind::Bool))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Field::Other(JsonKind::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other(JsonKind::Array))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other(JsonKind::Object))
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

/// Types gathered from a JSON object by a streaming pass.
trait FromObject<'de>: Sized {
    fn from_object<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// An object gathered as `T`, or the JSON type found instead of an object.
struct ObjectOr<T>(Result<T, JsonKind>);

impl<'de, T: FromObject<'de>> Deserialize<'de> for ObjectOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectOrVisitor(PhantomData))
            .map(ObjectOr)
    }
}

struct ObjectOrVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject<'de>> Visitor<'de> for ObjectOrVisitor<T> {
    type Value = Result<T, JsonKind>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::from_object(map).map(Ok)
    }
    fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::String))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::String))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Number))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Bool))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(JsonKind::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(JsonKind::Array))
    }
}

/// Reads the next member name (borrowed when it has no escapes); `None` at the end.
fn next_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Cow<'de, str>>, A::Error> {
    Ok(map.next_key::<Field<'de>>()?.map(|key| match key {
        Field::Str(s) => s,
        // serde_json member names are always strings.
        _ => Cow::Borrowed(""),
    }))
}

impl<'de> FromObject<'de> for RawEnvelope<'de> {
    fn from_object<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut raw = RawEnvelope::default();
        while let Some(key) = next_key(&mut map)? {
            match key.as_ref() {
                "message" => raw.message = Some(map.next_value::<ObjectOr<RawMessage<'de>>>()?.0),
                "subscription" => raw.subscription = map.next_value()?,
                "deliveryAttempt" => raw.delivery_attempt = map.next_value()?,
                "delivery_attempt" => raw.delivery_attempt_snake = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(raw)
    }
}

impl<'de> FromObject<'de> for RawMessage<'de> {
    fn from_object<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut raw = RawMessage::default();
        while let Some(key) = next_key(&mut map)? {
            if key == "attributes" {
                raw.attributes = match map.next_value::<ObjectOr<RawAttributes<'de>>>()?.0 {
                    Err(JsonKind::Null) => None,
                    other => Some(other.map(|a| a.0)),
                };
            } else if let Some(slot) = raw.scalar_mut(&key) {
                *slot = map.next_value()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(raw)
    }
}

/// The attributes in document order (one tree is built later, from these).
struct RawAttributes<'a>(Vec<(String, Field<'a>)>);

impl<'de> FromObject<'de> for RawAttributes<'de> {
    fn from_object<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = next_key(&mut map)? {
            out.push((key.into_owned(), map.next_value()?));
        }
        Ok(RawAttributes(out))
    }
}

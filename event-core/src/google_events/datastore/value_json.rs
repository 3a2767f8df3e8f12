//! proto3 JSON for a Datastore [`Value`] (one member naming its kind, plus `meaning` and
//! `excludeFromIndexes`) and a key's [`PathElement`] (`kind` plus `id` or `name`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ArrayValue, Entity, IdType, Key, PathElement, Value, ValueKind};
use crate::google_events::json::{Base64, Bytes, Double, Int64, NullMember, Nullable, F64, I64};
use crate::google_events::wkt::{LatLng, Timestamp};

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match &self.kind {
            None => {}
            Some(ValueKind::NullValue(_)) => map.serialize_entry("nullValue", &())?,
            Some(ValueKind::BooleanValue(b)) => map.serialize_entry("booleanValue", b)?,
            Some(ValueKind::IntegerValue(i)) => map.serialize_entry("integerValue", &Int64(*i))?,
            Some(ValueKind::DoubleValue(d)) => map.serialize_entry("doubleValue", &Double(*d))?,
            Some(ValueKind::TimestampValue(t)) => map.serialize_entry("timestampValue", t)?,
            Some(ValueKind::KeyValue(k)) => map.serialize_entry("keyValue", k)?,
            Some(ValueKind::StringValue(v)) => map.serialize_entry("stringValue", v)?,
            Some(ValueKind::BlobValue(b)) => map.serialize_entry("blobValue", &Base64(b))?,
            Some(ValueKind::GeoPointValue(g)) => map.serialize_entry("geoPointValue", g)?,
            Some(ValueKind::EntityValue(e)) => map.serialize_entry("entityValue", e)?,
            Some(ValueKind::ArrayValue(a)) => map.serialize_entry("arrayValue", a)?,
        }
        if self.meaning != 0 {
            map.serialize_entry("meaning", &self.meaning)?;
        }
        if self.exclude_from_indexes {
            map.serialize_entry("excludeFromIndexes", &true)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Datastore value: an object with one member naming its kind")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut value = Value::default();
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    let kind = match name.as_ref() {
                        "nullValue" | "null_value" => {
                            map.next_value::<NullMember>()?;
                            ValueKind::NullValue(0)
                        }
                        "booleanValue" | "boolean_value" => {
                            ValueKind::BooleanValue(map.next_value::<Nullable<bool>>()?.0)
                        }
                        "integerValue" | "integer_value" => {
                            ValueKind::IntegerValue(map.next_value::<I64>()?.0)
                        }
                        "doubleValue" | "double_value" => {
                            ValueKind::DoubleValue(map.next_value::<F64>()?.0)
                        }
                        "timestampValue" | "timestamp_value" => {
                            ValueKind::TimestampValue(map.next_value::<Timestamp>()?)
                        }
                        "keyValue" | "key_value" => ValueKind::KeyValue(map.next_value::<Key>()?),
                        "stringValue" | "string_value" => {
                            ValueKind::StringValue(map.next_value::<Nullable<String>>()?.0)
                        }
                        "blobValue" | "blob_value" => {
                            ValueKind::BlobValue(map.next_value::<Bytes>()?.0)
                        }
                        "geoPointValue" | "geo_point_value" => {
                            ValueKind::GeoPointValue(map.next_value::<LatLng>()?)
                        }
                        "entityValue" | "entity_value" => {
                            ValueKind::EntityValue(map.next_value::<Entity>()?)
                        }
                        "arrayValue" | "array_value" => {
                            ValueKind::ArrayValue(map.next_value::<ArrayValue>()?)
                        }
                        "meaning" => {
                            value.meaning = i32::try_from(map.next_value::<I64>()?.0)
                                .map_err(serde::de::Error::custom)?;
                            continue;
                        }
                        "excludeFromIndexes" | "exclude_from_indexes" => {
                            value.exclude_from_indexes = map.next_value::<Nullable<bool>>()?.0;
                            continue;
                        }
                        _ => {
                            // Unknown members are ignored (schema growth).
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    value.kind = Some(kind);
                }
                Ok(value)
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for PathElement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if !self.kind.is_empty() {
            map.serialize_entry("kind", &self.kind)?;
        }
        match &self.id_type {
            None => {}
            Some(IdType::Id(id)) => map.serialize_entry("id", &Int64(*id))?,
            Some(IdType::Name(name)) => map.serialize_entry("name", name)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PathElement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PathElement;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key path element")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PathElement, A::Error> {
                let mut element = PathElement::default();
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    match name.as_ref() {
                        "kind" => element.kind = map.next_value::<Nullable<String>>()?.0,
                        "id" => element.id_type = Some(IdType::Id(map.next_value::<I64>()?.0)),
                        "name" => {
                            let name = map.next_value::<Nullable<String>>()?.0;
                            element.id_type = Some(IdType::Name(name));
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(element)
            }
        }
        d.deserialize_map(V)
    }
}

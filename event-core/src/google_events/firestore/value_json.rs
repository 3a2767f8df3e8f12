//! proto3 JSON for a Firestore [`Value`]: an object whose one member names the kind.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{ArrayValue, MapValue, Value, ValueKind};
use crate::google_events::json::{Base64, Bytes, Double, Int64, NullMember, Nullable, F64, I64};
use crate::google_events::wkt::{LatLng, Timestamp};

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(kind) = &self.kind else {
            return s.serialize_map(Some(0))?.end();
        };
        let mut map = s.serialize_map(Some(1))?;
        match kind {
            ValueKind::NullValue(_) => map.serialize_entry("nullValue", &())?,
            ValueKind::BooleanValue(b) => map.serialize_entry("booleanValue", b)?,
            ValueKind::IntegerValue(i) => map.serialize_entry("integerValue", &Int64(*i))?,
            ValueKind::DoubleValue(d) => map.serialize_entry("doubleValue", &Double(*d))?,
            ValueKind::TimestampValue(t) => map.serialize_entry("timestampValue", t)?,
            ValueKind::StringValue(v) => map.serialize_entry("stringValue", v)?,
            ValueKind::BytesValue(b) => map.serialize_entry("bytesValue", &Base64(b))?,
            ValueKind::ReferenceValue(r) => map.serialize_entry("referenceValue", r)?,
            ValueKind::GeoPointValue(g) => map.serialize_entry("geoPointValue", g)?,
            ValueKind::ArrayValue(a) => map.serialize_entry("arrayValue", a)?,
            ValueKind::MapValue(m) => map.serialize_entry("mapValue", m)?,
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
                f.write_str("a Firestore value: an object with one member naming its kind")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut kind = None;
                while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    kind = Some(match name.as_ref() {
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
                        "stringValue" | "string_value" => {
                            ValueKind::StringValue(map.next_value::<Nullable<String>>()?.0)
                        }
                        "bytesValue" | "bytes_value" => {
                            ValueKind::BytesValue(map.next_value::<Bytes>()?.0)
                        }
                        "referenceValue" | "reference_value" => {
                            ValueKind::ReferenceValue(map.next_value::<Nullable<String>>()?.0)
                        }
                        "geoPointValue" | "geo_point_value" => {
                            ValueKind::GeoPointValue(map.next_value::<LatLng>()?)
                        }
                        "arrayValue" | "array_value" => {
                            ValueKind::ArrayValue(map.next_value::<ArrayValue>()?)
                        }
                        "mapValue" | "map_value" => {
                            ValueKind::MapValue(map.next_value::<MapValue>()?)
                        }
                        _ => {
                            // Unknown members are ignored (schema growth).
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    });
                }
                Ok(Value { kind })
            }
        }
        d.deserialize_map(V)
    }
}

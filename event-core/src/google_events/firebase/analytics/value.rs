//! An Analytics parameter or user property value.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::google_events::json::{Double, Int64, Nullable, F64, I64};

/// A parameter or property value: text, an integer or a number. In JSON an object with one
/// member naming its kind.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct AnalyticsValue {
    /// The value; `None` when unset.
    #[prost(oneof = "AnalyticsKind", tags = "1, 2, 3, 4")]
    pub kind: Option<AnalyticsKind>,
}

/// The kinds of an [`AnalyticsValue`].
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof)]
pub enum AnalyticsKind {
    /// `stringValue` (1).
    #[prost(string, tag = "1")]
    StringValue(String),
    /// `intValue` (2): a string in JSON.
    #[prost(int64, tag = "2")]
    IntValue(i64),
    /// `floatValue` (3).
    #[prost(float, tag = "3")]
    FloatValue(f32),
    /// `doubleValue` (4).
    #[prost(double, tag = "4")]
    DoubleValue(f64),
}

impl Serialize for AnalyticsValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match &self.kind {
            None => {}
            Some(AnalyticsKind::StringValue(v)) => map.serialize_entry("stringValue", v)?,
            Some(AnalyticsKind::IntValue(v)) => map.serialize_entry("intValue", &Int64(*v))?,
            Some(AnalyticsKind::FloatValue(v)) => {
                map.serialize_entry("floatValue", &Double(f64::from(*v)))?;
            }
            Some(AnalyticsKind::DoubleValue(v)) => {
                map.serialize_entry("doubleValue", &Double(*v))?
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AnalyticsValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnalyticsValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Analytics value: an object with one member naming its kind")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnalyticsValue, A::Error> {
                let mut value = AnalyticsValue::default();
                while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    value.kind = Some(match name.as_ref() {
                        "stringValue" | "string_value" => {
                            AnalyticsKind::StringValue(map.next_value::<Nullable<String>>()?.0)
                        }
                        "intValue" | "int_value" => {
                            AnalyticsKind::IntValue(map.next_value::<I64>()?.0)
                        }
                        #[allow(clippy::cast_possible_truncation)]
                        "floatValue" | "float_value" => {
                            AnalyticsKind::FloatValue(map.next_value::<F64>()?.0 as f32)
                        }
                        "doubleValue" | "double_value" => {
                            AnalyticsKind::DoubleValue(map.next_value::<F64>()?.0)
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    });
                }
                Ok(value)
            }
        }
        d.deserialize_map(V)
    }
}

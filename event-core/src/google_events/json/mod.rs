//! proto3 JSON, field by field: the `serde(with = …)` helpers the data types use. Readers are
//! lenient where the proto3 JSON mapping says parsers must be (64-bit integers as strings or
//! numbers, `null` for a default, either base64 alphabet, enums by name or number, doubles as
//! numbers or `"NaN"`/`"Infinity"`); writers emit the canonical form (64-bit integers as
//! strings, standard base64, enums by name, defaults left out).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

mod enums;
mod members;

pub(crate) use enums::{
    enum_deserialize, enum_serialize, enums_deserialize, enums_serialize, proto_enum, ProtoEnum,
};
pub(crate) use members::{Base64, Bytes, Double, Int64, NullMember, Nullable, F64, I64};

/// Whether a value is its type's default, which proto3 JSON leaves out.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Any field whose JSON form is the type's own, with `null` read as the default.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// A number that JSON may carry as a number or as a decimal string.
pub(crate) trait Integer: Sized + Copy + Default + fmt::Display + std::str::FromStr {
    fn from_i64(v: i64) -> Option<Self>;
    fn from_u64(v: u64) -> Option<Self>;
    fn from_f64(v: f64) -> Option<Self>;
}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl Integer for $t {
            fn from_i64(v: i64) -> Option<Self> {
                Self::try_from(v).ok()
            }
            fn from_u64(v: u64) -> Option<Self> {
                Self::try_from(v).ok()
            }
            fn from_f64(v: f64) -> Option<Self> {
                // An integral double in range (`1e3`, `5.0`) is accepted, as by protobuf's parsers.
                #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
                let whole = v as i128;
                #[allow(clippy::cast_precision_loss)]
                let exact = v.fract() == 0.0 && (whole as f64) == v;
                if exact { Self::try_from(whole).ok() } else { None }
            }
        }
    )*};
}
integer!(i32, i64, u32, u64);

struct IntegerVisitor<T>(PhantomData<T>);

impl<'de, T: Integer> Visitor<'de> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, as a JSON number or a decimal string")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::custom("integer out of range"))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::custom("integer out of range"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::custom("not an integer"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        if let Ok(n) = v.parse::<T>() {
            return Ok(n);
        }
        // Exponent notation in a string ("1e3") is accepted as well.
        v.parse::<f64>()
            .ok()
            .and_then(T::from_f64)
            .ok_or_else(|| E::custom("not an integer"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

fn integer<'de, D: Deserializer<'de>, T: Integer>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(IntegerVisitor(PhantomData))
}

/// `int64`, `uint64` and their kin: written as a decimal string, read from a string or a number.
pub(crate) mod int64 {
    use super::*;

    pub(crate) fn serialize<T: Integer, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, T: Integer, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        integer(d)
    }
}

/// `double`/`float`: written as a number (or `"NaN"`, `"Infinity"`, `"-Infinity"`), read from a
/// number or one of those strings or a decimal string.
pub(crate) mod double {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_str("NaN")
        } else if v.is_infinite() {
            s.serialize_str(if *v > 0.0 { "Infinity" } else { "-Infinity" })
        } else {
            s.serialize_f64(*v)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = f64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, \"NaN\", \"Infinity\" or \"-Infinity\"")
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
                Ok(v as f64)
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
                match v {
                    "NaN" => Ok(f64::NAN),
                    "Infinity" => Ok(f64::INFINITY),
                    "-Infinity" => Ok(f64::NEG_INFINITY),
                    other => other.parse().map_err(|_| E::custom("not a number")),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
                Ok(0.0)
            }
        }
        d.deserialize_any(V)
    }
}

/// `bytes`: written as standard base64, read from standard or URL-safe base64, padded or not.
pub(crate) mod bytes {
    use base64::Engine as _;

    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text: Option<std::borrow::Cow<'de, str>> = Deserialize::deserialize(d)?;
        let Some(text) = text else {
            return Ok(Vec::new());
        };
        decode(&text).ok_or_else(|| de::Error::custom("invalid base64"))
    }

    pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
        use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        use base64::engine::DecodePaddingMode;
        let lenient = GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true);
        let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
        let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
        if text.contains(['-', '_']) {
            url_safe.decode(text).ok()
        } else {
            standard.decode(text).ok()
        }
    }
}

/// `google.protobuf.NullValue` in a JSON `oneof` member: read from `null`, `0` or
/// `"NULL_VALUE"`, written as `null`.
pub(crate) mod null_value {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<(), D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_none<E: de::Error>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
                Ok(())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
                Ok(())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
                Ok(())
            }
        }
        d.deserialize_any(V)
    }
}

/// `repeated bytes` and `map<string, bytes>`: each value as base64.
pub(crate) mod bytes_each {
    use std::collections::BTreeMap;

    use super::*;

    /// One `bytes` value inside a list or map.
    struct Item(Vec<u8>);

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            bytes::deserialize(d).map(Item)
        }
    }

    pub(crate) fn serialize_vec<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|b| Base64(b)))
    }

    pub(crate) fn deserialize_vec<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Vec<u8>>, D::Error> {
        let items: Option<Vec<Item>> = Deserialize::deserialize(d)?;
        Ok(items.unwrap_or_default().into_iter().map(|i| i.0).collect())
    }

    pub(crate) fn serialize_map<S: Serializer>(
        v: &BTreeMap<String, Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(v.iter().map(|(k, b)| (k, Base64(b))))
    }

    pub(crate) fn deserialize_map<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Vec<u8>>, D::Error> {
        let items: Option<BTreeMap<String, Item>> = Deserialize::deserialize(d)?;
        Ok(items
            .unwrap_or_default()
            .into_iter()
            .map(|(k, i)| (k, i.0))
            .collect())
    }
}

//! proto3 JSON, field by field: the `serde(with = …)` helpers the data types use. Readers are
//! lenient where the proto3 JSON mapping says parsers must be (64-bit integers as strings or
//! numbers, `null` for a default, either base64 alphabet, enums by name or number, doubles as
//! numbers or `"NaN"`/`"Infinity"`); writers emit the canonical form (64-bit integers as
//! strings, standard base64, enums by name, defaults left out).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

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

/// A proto enum: its numbers and its proto names, both ways.
pub(crate) trait ProtoEnum {
    /// The proto name of `number`, when it is a known value.
    fn name_of(number: i32) -> Option<&'static str>;
    /// The number of the proto name `name`, when it is a known value.
    fn number_of(name: &str) -> Option<i32>;
}

/// An enum field (an `i32` in the message): written by name (by number when unknown, so
/// nothing is lost), read from a name or a number; an unknown name reads as the default (0),
/// as protobuf's JSON parsers do when told to ignore unknown fields.
pub(crate) fn enum_serialize<E: ProtoEnum, S: Serializer>(
    v: &i32,
    s: S,
) -> Result<S::Ok, S::Error> {
    match E::name_of(*v) {
        Some(name) => s.serialize_str(name),
        None => s.serialize_i32(*v),
    }
}

/// See [`enum_serialize`].
pub(crate) fn enum_deserialize<'de, E: ProtoEnum, D: Deserializer<'de>>(
    d: D,
) -> Result<i32, D::Error> {
    struct V<E>(PhantomData<E>);
    impl<E: ProtoEnum> Visitor<'_> for V<E> {
        type Value = i32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum value's name or number")
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<i32, Er> {
            Ok(E::number_of(v).unwrap_or(0))
        }
        fn visit_i64<Er: de::Error>(self, v: i64) -> Result<i32, Er> {
            i32::try_from(v).map_err(|_| Er::custom("enum number out of range"))
        }
        fn visit_u64<Er: de::Error>(self, v: u64) -> Result<i32, Er> {
            i32::try_from(v).map_err(|_| Er::custom("enum number out of range"))
        }
        fn visit_unit<Er: de::Error>(self) -> Result<i32, Er> {
            Ok(0)
        }
    }
    d.deserialize_any(V::<E>(PhantomData))
}

/// Declares a proto enum: a prost enumeration, with each value's proto name for JSON.
macro_rules! proto_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $number:literal => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Enumeration)]
        #[repr(i32)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant = $number,)*
        }

        impl $crate::google_events::json::ProtoEnum for $name {
            fn name_of(number: i32) -> Option<&'static str> {
                match number {
                    $($number => Some($text),)*
                    _ => None,
                }
            }
            fn number_of(name: &str) -> Option<i32> {
                match name {
                    $($text => Some($number),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use proto_enum;

// Members of hand-written message forms (a oneof's one member), one rule each.

/// A `bytes` member, written as base64.
pub(crate) struct Base64<'a>(pub(crate) &'a [u8]);

impl Serialize for Base64<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        bytes::serialize(self.0, s)
    }
}

/// An `int64` member, written as a string.
pub(crate) struct Int64(pub(crate) i64);

impl Serialize for Int64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        int64::serialize(&self.0, s)
    }
}

/// A `double` member, `NaN` and infinities as strings.
pub(crate) struct Double(pub(crate) f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        double::serialize(&self.0, s)
    }
}

/// `null`, `0` or `"NULL_VALUE"`.
pub(crate) struct NullMember;

impl<'de> Deserialize<'de> for NullMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        null_value::deserialize(d).map(|()| NullMember)
    }
}

/// A member whose `null` means the default.
pub(crate) struct Nullable<T>(pub(crate) T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        nullable(d).map(Nullable)
    }
}

pub(crate) struct I64(pub(crate) i64);

impl<'de> Deserialize<'de> for I64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int64::deserialize(d).map(I64)
    }
}

pub(crate) struct F64(pub(crate) f64);

impl<'de> Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        double::deserialize(d).map(F64)
    }
}

pub(crate) struct Bytes(pub(crate) Vec<u8>);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bytes::deserialize(d).map(Bytes)
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

/// A repeated enum field: each value by name (see [`enum_serialize`]).
pub(crate) fn enums_serialize<E: ProtoEnum, S: Serializer>(
    v: &[i32],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for n in v {
        match E::name_of(*n) {
            Some(name) => seq.serialize_element(name)?,
            None => seq.serialize_element(n)?,
        }
    }
    seq.end()
}

/// See [`enums_serialize`]; `null` is empty.
pub(crate) fn enums_deserialize<'de, E: ProtoEnum, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<i32>, D::Error> {
    struct One<E>(i32, PhantomData<E>);
    impl<'de, E: ProtoEnum> Deserialize<'de> for One<E> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            enum_deserialize::<E, D>(d).map(|n| One(n, PhantomData))
        }
    }
    let values: Option<Vec<One<E>>> = Deserialize::deserialize(d)?;
    Ok(values
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.0)
        .collect())
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

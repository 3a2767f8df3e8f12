//! proto3 JSON for enums: by name when known, read from a name or a number.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

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

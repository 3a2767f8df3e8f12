//! The members of hand-written message forms (a oneof's one member), one rule each.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{bytes, double, int64, null_value, nullable};

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

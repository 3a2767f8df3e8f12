//! Firestore document events (`google.events.cloud.firestore.v1`): the data of
//! `google.cloud.firestore.document.v1.{created,updated,deleted,written}` and their
//! `…withAuthContext` forms. Eventarc sends it as protobuf (`application/protobuf`) unless the
//! trigger asks for JSON.
//!
//! A document's fields are a tree of [`Value`]s; [`Document::to_json`] turns them into plain
//! JSON and [`Document::deserialize`] straight into your own type:
//!
//! ```
//! use gcp_events_core::google_events::firestore::{Document, Value, ValueKind};
//!
//! #[derive(serde::Deserialize)]
//! struct User { name: String, age: u32 }
//!
//! let mut document = Document::default();
//! document.fields.insert("name".into(), Value::from(ValueKind::StringValue("Ada".into())));
//! document.fields.insert("age".into(), Value::from(ValueKind::IntegerValue(36)));
//! let user: User = document.deserialize()?;
//! assert_eq!((user.name.as_str(), user.age), ("Ada", 36));
//! assert_eq!(document.to_json(), serde_json::json!({"name": "Ada", "age": 36}));
//! # Ok::<(), gcp_events_core::google_events::PlainValueError>(())
//! ```

mod value_json;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::json;
use super::plain::{plain_methods, Plain, PlainValue};
use super::wkt::{LatLng, Timestamp};

/// The data of every Firestore document event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentEventData {
    /// The document after the change; absent for a delete.
    #[prost(message, optional, tag = "1")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Document>,
    /// The document before the change; present for updates and deletes.
    #[prost(message, optional, tag = "2")]
    #[serde(default, alias = "old_value", skip_serializing_if = "Option::is_none")]
    pub old_value: Option<Document>,
    /// The fields an update changed.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "update_mask",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_mask: Option<DocumentMask>,
}

/// A set of field paths (`a.b`, `` `x&y` ``).
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentMask {
    /// The field paths.
    #[prost(string, repeated, tag = "1")]
    #[serde(
        default,
        alias = "field_paths",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub field_paths: Vec<String>,
}

/// A Firestore document.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Its resource name: `projects/{project}/databases/{database}/documents/{path}`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Its fields, by name.
    #[prost(btree_map = "string, message", tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub fields: BTreeMap<String, Value>,
    /// When it was created.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[prost(message, optional, tag = "4")]
    #[serde(
        default,
        alias = "update_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_time: Option<Timestamp>,
}

/// One value in a document. In JSON, an object with one member naming its kind
/// (`{"integerValue": "7"}`); see [`ValueKind`].
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Value {
    /// Which kind of value, and the value; `None` when unset.
    #[prost(oneof = "ValueKind", tags = "11, 1, 2, 3, 10, 17, 18, 5, 8, 9, 6")]
    pub kind: Option<ValueKind>,
}

impl From<ValueKind> for Value {
    fn from(kind: ValueKind) -> Self {
        Self { kind: Some(kind) }
    }
}

/// The kinds of a Firestore [`Value`], with their protobuf numbers and JSON names.
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof)]
pub enum ValueKind {
    /// `nullValue` (11): null.
    #[prost(enumeration = "super::NullValue", tag = "11")]
    NullValue(i32),
    /// `booleanValue` (1).
    #[prost(bool, tag = "1")]
    BooleanValue(bool),
    /// `integerValue` (2): a 64-bit integer (a string in JSON).
    #[prost(int64, tag = "2")]
    IntegerValue(i64),
    /// `doubleValue` (3).
    #[prost(double, tag = "3")]
    DoubleValue(f64),
    /// `timestampValue` (10), precise to microseconds.
    #[prost(message, tag = "10")]
    TimestampValue(Timestamp),
    /// `stringValue` (17).
    #[prost(string, tag = "17")]
    StringValue(String),
    /// `bytesValue` (18): base64 in JSON.
    #[prost(bytes = "vec", tag = "18")]
    BytesValue(Vec<u8>),
    /// `referenceValue` (5): another document's resource name.
    #[prost(string, tag = "5")]
    ReferenceValue(String),
    /// `geoPointValue` (8).
    #[prost(message, tag = "8")]
    GeoPointValue(LatLng),
    /// `arrayValue` (9).
    #[prost(message, tag = "9")]
    ArrayValue(ArrayValue),
    /// `mapValue` (6).
    #[prost(message, tag = "6")]
    MapValue(MapValue),
}

/// An array of values.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
pub struct ArrayValue {
    /// The values, in order.
    #[prost(message, repeated, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub values: Vec<Value>,
}

/// A map of values, by field name.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
pub struct MapValue {
    /// The fields.
    #[prost(btree_map = "string, message", tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub fields: BTreeMap<String, Value>,
}

impl From<Vec<Value>> for ArrayValue {
    fn from(values: Vec<Value>) -> Self {
        Self { values }
    }
}

impl From<BTreeMap<String, Value>> for MapValue {
    fn from(fields: BTreeMap<String, Value>) -> Self {
        Self { fields }
    }
}

impl super::GoogleEventData for DocumentEventData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.firestore.v1.DocumentEventData";
}

impl PlainValue for Value {
    fn plain(&self) -> Plain<'_, Self> {
        match &self.kind {
            None | Some(ValueKind::NullValue(_)) => Plain::Null,
            Some(ValueKind::BooleanValue(b)) => Plain::Bool(*b),
            Some(ValueKind::IntegerValue(i)) => Plain::Int(*i),
            Some(ValueKind::DoubleValue(d)) => Plain::Double(*d),
            Some(ValueKind::TimestampValue(t)) => Plain::Time(t),
            Some(ValueKind::StringValue(s) | ValueKind::ReferenceValue(s)) => Plain::Str(s),
            Some(ValueKind::BytesValue(b)) => Plain::Bytes(b),
            Some(ValueKind::GeoPointValue(g)) => Plain::Geo(g),
            Some(ValueKind::ArrayValue(a)) => Plain::Array(&a.values),
            Some(ValueKind::MapValue(m)) => Plain::Map(&m.fields),
        }
    }
}

plain_methods!(Value);
plain_methods!(MapValue, fields);
plain_methods!(Document, fields);

impl Document {
    /// The last segment of the document's name: its id (`…/documents/users/ada` → `ada`).
    pub fn id(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or_default()
    }
}

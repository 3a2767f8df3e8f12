//! Firestore in Datastore mode entity events (`google.events.cloud.datastore.v1`): the data of
//! `google.cloud.datastore.entity.v1.{created,updated,deleted,written}` and their
//! `…withAuthContext` forms, sent as protobuf unless the trigger asks for JSON. Its `Value` is
//! not Firestore's (keys, blobs, embedded entities, `meaning`, `excludeFromIndexes`): a
//! Datastore event never decodes as a Firestore one.
//!
//! An entity's properties read as plain values like a Firestore document's:
//! [`Entity::to_json`], [`Entity::deserialize`].

mod value_json;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::json;
use super::plain::{plain_methods, Plain, PlainValue};
use super::wkt::{LatLng, Timestamp};

/// The data of every Datastore-mode entity event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityEventData {
    /// The entity after the change; absent for a delete.
    #[prost(message, optional, tag = "1")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<EntityResult>,
    /// The entity before the change; present for updates and deletes.
    #[prost(message, optional, tag = "2")]
    #[serde(default, alias = "old_value", skip_serializing_if = "Option::is_none")]
    pub old_value: Option<EntityResult>,
    /// The properties an update changed.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "update_mask",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_mask: Option<PropertyMask>,
}

/// A set of property paths.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyMask {
    /// The property paths.
    #[prost(string, repeated, tag = "1")]
    #[serde(
        default,
        alias = "property_paths",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub property_paths: Vec<String>,
}

/// An entity as read: the entity and its version and times.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityResult {
    /// The entity.
    #[prost(message, optional, tag = "1")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<Entity>,
    /// Its version: grows with every change.
    #[prost(int64, tag = "4")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub version: i64,
    /// When it was created.
    #[prost(message, optional, tag = "6")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[prost(message, optional, tag = "5")]
    #[serde(
        default,
        alias = "update_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_time: Option<Timestamp>,
    /// A query cursor (set only in query results).
    #[prost(bytes = "vec", tag = "3")]
    #[serde(default, with = "json::bytes", skip_serializing_if = "Vec::is_empty")]
    pub cursor: Vec<u8>,
}

/// A Datastore entity: its key and its properties.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    /// The entity's key (an embedded entity may have none).
    #[prost(message, optional, tag = "1")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    /// Its properties, by name.
    #[prost(btree_map = "string, message", tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, Value>,
}

/// The partition an entity belongs to: project, database and namespace.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionId {
    /// The project.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "project_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub project_id: String,
    /// The database (empty for the default one).
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "database_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub database_id: String,
    /// The namespace (empty for the default one).
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "namespace_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub namespace_id: String,
}

/// An entity's key: its partition and its path from the root entity.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    /// The partition.
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        alias = "partition_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition_id: Option<PartitionId>,
    /// The path: (kind, id or name) pairs from the root entity to this one.
    #[prost(message, repeated, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub path: Vec<PathElement>,
}

/// One step of a key's path: a kind and, when complete, a numeric id or a name.
#[derive(Clone, PartialEq, Eq, ::prost::Message)]
pub struct PathElement {
    /// The entity's kind.
    #[prost(string, tag = "1")]
    pub kind: String,
    /// Its id or name; `None` for an incomplete key.
    #[prost(oneof = "IdType", tags = "2, 3")]
    pub id_type: Option<IdType>,
}

/// A path element's identifier.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, ::prost::Oneof)]
pub enum IdType {
    /// `id` (2): an allocated numeric id (a string in JSON).
    #[prost(int64, tag = "2")]
    Id(i64),
    /// `name` (3): a name.
    #[prost(string, tag = "3")]
    Name(String),
}

/// One property value, with its index settings. In JSON, an object with one member naming
/// its kind, plus `meaning` and `excludeFromIndexes` when set.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Value {
    /// Which kind of value, and the value; `None` when unset.
    #[prost(oneof = "ValueKind", tags = "11, 1, 2, 3, 10, 5, 17, 18, 8, 6, 9")]
    pub kind: Option<ValueKind>,
    /// A legacy meaning, kept for compatibility.
    #[prost(int32, tag = "14")]
    pub meaning: i32,
    /// Whether the value is left out of every index.
    #[prost(bool, tag = "19")]
    pub exclude_from_indexes: bool,
}

impl From<ValueKind> for Value {
    fn from(kind: ValueKind) -> Self {
        Self {
            kind: Some(kind),
            ..Self::default()
        }
    }
}

/// The kinds of a Datastore [`Value`], with their protobuf numbers and JSON names.
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof)]
pub enum ValueKind {
    /// `nullValue` (11).
    #[prost(enumeration = "super::NullValue", tag = "11")]
    NullValue(i32),
    /// `booleanValue` (1).
    #[prost(bool, tag = "1")]
    BooleanValue(bool),
    /// `integerValue` (2): a string in JSON.
    #[prost(int64, tag = "2")]
    IntegerValue(i64),
    /// `doubleValue` (3).
    #[prost(double, tag = "3")]
    DoubleValue(f64),
    /// `timestampValue` (10).
    #[prost(message, tag = "10")]
    TimestampValue(Timestamp),
    /// `keyValue` (5): another entity's key.
    #[prost(message, tag = "5")]
    KeyValue(Key),
    /// `stringValue` (17).
    #[prost(string, tag = "17")]
    StringValue(String),
    /// `blobValue` (18): base64 in JSON.
    #[prost(bytes = "vec", tag = "18")]
    BlobValue(Vec<u8>),
    /// `geoPointValue` (8).
    #[prost(message, tag = "8")]
    GeoPointValue(LatLng),
    /// `entityValue` (6): an embedded entity.
    #[prost(message, tag = "6")]
    EntityValue(Entity),
    /// `arrayValue` (9).
    #[prost(message, tag = "9")]
    ArrayValue(ArrayValue),
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

impl From<Vec<Value>> for ArrayValue {
    fn from(values: Vec<Value>) -> Self {
        Self { values }
    }
}

impl super::GoogleEventData for EntityEventData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.datastore.v1.EntityEventData";
}

impl PlainValue for Value {
    fn plain(&self) -> Plain<'_, Self> {
        match &self.kind {
            None | Some(ValueKind::NullValue(_)) => Plain::Null,
            Some(ValueKind::BooleanValue(b)) => Plain::Bool(*b),
            Some(ValueKind::IntegerValue(i)) => Plain::Int(*i),
            Some(ValueKind::DoubleValue(d)) => Plain::Double(*d),
            Some(ValueKind::TimestampValue(t)) => Plain::Time(t),
            Some(ValueKind::KeyValue(k)) => {
                Plain::Json(serde_json::to_value(k).unwrap_or_default())
            }
            Some(ValueKind::StringValue(s)) => Plain::Str(s),
            Some(ValueKind::BlobValue(b)) => Plain::Bytes(b),
            Some(ValueKind::GeoPointValue(g)) => Plain::Geo(g),
            Some(ValueKind::EntityValue(e)) => Plain::Map(&e.properties),
            Some(ValueKind::ArrayValue(a)) => Plain::Array(&a.values),
        }
    }
}

plain_methods!(Value);
plain_methods!(Entity, properties);

//! Cloud Storage object events (`google.events.cloud.storage.v1`): the data of
//! `google.cloud.storage.object.v1.{finalized,archived,deleted,metadataUpdated}`, sent as JSON.
//!
//! This is the full type, in both encodings, with times as [`Timestamp`]s. The lighter
//! `cloudevents::StorageObjectData` (JSON only, times as text) stays for code that does not
//! enable the `google-events` feature.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::json;
use super::wkt::Timestamp;

/// The data of every Cloud Storage object event: the object's metadata.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageObjectData {
    /// `Content-Encoding`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "content_encoding",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub content_encoding: String,
    /// `Content-Disposition`.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "content_disposition",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub content_disposition: String,
    /// `Cache-Control`.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "cache_control",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub cache_control: String,
    /// `Content-Language`.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        alias = "content_language",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub content_language: String,
    /// The metadata's version within this generation.
    #[prost(int64, tag = "6")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub metageneration: i64,
    /// When this version was deleted (deleted or archived objects).
    #[prost(message, optional, tag = "7")]
    #[serde(
        default,
        alias = "time_deleted",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_deleted: Option<Timestamp>,
    /// `Content-Type`.
    #[prost(string, tag = "8")]
    #[serde(
        default,
        alias = "content_type",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub content_type: String,
    /// Size in bytes.
    #[prost(int64, tag = "9")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub size: i64,
    /// When the object was created.
    #[prost(message, optional, tag = "10")]
    #[serde(
        default,
        alias = "time_created",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_created: Option<Timestamp>,
    /// CRC32C checksum, base64, big-endian.
    #[prost(string, tag = "11")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub crc32c: String,
    /// How many objects a composite object was composed of.
    #[prost(int32, tag = "12")]
    #[serde(
        default,
        alias = "component_count",
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub component_count: i32,
    /// MD5 hash, base64.
    #[prost(string, tag = "13")]
    #[serde(
        default,
        alias = "md5_hash",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub md5_hash: String,
    /// HTTP entity tag.
    #[prost(string, tag = "14")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub etag: String,
    /// When the metadata last changed.
    #[prost(message, optional, tag = "15")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Storage class, e.g. `STANDARD`.
    #[prost(string, tag = "16")]
    #[serde(
        default,
        alias = "storage_class",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub storage_class: String,
    /// The Cloud KMS key that encrypts it, if any.
    #[prost(string, tag = "17")]
    #[serde(
        default,
        alias = "kms_key_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub kms_key_name: String,
    /// When the storage class last changed.
    #[prost(message, optional, tag = "18")]
    #[serde(
        default,
        alias = "time_storage_class_updated",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_storage_class_updated: Option<Timestamp>,
    /// Whether a temporary hold is on it.
    #[prost(bool, tag = "19")]
    #[serde(
        default,
        alias = "temporary_hold",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub temporary_hold: bool,
    /// When a retention policy lets it be deleted.
    #[prost(message, optional, tag = "20")]
    #[serde(
        default,
        alias = "retention_expiration_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub retention_expiration_time: Option<Timestamp>,
    /// User metadata.
    #[prost(btree_map = "string, string", tag = "21")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub metadata: BTreeMap<String, String>,
    /// Whether an event-based hold is on it.
    #[prost(bool, tag = "29")]
    #[serde(
        default,
        alias = "event_based_hold",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub event_based_hold: bool,
    /// The object's name, e.g. `folder/file.txt`.
    #[prost(string, tag = "23")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// `bucket/name/generation`.
    #[prost(string, tag = "24")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// The bucket.
    #[prost(string, tag = "25")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub bucket: String,
    /// The content generation.
    #[prost(int64, tag = "26")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub generation: i64,
    /// The customer-supplied encryption key's description, if any.
    #[prost(message, optional, tag = "28")]
    #[serde(
        default,
        alias = "customer_encryption",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_encryption: Option<CustomerEncryption>,
    /// Link to the object's data.
    #[prost(string, tag = "100")]
    #[serde(
        default,
        alias = "media_link",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub media_link: String,
    /// Link to the object's metadata.
    #[prost(string, tag = "101")]
    #[serde(
        default,
        alias = "self_link",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub self_link: String,
    /// `storage#object`.
    #[prost(string, tag = "102")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub kind: String,
}

/// How a customer-supplied encryption key encrypts the object.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerEncryption {
    /// The algorithm, e.g. `AES256`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "encryption_algorithm",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub encryption_algorithm: String,
    /// SHA-256 of the key, base64.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "key_sha256",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub key_sha256: String,
}

impl super::GoogleEventData for StorageObjectData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.storage.v1.StorageObjectData";
}

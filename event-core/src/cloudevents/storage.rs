//! Cloud Storage object event data (`google.events.cloud.storage.v1.StorageObjectData`).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The data of a Cloud Storage object event (`google.cloud.storage.object.v1.finalized`,
/// `.archived`, `.deleted`, `.metadataUpdated`): the object's metadata, with the field names
/// used on the wire (camelCase).
///
/// Every field is optional and unknown fields are ignored, so a body with fewer or more fields
/// than listed here still deserializes. The 64-bit integers (`generation`, `metageneration`,
/// `size`) and `componentCount` are accepted as JSON strings (proto3 JSON, as Eventarc sends
/// them) or as JSON numbers (as Workflows examples show); they are serialized as strings, the
/// proto3 JSON form. Timestamps are kept as the RFC 3339 text sent.
///
/// ```
/// use gcp_events_core::cloudevents::StorageObjectData;
///
/// let object: StorageObjectData = serde_json::from_str(
///     r#"{"bucket": "my-bucket", "name": "folder/file.txt", "generation": "1587627537231057",
///         "size": 352, "kind": "storage#object", "somethingNew": true}"#,
/// )?;
/// assert_eq!(object.bucket.as_deref(), Some("my-bucket"));
/// assert_eq!(object.name.as_deref(), Some("folder/file.txt"));
/// assert_eq!(object.generation, Some(1_587_627_537_231_057));
/// assert_eq!(object.size, Some(352));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageObjectData {
    /// The bucket that holds the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    /// The object's name, e.g. `folder/file.txt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The object's content generation.
    #[serde(
        default,
        deserialize_with = "int_string_or_number",
        serialize_with = "int_as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub generation: Option<i64>,
    /// The version of the object's metadata within its generation.
    #[serde(
        default,
        deserialize_with = "int_string_or_number",
        serialize_with = "int_as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub metageneration: Option<i64>,
    /// The object's size in bytes.
    #[serde(
        default,
        deserialize_with = "int_string_or_number",
        serialize_with = "int_as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<u64>,
    /// The object's `Content-Type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The object's `Content-Encoding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    /// The object's `Content-Disposition`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    /// The object's `Content-Language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_language: Option<String>,
    /// The object's `Cache-Control`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    /// CRC32C checksum, base64 in big-endian order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crc32c: Option<String>,
    /// MD5 hash of the data, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md5_hash: Option<String>,
    /// HTTP 1.1 entity tag of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The object's ID: `bucket/name/generation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The kind of item, `storage#object`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Link to download the object's data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_link: Option<String>,
    /// Link to the object's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// User-provided metadata, as key-value pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// Storage class, e.g. `STANDARD`, `MULTI_REGIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// When the object was created (RFC 3339 text as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_created: Option<String>,
    /// When the object's metadata was last modified (RFC 3339 text as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// When the storage class last changed (RFC 3339 text as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_storage_class_updated: Option<String>,
    /// When the object was deleted, for deleted or archived objects (RFC 3339 text as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_deleted: Option<String>,
    /// When a retention policy lets the object be deleted (RFC 3339 text as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_expiration_time: Option<String>,
    /// Number of source objects of a composite object.
    #[serde(
        default,
        deserialize_with = "int_string_or_number",
        serialize_with = "int_as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub component_count: Option<i64>,
    /// Whether an event-based hold is on the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_based_hold: Option<bool>,
    /// Whether a temporary hold is on the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_hold: Option<bool>,
    /// The Cloud KMS key that encrypts the object, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_name: Option<String>,
    /// Customer-supplied encryption key information (`encryptionAlgorithm`, `keySha256`),
    /// as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_encryption: Option<serde_json::Value>,
}

/// Reads an optional integer sent as a JSON number or as a string of decimal digits
/// (proto3 JSON writes 64-bit integers as strings); `null` is `None`.
fn int_string_or_number<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + TryFrom<u64> + TryFrom<i64>,
{
    struct IntVisitor<T>(PhantomData<T>);

    impl<'de, T> Visitor<'de> for IntVisitor<T>
    where
        T: FromStr + TryFrom<u64> + TryFrom<i64>,
    {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer, as a JSON number or a string of digits")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            T::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.parse().map(Some).map_err(|_| {
                E::invalid_value(
                    de::Unexpected::Other("a string that is not an integer in range"),
                    &self,
                )
            })
        }
    }

    deserializer.deserialize_option(IntVisitor(PhantomData))
}

/// Writes an optional integer as a string, the proto3 JSON form of 64-bit integers.
fn int_as_string<S: Serializer, T: fmt::Display>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(v),
        None => serializer.serialize_none(),
    }
}

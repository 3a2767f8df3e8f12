//! A build's options and secrets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::source::HashType;
use super::steps::Volume;
use crate::google_events::json::{
    self, enum_deserialize, enum_serialize, enums_deserialize, enums_serialize, proto_enum,
};

proto_enum! {
    /// Whether to verify the build's provenance.
    VerifyOption {
        /// Not verified.
        NotVerified = 0 => "NOT_VERIFIED",
        /// Verified.
        Verified = 1 => "VERIFIED",
    }
}

proto_enum! {
    /// The machine a build runs on.
    MachineType {
        /// The default.
        Unspecified = 0 => "UNSPECIFIED",
        /// 8 high-CPU cores.
        N1Highcpu8 = 1 => "N1_HIGHCPU_8",
        /// 32 high-CPU cores.
        N1Highcpu32 = 2 => "N1_HIGHCPU_32",
    }
}

proto_enum! {
    /// How strictly substitutions must match.
    SubstitutionOption {
        /// Every substitution must be used.
        MustMatch = 0 => "MUST_MATCH",
        /// Unused substitutions are allowed.
        AllowLoose = 1 => "ALLOW_LOOSE",
    }
}

proto_enum! {
    /// Whether logs are streamed to Cloud Storage.
    LogStreamingOption {
        /// The service decides.
        StreamDefault = 0 => "STREAM_DEFAULT",
        /// Streamed.
        StreamOn = 1 => "STREAM_ON",
        /// Not streamed.
        StreamOff = 2 => "STREAM_OFF",
    }
}

proto_enum! {
    /// Where logs go.
    LoggingMode {
        /// The service decides.
        LoggingUnspecified = 0 => "LOGGING_UNSPECIFIED",
        /// Cloud Logging and Cloud Storage.
        Legacy = 1 => "LEGACY",
        /// Cloud Storage only.
        GcsOnly = 2 => "GCS_ONLY",
    }
}

/// A build's options.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildOptions {
    /// The hashes to compute of the source ([`HashType`]).
    #[prost(enumeration = "HashType", repeated, tag = "1")]
    #[serde(
        default,
        alias = "source_provenance_hash",
        serialize_with = "enums_serialize::<HashType, _>",
        deserialize_with = "enums_deserialize::<HashType, _>",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub source_provenance_hash: Vec<i32>,
    /// Whether to verify provenance ([`VerifyOption`]).
    #[prost(enumeration = "VerifyOption", tag = "2")]
    #[serde(
        default,
        alias = "requested_verify_option",
        serialize_with = "enum_serialize::<VerifyOption, _>",
        deserialize_with = "enum_deserialize::<VerifyOption, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub requested_verify_option: i32,
    /// The machine ([`MachineType`]).
    #[prost(enumeration = "MachineType", tag = "3")]
    #[serde(
        default,
        alias = "machine_type",
        serialize_with = "enum_serialize::<MachineType, _>",
        deserialize_with = "enum_deserialize::<MachineType, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub machine_type: i32,
    /// The disk size.
    #[prost(int64, tag = "6")]
    #[serde(
        default,
        alias = "disk_size_gb",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub disk_size_gb: i64,
    /// How substitutions match ([`SubstitutionOption`]).
    #[prost(enumeration = "SubstitutionOption", tag = "4")]
    #[serde(
        default,
        alias = "substitution_option",
        serialize_with = "enum_serialize::<SubstitutionOption, _>",
        deserialize_with = "enum_deserialize::<SubstitutionOption, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub substitution_option: i32,
    /// Whether logs stream ([`LogStreamingOption`]).
    #[prost(enumeration = "LogStreamingOption", tag = "5")]
    #[serde(
        default,
        alias = "log_streaming_option",
        serialize_with = "enum_serialize::<LogStreamingOption, _>",
        deserialize_with = "enum_deserialize::<LogStreamingOption, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub log_streaming_option: i32,
    /// The worker pool.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        alias = "worker_pool",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub worker_pool: String,
    /// Where logs go ([`LoggingMode`]).
    #[prost(enumeration = "LoggingMode", tag = "11")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<LoggingMode, _>",
        deserialize_with = "enum_deserialize::<LoggingMode, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub logging: i32,
    /// Environment for every step.
    #[prost(string, repeated, tag = "12")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub env: Vec<String>,
    /// Secret environment for every step.
    #[prost(string, repeated, tag = "13")]
    #[serde(
        default,
        alias = "secret_env",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub secret_env: Vec<String>,
    /// Volumes for every step.
    #[prost(message, repeated, tag = "14")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub volumes: Vec<Volume>,
}

/// Secrets decrypted with a Cloud KMS key.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// The key.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "kms_key_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub kms_key_name: String,
    /// The encrypted values, by variable.
    #[prost(btree_map = "string, bytes", tag = "3")]
    #[serde(
        default,
        alias = "secret_env",
        serialize_with = "json::bytes_each::serialize_map",
        deserialize_with = "json::bytes_each::deserialize_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub secret_env: BTreeMap<String, Vec<u8>>,
}

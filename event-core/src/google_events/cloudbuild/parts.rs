//! The parts of a build: its source, steps, results, artifacts, provenance and options.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::BuildStatus;
use crate::google_events::json::{
    self, enum_deserialize, enum_serialize, enums_deserialize, enums_serialize, proto_enum,
};
use crate::google_events::wkt::{Duration, Timestamp};

proto_enum! {
    /// A hash function.
    HashType {
        /// None.
        None = 0 => "NONE",
        /// SHA-256.
        Sha256 = 1 => "SHA256",
        /// MD5.
        Md5 = 2 => "MD5",
    }
}

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

/// What a build builds from: a storage archive or a repository.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The source; `None` when unset.
    #[prost(oneof = "SourceKind", tags = "2, 3")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceKind>,
}

/// Where a build's source is.
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// An archive in Cloud Storage (`storageSource`).
    #[prost(message, tag = "2")]
    #[serde(alias = "storage_source")]
    StorageSource(StorageSource),
    /// A Cloud Source Repository (`repoSource`).
    #[prost(message, tag = "3")]
    #[serde(alias = "repo_source")]
    RepoSource(RepoSource),
}

/// A source archive in Cloud Storage.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSource {
    /// The bucket.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub bucket: String,
    /// The object.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub object: String,
    /// Its generation.
    #[prost(int64, tag = "3")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub generation: i64,
}

/// A Cloud Source Repository.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoSource {
    /// Its project.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "project_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub project_id: String,
    /// Its name.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "repo_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub repo_name: String,
    /// The revision built; `None` when unset.
    #[prost(oneof = "Revision", tags = "3, 4, 5")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub revision: Option<Revision>,
    /// The directory to build in.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub dir: String,
    /// Whether the branch or tag pattern is inverted.
    #[prost(bool, tag = "8")]
    #[serde(
        default,
        alias = "invert_regex",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub invert_regex: bool,
    /// Substitutions for the trigger.
    #[prost(btree_map = "string, string", tag = "9")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub substitutions: BTreeMap<String, String>,
}

/// Which revision of a repository.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, ::prost::Oneof, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Revision {
    /// A branch pattern (`branchName`).
    #[prost(string, tag = "3")]
    #[serde(alias = "branch_name")]
    BranchName(String),
    /// A tag pattern (`tagName`).
    #[prost(string, tag = "4")]
    #[serde(alias = "tag_name")]
    TagName(String),
    /// A commit (`commitSha`).
    #[prost(string, tag = "5")]
    #[serde(alias = "commit_sha")]
    CommitSha(String),
}

/// One step of a build.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildStep {
    /// The builder image.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Its environment, `KEY=VALUE`.
    #[prost(string, repeated, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub env: Vec<String>,
    /// Its arguments.
    #[prost(string, repeated, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub args: Vec<String>,
    /// Its working directory.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub dir: String,
    /// Its id.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// The steps it waits for.
    #[prost(string, repeated, tag = "6")]
    #[serde(
        default,
        alias = "wait_for",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub wait_for: Vec<String>,
    /// Its entrypoint.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub entrypoint: String,
    /// Its secret environment variables.
    #[prost(string, repeated, tag = "8")]
    #[serde(
        default,
        alias = "secret_env",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub secret_env: Vec<String>,
    /// Its volumes.
    #[prost(message, repeated, tag = "9")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub volumes: Vec<Volume>,
    /// How long it ran.
    #[prost(message, optional, tag = "10")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimeSpan>,
    /// How long its image took to pull.
    #[prost(message, optional, tag = "13")]
    #[serde(
        default,
        alias = "pull_timing",
        skip_serializing_if = "Option::is_none"
    )]
    pub pull_timing: Option<TimeSpan>,
    /// Its timeout.
    #[prost(message, optional, tag = "11")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Its status ([`BuildStatus`]).
    #[prost(enumeration = "BuildStatus", tag = "12")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<BuildStatus, _>",
        deserialize_with = "enum_deserialize::<BuildStatus, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub status: i32,
}

/// A volume mounted into steps.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// Its name.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Where it is mounted.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub path: String,
}

/// A span of time.
#[derive(Clone, Copy, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSpan {
    /// When it started.
    #[prost(message, optional, tag = "1")]
    #[serde(default, alias = "start_time", skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// When it ended.
    #[prost(message, optional, tag = "2")]
    #[serde(default, alias = "end_time", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
}

/// What a build produced.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    /// The images pushed.
    #[prost(message, repeated, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub images: Vec<BuiltImage>,
    /// Each step's image digest.
    #[prost(string, repeated, tag = "3")]
    #[serde(
        default,
        alias = "build_step_images",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub build_step_images: Vec<String>,
    /// Where the artifact manifest is.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "artifact_manifest",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub artifact_manifest: String,
    /// How many artifacts were stored.
    #[prost(int64, tag = "5")]
    #[serde(
        default,
        alias = "num_artifacts",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub num_artifacts: i64,
    /// Each step's output.
    #[prost(bytes = "vec", repeated, tag = "6")]
    #[serde(
        default,
        alias = "build_step_outputs",
        serialize_with = "json::bytes_each::serialize_vec",
        deserialize_with = "json::bytes_each::deserialize_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub build_step_outputs: Vec<Vec<u8>>,
    /// How long storing artifacts took.
    #[prost(message, optional, tag = "7")]
    #[serde(
        default,
        alias = "artifact_timing",
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_timing: Option<TimeSpan>,
}

/// An image a build pushed.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuiltImage {
    /// Its name.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Its digest.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub digest: String,
    /// How long the push took.
    #[prost(message, optional, tag = "4")]
    #[serde(
        default,
        alias = "push_timing",
        skip_serializing_if = "Option::is_none"
    )]
    pub push_timing: Option<TimeSpan>,
}

/// What a build stores.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifacts {
    /// Images to push.
    #[prost(string, repeated, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub images: Vec<String>,
    /// Objects to upload.
    #[prost(message, optional, tag = "2")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<ArtifactObjects>,
}

/// Objects a build uploads to Cloud Storage.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactObjects {
    /// Where they go.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub location: String,
    /// Which files.
    #[prost(string, repeated, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub paths: Vec<String>,
    /// How long the upload took.
    #[prost(message, optional, tag = "3")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimeSpan>,
}

/// Where a build's source came from, resolved.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceProvenance {
    /// The archive, resolved to a generation.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "resolved_storage_source",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolved_storage_source: Option<StorageSource>,
    /// The repository, resolved to a commit.
    #[prost(message, optional, tag = "6")]
    #[serde(
        default,
        alias = "resolved_repo_source",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolved_repo_source: Option<RepoSource>,
    /// The source files' hashes, by file.
    #[prost(btree_map = "string, message", tag = "4")]
    #[serde(
        default,
        alias = "file_hashes",
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub file_hashes: BTreeMap<String, FileHashes>,
}

/// A file's hashes.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHashes {
    /// Its hashes.
    #[prost(message, repeated, tag = "1")]
    #[serde(
        default,
        alias = "file_hash",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub file_hash: Vec<Hash>,
}

/// One hash of a file.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hash {
    /// Its function ([`HashType`]).
    #[prost(enumeration = "HashType", tag = "1")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<HashType, _>",
        deserialize_with = "enum_deserialize::<HashType, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub r#type: i32,
    /// Its value.
    #[prost(bytes = "vec", tag = "2")]
    #[serde(default, with = "json::bytes", skip_serializing_if = "Vec::is_empty")]
    pub value: Vec<u8>,
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

//! A build's steps and what they produce: results, images, artifacts, timings.

use serde::{Deserialize, Serialize};

use super::BuildStatus;
use crate::google_events::json::{self, enum_deserialize, enum_serialize};
use crate::google_events::wkt::{Duration, Timestamp};

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

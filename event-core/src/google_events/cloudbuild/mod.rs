//! Cloud Build events (`google.events.cloud.cloudbuild.v1`): the data of
//! `google.cloud.cloudbuild.build.v1.statusChanged`, the build as it is now.

mod options;
mod source;
mod steps;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json::{self, enum_deserialize, enum_serialize, proto_enum};
use crate::google_events::wkt::{Duration, Timestamp};

pub use options::{
    BuildOptions, LogStreamingOption, LoggingMode, MachineType, Secret, SubstitutionOption,
    VerifyOption,
};
pub use source::{
    FileHashes, Hash, HashType, RepoSource, Revision, Source, SourceKind, SourceProvenance,
    StorageSource,
};
pub use steps::{ArtifactObjects, Artifacts, BuildStep, BuiltImage, Results, TimeSpan, Volume};

proto_enum! {
    /// Where a build (or a step) is.
    BuildStatus {
        /// Not known.
        Unknown = 0 => "STATUS_UNKNOWN",
        /// Waiting to run.
        Queued = 1 => "QUEUED",
        /// Running.
        Working = 2 => "WORKING",
        /// Finished and succeeded.
        Success = 3 => "SUCCESS",
        /// Finished and failed.
        Failure = 4 => "FAILURE",
        /// Failed for a reason of Cloud Build's own.
        InternalError = 5 => "INTERNAL_ERROR",
        /// Ran past its timeout.
        Timeout = 6 => "TIMEOUT",
        /// Cancelled.
        Cancelled = 7 => "CANCELLED",
        /// Expired in the queue.
        Expired = 9 => "EXPIRED",
    }
}

/// The data of a Cloud Build `statusChanged` event: the build.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildEventData {
    /// The build's id.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// Its project.
    #[prost(string, tag = "16")]
    #[serde(
        default,
        alias = "project_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub project_id: String,
    /// Its status ([`BuildStatus`]).
    #[prost(enumeration = "BuildStatus", tag = "2")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<BuildStatus, _>",
        deserialize_with = "enum_deserialize::<BuildStatus, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub status: i32,
    /// More about the status.
    #[prost(string, tag = "24")]
    #[serde(
        default,
        alias = "status_detail",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub status_detail: String,
    /// What it builds from.
    #[prost(message, optional, tag = "3")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Its steps.
    #[prost(message, repeated, tag = "11")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub steps: Vec<BuildStep>,
    /// What it produced.
    #[prost(message, optional, tag = "10")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Results>,
    /// When it was requested.
    #[prost(message, optional, tag = "6")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it started.
    #[prost(message, optional, tag = "7")]
    #[serde(default, alias = "start_time", skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// When it finished.
    #[prost(message, optional, tag = "8")]
    #[serde(
        default,
        alias = "finish_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub finish_time: Option<Timestamp>,
    /// Its timeout.
    #[prost(message, optional, tag = "12")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// The images it pushes.
    #[prost(string, repeated, tag = "13")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub images: Vec<String>,
    /// How long it may wait in the queue.
    #[prost(message, optional, tag = "40")]
    #[serde(default, alias = "queue_ttl", skip_serializing_if = "Option::is_none")]
    pub queue_ttl: Option<Duration>,
    /// The artifacts it stores.
    #[prost(message, optional, tag = "37")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifacts: Option<Artifacts>,
    /// Where its logs go.
    #[prost(string, tag = "19")]
    #[serde(
        default,
        alias = "logs_bucket",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub logs_bucket: String,
    /// Where its source came from, resolved.
    #[prost(message, optional, tag = "21")]
    #[serde(
        default,
        alias = "source_provenance",
        skip_serializing_if = "Option::is_none"
    )]
    pub source_provenance: Option<SourceProvenance>,
    /// The trigger that started it.
    #[prost(string, tag = "22")]
    #[serde(
        default,
        alias = "build_trigger_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub build_trigger_id: String,
    /// Its options.
    #[prost(message, optional, tag = "23")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BuildOptions>,
    /// Its logs in the console.
    #[prost(string, tag = "25")]
    #[serde(
        default,
        alias = "log_url",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub log_url: String,
    /// Its substitutions.
    #[prost(btree_map = "string, string", tag = "29")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub substitutions: BTreeMap<String, String>,
    /// Its tags.
    #[prost(string, repeated, tag = "31")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<String>,
    /// Its secrets.
    #[prost(message, repeated, tag = "32")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub secrets: Vec<Secret>,
    /// How long each phase took, by phase.
    #[prost(btree_map = "string, message", tag = "33")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub timing: BTreeMap<String, TimeSpan>,
}

impl super::GoogleEventData for BuildEventData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.cloudbuild.v1.BuildEventData";
}

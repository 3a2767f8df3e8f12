//! Cloud Audit Logs entries (`google.events.cloud.audit.v1`): the data of
//! `google.cloud.audit.log.v1.written`, how Eventarc reaches almost every Google service (a
//! trigger filters by `serviceName` and `methodName`). The entry's `protoPayload` is the
//! [`AuditLog`]: who did what to which resource, and how it went.

mod context;
mod log;
mod status;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json::{self, enum_deserialize, enum_serialize, proto_enum};
use crate::google_events::wkt::Timestamp;

pub use context::{Auth, Peer, Request, Resource};
pub use log::{
    AuditLog, AuthenticationInfo, AuthorizationInfo, DelegationAuthority, FirstPartyPrincipal,
    RequestMetadata, ResourceLocation, ServiceAccountDelegationInfo, ThirdPartyPrincipal,
};
pub use status::{Any, Status};

proto_enum! {
    /// How severe a log entry is.
    LogSeverity {
        /// No severity.
        Default = 0 => "DEFAULT",
        /// Debug or trace information.
        Debug = 100 => "DEBUG",
        /// Routine information.
        Info = 200 => "INFO",
        /// Normal but significant.
        Notice = 300 => "NOTICE",
        /// Might cause problems.
        Warning = 400 => "WARNING",
        /// Likely to cause problems.
        Error = 500 => "ERROR",
        /// Severe problems or brief outages.
        Critical = 600 => "CRITICAL",
        /// Someone must act now.
        Alert = 700 => "ALERT",
        /// One or more systems are unusable.
        Emergency = 800 => "EMERGENCY",
    }
}

/// The data of an audit-log event: one Cloud Logging entry.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntryData {
    /// The log's name, e.g. `projects/P/logs/cloudaudit.googleapis.com%2Factivity`.
    #[prost(string, tag = "12")]
    #[serde(
        default,
        alias = "log_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub log_name: String,
    /// The monitored resource the entry is about.
    #[prost(message, optional, tag = "8")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<MonitoredResource>,
    /// The audit record.
    #[prost(message, optional, tag = "2")]
    #[serde(
        default,
        alias = "proto_payload",
        skip_serializing_if = "Option::is_none"
    )]
    pub proto_payload: Option<AuditLog>,
    /// The entry's unique id.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "insert_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub insert_id: String,
    /// The entry's labels.
    #[prost(btree_map = "string, string", tag = "11")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
    /// The long-running operation it belongs to, if any.
    #[prost(message, optional, tag = "15")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<LogEntryOperation>,
    /// When the event happened.
    #[prost(message, optional, tag = "9")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// When Cloud Logging received it.
    #[prost(message, optional, tag = "24")]
    #[serde(
        default,
        alias = "receive_timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub receive_timestamp: Option<Timestamp>,
    /// Its severity ([`LogSeverity`]).
    #[prost(enumeration = "LogSeverity", tag = "10")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<LogSeverity, _>",
        deserialize_with = "enum_deserialize::<LogSeverity, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub severity: i32,
    /// The trace it belongs to, `projects/P/traces/T`.
    #[prost(string, tag = "22")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub trace: String,
    /// The span within the trace.
    #[prost(string, tag = "27")]
    #[serde(
        default,
        alias = "span_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub span_id: String,
    /// Which part of a split entry this is.
    #[prost(message, optional, tag = "35")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<LogSplit>,
}

/// The resource an entry is about: its type and labels.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonitoredResource {
    /// The resource type, e.g. `gcs_bucket`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub r#type: String,
    /// Its labels, e.g. `project_id`, `bucket_name`.
    #[prost(btree_map = "string, string", tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
}

/// The long-running operation an entry belongs to.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntryOperation {
    /// The operation's id.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// Who produced it.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub producer: String,
    /// Whether this is its first entry.
    #[prost(bool, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub first: bool,
    /// Whether this is its last entry.
    #[prost(bool, tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub last: bool,
}

/// How an entry too large for one was split.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogSplit {
    /// The id shared by every part.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub uid: String,
    /// This part's index.
    #[prost(int32, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub index: i32,
    /// How many parts there are.
    #[prost(int32, tag = "3")]
    #[serde(
        default,
        alias = "total_splits",
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub total_splits: i32,
}

impl super::GoogleEventData for LogEntryData {
    const MESSAGE_NAME: &'static str = "google.events.cloud.audit.v1.LogEntryData";
}

//! Firebase Test Lab events (`google.events.firebase.testlab.v1`): the data of
//! `google.firebase.testlab.testMatrix.v1.completed`, a finished test matrix.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json::{self, enum_deserialize, enum_serialize, proto_enum};
use crate::google_events::wkt::Timestamp;

proto_enum! {
    /// Where a test matrix is in its life.
    TestState {
        /// Not known.
        Unspecified = 0 => "TEST_STATE_UNSPECIFIED",
        /// Being validated.
        Validating = 1 => "VALIDATING",
        /// Waiting for resources.
        Pending = 2 => "PENDING",
        /// Done.
        Finished = 3 => "FINISHED",
        /// Stopped by an infrastructure failure.
        Error = 4 => "ERROR",
        /// Its input was invalid.
        Invalid = 5 => "INVALID",
    }
}

proto_enum! {
    /// How a test matrix went.
    OutcomeSummary {
        /// Not known.
        Unspecified = 0 => "OUTCOME_SUMMARY_UNSPECIFIED",
        /// Every test passed.
        Success = 1 => "SUCCESS",
        /// A test failed.
        Failure = 2 => "FAILURE",
        /// The outcome could not be told.
        Inconclusive = 3 => "INCONCLUSIVE",
        /// Every test was skipped.
        Skipped = 4 => "SKIPPED",
    }
}

/// The data of a Test Lab `completed` event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestMatrixEventData {
    /// When the matrix was created.
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// Its state ([`TestState`]).
    #[prost(enumeration = "TestState", tag = "2")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<TestState, _>",
        deserialize_with = "enum_deserialize::<TestState, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub state: i32,
    /// Why the matrix was invalid, when it was.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "invalid_matrix_details",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub invalid_matrix_details: String,
    /// How it went ([`OutcomeSummary`]).
    #[prost(enumeration = "OutcomeSummary", tag = "4")]
    #[serde(
        default,
        alias = "outcome_summary",
        serialize_with = "enum_serialize::<OutcomeSummary, _>",
        deserialize_with = "enum_deserialize::<OutcomeSummary, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub outcome_summary: i32,
    /// Where the results are.
    #[prost(message, optional, tag = "5")]
    #[serde(
        default,
        alias = "result_storage",
        skip_serializing_if = "Option::is_none"
    )]
    pub result_storage: Option<ResultStorage>,
    /// Who started it.
    #[prost(message, optional, tag = "6")]
    #[serde(
        default,
        alias = "client_info",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_info: Option<ClientInfo>,
    /// The matrix's id.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        alias = "test_matrix_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub test_matrix_id: String,
}

/// Where a matrix's results are kept.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultStorage {
    /// The Tool Results history.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "tool_results_history",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub tool_results_history: String,
    /// The Tool Results execution.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "tool_results_execution",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub tool_results_execution: String,
    /// A link to the results in the Firebase console.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "results_uri",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub results_uri: String,
    /// The Cloud Storage path of the raw results.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "gcs_path",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub gcs_path: String,
}

/// The client that started a matrix.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    /// The client's name, e.g. `gcloud`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub client: String,
    /// Details the client gave.
    #[prost(btree_map = "string, string", tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub details: BTreeMap<String, String>,
}

impl crate::google_events::GoogleEventData for TestMatrixEventData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.testlab.v1.TestMatrixEventData";
}

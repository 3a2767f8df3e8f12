//! Firebase Remote Config events (`google.events.firebase.remoteconfig.v1`): the data of
//! `google.firebase.remoteconfig.remoteConfig.v1.updated`, the new template version.

use serde::{Deserialize, Serialize};

use crate::google_events::json::{self, enum_deserialize, enum_serialize, proto_enum};
use crate::google_events::wkt::Timestamp;

proto_enum! {
    /// Where an update came from.
    RemoteConfigUpdateOrigin {
        /// Not known.
        Unspecified = 0 => "REMOTE_CONFIG_UPDATE_ORIGIN_UNSPECIFIED",
        /// The Firebase console.
        Console = 1 => "CONSOLE",
        /// The REST API.
        RestApi = 2 => "REST_API",
        /// The Node.js Admin SDK.
        AdminSdkNode = 3 => "ADMIN_SDK_NODE",
    }
}

proto_enum! {
    /// What kind of update it was.
    RemoteConfigUpdateType {
        /// Not known.
        Unspecified = 0 => "REMOTE_CONFIG_UPDATE_TYPE_UNSPECIFIED",
        /// An incremental change to the template.
        IncrementalUpdate = 1 => "INCREMENTAL_UPDATE",
        /// A forced update.
        ForcedUpdate = 2 => "FORCED_UPDATE",
        /// A rollback to an earlier version.
        Rollback = 3 => "ROLLBACK",
    }
}

/// The data of a Remote Config `updated` event: the template version that was published.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteConfigEventData {
    /// The version number.
    #[prost(int64, tag = "1")]
    #[serde(
        default,
        alias = "version_number",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub version_number: i64,
    /// When it was published.
    #[prost(message, optional, tag = "2")]
    #[serde(
        default,
        alias = "update_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_time: Option<Timestamp>,
    /// Who published it.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "update_user",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_user: Option<RemoteConfigUser>,
    /// The description given.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub description: String,
    /// Where the update came from ([`RemoteConfigUpdateOrigin`]).
    #[prost(enumeration = "RemoteConfigUpdateOrigin", tag = "5")]
    #[serde(
        default,
        alias = "update_origin",
        serialize_with = "enum_serialize::<RemoteConfigUpdateOrigin, _>",
        deserialize_with = "enum_deserialize::<RemoteConfigUpdateOrigin, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub update_origin: i32,
    /// What kind of update ([`RemoteConfigUpdateType`]).
    #[prost(enumeration = "RemoteConfigUpdateType", tag = "6")]
    #[serde(
        default,
        alias = "update_type",
        serialize_with = "enum_serialize::<RemoteConfigUpdateType, _>",
        deserialize_with = "enum_deserialize::<RemoteConfigUpdateType, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub update_type: i32,
    /// For a rollback, the version rolled back to.
    #[prost(int64, tag = "7")]
    #[serde(
        default,
        alias = "rollback_source",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub rollback_source: i64,
}

/// Who published a Remote Config version.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteConfigUser {
    /// Their name.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Their e-mail.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
    /// Their picture.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "image_url",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub image_url: String,
}

impl crate::google_events::GoogleEventData for RemoteConfigEventData {
    const MESSAGE_NAME: &'static str =
        "google.events.firebase.remoteconfig.v1.RemoteConfigEventData";
}

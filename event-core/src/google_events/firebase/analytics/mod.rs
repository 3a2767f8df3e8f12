//! Firebase Analytics events (`google.events.firebase.analytics.v1`): the data of
//! `google.firebase.analytics.log.v1.written`, a batch of logged events and the user they came
//! from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json;

mod user;
mod value;

pub use user::{
    AppInfo, DeviceInfo, ExportBundleInfo, GeoInfo, LtvInfo, TrafficSource, UserDimensions,
    UserPropertyValue,
};
pub use value::{AnalyticsKind, AnalyticsValue};

/// The data of an Analytics `written` event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsLogData {
    /// The user the events came from.
    #[prost(message, optional, tag = "1")]
    #[serde(default, alias = "user_dim", skip_serializing_if = "Option::is_none")]
    pub user_dim: Option<UserDimensions>,
    /// The events logged.
    #[prost(message, repeated, tag = "2")]
    #[serde(
        default,
        alias = "event_dim",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub event_dim: Vec<EventDimensions>,
}

/// One logged event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDimensions {
    /// The day it was logged, `YYYYMMDD`, in the app's time zone.
    #[prost(string, tag = "6")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub date: String,
    /// Its name.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Its parameters, by name.
    #[prost(btree_map = "string, message", tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub params: BTreeMap<String, AnalyticsValue>,
    /// When it was logged, in microseconds since the epoch.
    #[prost(int64, tag = "4")]
    #[serde(
        default,
        alias = "timestamp_micros",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub timestamp_micros: i64,
    /// When the previous one of the same name was logged.
    #[prost(int64, tag = "5")]
    #[serde(
        default,
        alias = "previous_timestamp_micros",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub previous_timestamp_micros: i64,
    /// Its value in US dollars, for purchase events.
    #[prost(double, tag = "7")]
    #[serde(
        default,
        alias = "value_in_usd",
        with = "json::double",
        skip_serializing_if = "json::is_default"
    )]
    pub value_in_usd: f64,
}

impl crate::google_events::GoogleEventData for AnalyticsLogData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.analytics.v1.AnalyticsLogData";
}

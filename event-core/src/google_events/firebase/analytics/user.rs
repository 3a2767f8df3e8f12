//! The user an Analytics event came from: device, place, app, acquisition, lifetime value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::value::AnalyticsValue;
use crate::google_events::json;

/// The user an event came from.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDimensions {
    /// The app's own user id, when it set one.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "user_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user_id: String,
    /// When the app was first opened, in microseconds since the epoch.
    #[prost(int64, tag = "2")]
    #[serde(
        default,
        alias = "first_open_timestamp_micros",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub first_open_timestamp_micros: i64,
    /// The user properties, by name.
    #[prost(btree_map = "string, message", tag = "3")]
    #[serde(
        default,
        alias = "user_properties",
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub user_properties: BTreeMap<String, UserPropertyValue>,
    /// The device.
    #[prost(message, optional, tag = "4")]
    #[serde(
        default,
        alias = "device_info",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_info: Option<DeviceInfo>,
    /// Where the user is.
    #[prost(message, optional, tag = "5")]
    #[serde(default, alias = "geo_info", skip_serializing_if = "Option::is_none")]
    pub geo_info: Option<GeoInfo>,
    /// The app.
    #[prost(message, optional, tag = "6")]
    #[serde(default, alias = "app_info", skip_serializing_if = "Option::is_none")]
    pub app_info: Option<AppInfo>,
    /// How the user was acquired.
    #[prost(message, optional, tag = "7")]
    #[serde(
        default,
        alias = "traffic_source",
        skip_serializing_if = "Option::is_none"
    )]
    pub traffic_source: Option<TrafficSource>,
    /// The upload bundle.
    #[prost(message, optional, tag = "8")]
    #[serde(
        default,
        alias = "bundle_info",
        skip_serializing_if = "Option::is_none"
    )]
    pub bundle_info: Option<ExportBundleInfo>,
    /// The user's lifetime value.
    #[prost(message, optional, tag = "9")]
    #[serde(default, alias = "ltv_info", skip_serializing_if = "Option::is_none")]
    pub ltv_info: Option<LtvInfo>,
}

/// A user property's value.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPropertyValue {
    /// The value.
    #[prost(message, optional, tag = "1")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<AnalyticsValue>,
    /// When it was set, in microseconds since the epoch.
    #[prost(int64, tag = "2")]
    #[serde(
        default,
        alias = "set_timestamp_usec",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub set_timestamp_usec: i64,
    /// Its index.
    #[prost(int32, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub index: i32,
}

/// The device an event came from.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceInfo {
    /// `mobile` or `tablet`.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "device_category",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub device_category: String,
    /// The brand.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "mobile_brand_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub mobile_brand_name: String,
    /// The model name.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "mobile_model_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub mobile_model_name: String,
    /// The marketing name.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "mobile_marketing_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub mobile_marketing_name: String,
    /// The device model.
    #[prost(string, tag = "12")]
    #[serde(
        default,
        alias = "device_model",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub device_model: String,
    /// The OS version.
    #[prost(string, tag = "6")]
    #[serde(
        default,
        alias = "platform_version",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub platform_version: String,
    /// The vendor or advertising id.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        alias = "device_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub device_id: String,
    /// The resettable advertising id.
    #[prost(string, tag = "8")]
    #[serde(
        default,
        alias = "resettable_device_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub resettable_device_id: String,
    /// The user's language.
    #[prost(string, tag = "9")]
    #[serde(
        default,
        alias = "user_default_language",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user_default_language: String,
    /// The device's time zone offset.
    #[prost(int32, tag = "10")]
    #[serde(
        default,
        alias = "device_time_zone_offset_seconds",
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub device_time_zone_offset_seconds: i32,
    /// Whether ad tracking is limited.
    #[prost(bool, tag = "11")]
    #[serde(
        default,
        alias = "limited_ad_tracking",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub limited_ad_tracking: bool,
}

/// Where the user is.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoInfo {
    /// The continent.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub continent: String,
    /// The country.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub country: String,
    /// The region.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub region: String,
    /// The city.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub city: String,
}

/// The app an event came from.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Its version.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "app_version",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_version: String,
    /// The instance id.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "app_instance_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_instance_id: String,
    /// The store it came from.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "app_store",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_store: String,
    /// Its platform.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "app_platform",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_platform: String,
    /// Its bundle or package id.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        alias = "app_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub app_id: String,
}

/// How the user was acquired.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficSource {
    /// The campaign.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "user_acquired_campaign",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user_acquired_campaign: String,
    /// The source.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "user_acquired_source",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user_acquired_source: String,
    /// The medium.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "user_acquired_medium",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub user_acquired_medium: String,
}

/// The upload bundle an event arrived in.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportBundleInfo {
    /// The bundle's sequence number.
    #[prost(int32, tag = "1")]
    #[serde(
        default,
        alias = "bundle_sequence_id",
        deserialize_with = "json::int64::deserialize",
        skip_serializing_if = "json::is_default"
    )]
    pub bundle_sequence_id: i32,
    /// The offset between the client's and the server's clocks.
    #[prost(int64, tag = "2")]
    #[serde(
        default,
        alias = "server_timestamp_offset_micros",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub server_timestamp_offset_micros: i64,
}

/// A user's lifetime value.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LtvInfo {
    /// The revenue.
    #[prost(double, tag = "1")]
    #[serde(
        default,
        with = "json::double",
        skip_serializing_if = "json::is_default"
    )]
    pub revenue: f64,
    /// Its currency.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub currency: String,
}

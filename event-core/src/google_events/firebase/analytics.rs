//! Firebase Analytics events (`google.events.firebase.analytics.v1`): the data of
//! `google.firebase.analytics.log.v1.written`, a batch of logged events and the user they came
//! from.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::google_events::json::{self, Double, Int64, Nullable, F64, I64};

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

/// A parameter or property value: text, an integer or a number. In JSON an object with one
/// member naming its kind.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct AnalyticsValue {
    /// The value; `None` when unset.
    #[prost(oneof = "AnalyticsKind", tags = "1, 2, 3, 4")]
    pub kind: Option<AnalyticsKind>,
}

/// The kinds of an [`AnalyticsValue`].
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof)]
pub enum AnalyticsKind {
    /// `stringValue` (1).
    #[prost(string, tag = "1")]
    StringValue(String),
    /// `intValue` (2): a string in JSON.
    #[prost(int64, tag = "2")]
    IntValue(i64),
    /// `floatValue` (3).
    #[prost(float, tag = "3")]
    FloatValue(f32),
    /// `doubleValue` (4).
    #[prost(double, tag = "4")]
    DoubleValue(f64),
}

impl Serialize for AnalyticsValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match &self.kind {
            None => {}
            Some(AnalyticsKind::StringValue(v)) => map.serialize_entry("stringValue", v)?,
            Some(AnalyticsKind::IntValue(v)) => map.serialize_entry("intValue", &Int64(*v))?,
            Some(AnalyticsKind::FloatValue(v)) => {
                map.serialize_entry("floatValue", &Double(f64::from(*v)))?;
            }
            Some(AnalyticsKind::DoubleValue(v)) => {
                map.serialize_entry("doubleValue", &Double(*v))?
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AnalyticsValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnalyticsValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Analytics value: an object with one member naming its kind")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnalyticsValue, A::Error> {
                let mut value = AnalyticsValue::default();
                while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    value.kind = Some(match name.as_ref() {
                        "stringValue" | "string_value" => {
                            AnalyticsKind::StringValue(map.next_value::<Nullable<String>>()?.0)
                        }
                        "intValue" | "int_value" => {
                            AnalyticsKind::IntValue(map.next_value::<I64>()?.0)
                        }
                        #[allow(clippy::cast_possible_truncation)]
                        "floatValue" | "float_value" => {
                            AnalyticsKind::FloatValue(map.next_value::<F64>()?.0 as f32)
                        }
                        "doubleValue" | "double_value" => {
                            AnalyticsKind::DoubleValue(map.next_value::<F64>()?.0)
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    });
                }
                Ok(value)
            }
        }
        d.deserialize_map(V)
    }
}

impl crate::google_events::GoogleEventData for AnalyticsLogData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.analytics.v1.AnalyticsLogData";
}

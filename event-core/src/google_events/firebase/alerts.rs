//! Firebase Alerts events (`google.events.firebase.firebasealerts.v1`): the data of
//! `google.firebase.firebasealerts.alerts.v1.published`. What the alert says depends on its
//! type (the `alerttype` attribute), so its payload is free-form JSON.

use serde::{Deserialize, Serialize};

use crate::google_events::structs::Struct;
use crate::google_events::wkt::Timestamp;

/// The data of a Firebase alert.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertData {
    /// When the alert was created.
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it ended, for alerts that end.
    #[prost(message, optional, tag = "2")]
    #[serde(default, alias = "end_time", skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// What the alert says, by alert type (e.g. a Crashlytics issue, a billing plan change).
    #[prost(message, optional, tag = "3")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Struct>,
}

impl crate::google_events::GoogleEventData for AlertData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.firebasealerts.v1.AlertData";
}

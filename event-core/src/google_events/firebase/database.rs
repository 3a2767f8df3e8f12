//! Firebase Realtime Database events (`google.events.firebase.database.v1`): the data of
//! `google.firebase.database.ref.v1.{created,updated,deleted,written}`, whose values are
//! free-form JSON.

use serde::{Deserialize, Serialize};

use crate::google_events::structs::{value_field, StructValue};

/// The data of a Realtime Database reference event.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceEventData {
    /// The value at the reference before the change (`null` when it did not exist).
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        deserialize_with = "value_field",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<StructValue>,
    /// The change: the new value (`null` for a delete).
    #[prost(message, optional, tag = "2")]
    #[serde(
        default,
        deserialize_with = "value_field",
        skip_serializing_if = "Option::is_none"
    )]
    pub delta: Option<StructValue>,
}

impl crate::google_events::GoogleEventData for ReferenceEventData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.database.v1.ReferenceEventData";
}

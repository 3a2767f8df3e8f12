//! Firebase Authentication events (`google.events.firebase.auth.v1`): the data of
//! `google.firebase.auth.user.v1.{created,deleted}`, the user account.

use serde::{Deserialize, Serialize};

use crate::google_events::json;
use crate::google_events::structs::Struct;
use crate::google_events::wkt::Timestamp;

/// The data of a Firebase Auth user event: the user's record.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthEventData {
    /// The user's id.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub uid: String,
    /// Their e-mail.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
    /// Whether the e-mail is verified.
    #[prost(bool, tag = "3")]
    #[serde(
        default,
        alias = "email_verified",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub email_verified: bool,
    /// Their display name.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        alias = "display_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name: String,
    /// Their photo (JSON name `photoURL`).
    #[prost(string, tag = "5")]
    #[serde(
        rename = "photoURL",
        alias = "photo_URL",
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub photo_url: String,
    /// Whether the account is disabled.
    #[prost(bool, tag = "6")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub disabled: bool,
    /// When the account was made and last signed in.
    #[prost(message, optional, tag = "7")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<UserMetadata>,
    /// The identity providers linked to the account.
    #[prost(message, repeated, tag = "8")]
    #[serde(
        default,
        alias = "provider_data",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub provider_data: Vec<UserInfo>,
    /// Their phone number.
    #[prost(string, tag = "9")]
    #[serde(
        default,
        alias = "phone_number",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub phone_number: String,
    /// Custom claims set on the account.
    #[prost(message, optional, tag = "10")]
    #[serde(
        default,
        alias = "custom_claims",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_claims: Option<Struct>,
}

/// When an account was made and last used.
#[derive(Clone, Copy, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMetadata {
    /// When it was made.
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last signed in.
    #[prost(message, optional, tag = "2")]
    #[serde(
        default,
        alias = "last_sign_in_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_sign_in_time: Option<Timestamp>,
}

/// One identity provider's view of the user.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// The user's id at the provider.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub uid: String,
    /// Their e-mail there.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
    /// Their display name there.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "display_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name: String,
    /// Their photo there (JSON name `photoURL`).
    #[prost(string, tag = "4")]
    #[serde(
        rename = "photoURL",
        alias = "photo_URL",
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub photo_url: String,
    /// The provider, e.g. `google.com`.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        alias = "provider_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub provider_id: String,
}

impl crate::google_events::GoogleEventData for AuthEventData {
    const MESSAGE_NAME: &'static str = "google.events.firebase.auth.v1.AuthEventData";
}

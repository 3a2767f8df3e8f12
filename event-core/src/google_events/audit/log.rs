//! The audit record itself: who did what to which resource, and how it went.

use serde::{Deserialize, Serialize};

use super::context::{Peer, Request, Resource};
use super::status::Status;
use crate::google_events::json;
use crate::google_events::structs::Struct;

/// An audit record (`protoPayload`).
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLog {
    /// The service, e.g. `storage.googleapis.com`.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        alias = "service_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub service_name: String,
    /// The method, e.g. `storage.buckets.create`.
    #[prost(string, tag = "8")]
    #[serde(
        default,
        alias = "method_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub method_name: String,
    /// The resource, e.g. `projects/_/buckets/b`.
    #[prost(string, tag = "11")]
    #[serde(
        default,
        alias = "resource_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub resource_name: String,
    /// Where the resource is.
    #[prost(message, optional, tag = "20")]
    #[serde(
        default,
        alias = "resource_location",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_location: Option<ResourceLocation>,
    /// The resource before the change, for some methods.
    #[prost(message, optional, tag = "19")]
    #[serde(
        default,
        alias = "resource_original_state",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_original_state: Option<Struct>,
    /// How many items a list or query answered.
    #[prost(int64, tag = "12")]
    #[serde(
        default,
        alias = "num_response_items",
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub num_response_items: i64,
    /// How the operation ended.
    #[prost(message, optional, tag = "2")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Who called.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "authentication_info",
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication_info: Option<AuthenticationInfo>,
    /// The permission checks made.
    #[prost(message, repeated, tag = "9")]
    #[serde(
        default,
        alias = "authorization_info",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub authorization_info: Vec<AuthorizationInfo>,
    /// Where the call came from.
    #[prost(message, optional, tag = "4")]
    #[serde(
        default,
        alias = "request_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_metadata: Option<RequestMetadata>,
    /// The request, as JSON.
    #[prost(message, optional, tag = "16")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Struct>,
    /// The response, as JSON.
    #[prost(message, optional, tag = "17")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Struct>,
    /// Service-specific metadata.
    #[prost(message, optional, tag = "18")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Struct>,
    /// Deprecated service-specific data.
    #[prost(message, optional, tag = "15")]
    #[serde(
        default,
        alias = "service_data",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_data: Option<Struct>,
}

/// Where a resource is.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceLocation {
    /// Its locations now.
    #[prost(string, repeated, tag = "1")]
    #[serde(
        default,
        alias = "current_locations",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub current_locations: Vec<String>,
    /// Its locations before the change.
    #[prost(string, repeated, tag = "2")]
    #[serde(
        default,
        alias = "original_locations",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub original_locations: Vec<String>,
}

/// Who called.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationInfo {
    /// The caller's e-mail.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "principal_email",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub principal_email: String,
    /// The authority selector given.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "authority_selector",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub authority_selector: String,
    /// A third-party caller's identity.
    #[prost(message, optional, tag = "4")]
    #[serde(
        default,
        alias = "third_party_principal",
        skip_serializing_if = "Option::is_none"
    )]
    pub third_party_principal: Option<Struct>,
    /// The service account key used.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        alias = "service_account_key_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub service_account_key_name: String,
    /// The chain of delegation, when a service account acted for someone.
    #[prost(message, repeated, tag = "6")]
    #[serde(
        default,
        alias = "service_account_delegation_info",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub service_account_delegation_info: Vec<ServiceAccountDelegationInfo>,
    /// The caller's subject.
    #[prost(string, tag = "8")]
    #[serde(
        default,
        alias = "principal_subject",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub principal_subject: String,
}

/// One link in a delegation chain: a first-party or a third-party principal.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccountDelegationInfo {
    /// Who delegated; `None` when unset.
    #[prost(oneof = "DelegationAuthority", tags = "1, 2")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub authority: Option<DelegationAuthority>,
}

/// Who delegated to a service account.
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DelegationAuthority {
    /// A Google account (`firstPartyPrincipal`).
    #[prost(message, tag = "1")]
    #[serde(alias = "first_party_principal")]
    FirstPartyPrincipal(FirstPartyPrincipal),
    /// Another identity provider's (`thirdPartyPrincipal`).
    #[prost(message, tag = "2")]
    #[serde(alias = "third_party_principal")]
    ThirdPartyPrincipal(ThirdPartyPrincipal),
}

/// A Google identity that delegated.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FirstPartyPrincipal {
    /// Its e-mail.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "principal_email",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub principal_email: String,
    /// Metadata about the service that used it.
    #[prost(message, optional, tag = "2")]
    #[serde(
        default,
        alias = "service_metadata",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_metadata: Option<Struct>,
}

/// Another identity provider's identity that delegated.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThirdPartyPrincipal {
    /// Its claims.
    #[prost(message, optional, tag = "1")]
    #[serde(
        default,
        alias = "third_party_claims",
        skip_serializing_if = "Option::is_none"
    )]
    pub third_party_claims: Option<Struct>,
}

/// One permission check.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationInfo {
    /// The resource checked.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub resource: String,
    /// The permission, e.g. `storage.buckets.create`.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub permission: String,
    /// Whether it was granted.
    #[prost(bool, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub granted: bool,
    /// The resource's attributes.
    #[prost(message, optional, tag = "5")]
    #[serde(
        default,
        alias = "resource_attributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_attributes: Option<Resource>,
}

/// Where a call came from.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestMetadata {
    /// The caller's IP address.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "caller_ip",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub caller_ip: String,
    /// The user agent the caller gave.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "caller_supplied_user_agent",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub caller_supplied_user_agent: String,
    /// The caller's network.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        alias = "caller_network",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub caller_network: String,
    /// The request's attributes.
    #[prost(message, optional, tag = "7")]
    #[serde(
        default,
        alias = "request_attributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_attributes: Option<Request>,
    /// The destination's attributes.
    #[prost(message, optional, tag = "8")]
    #[serde(
        default,
        alias = "destination_attributes",
        skip_serializing_if = "Option::is_none"
    )]
    pub destination_attributes: Option<Peer>,
}

//! `google.rpc.context.AttributeContext`: the request, its peer, its authentication and the
//! resource, as an audit record describes them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json;
use crate::google_events::structs::Struct;
use crate::google_events::wkt::Timestamp;

/// A resource, as a permission check saw it.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// The service that owns it.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub service: String,
    /// Its name.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Its type.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub r#type: String,
    /// Its labels.
    #[prost(btree_map = "string, string", tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
    /// Its unique id.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub uid: String,
    /// Its annotations.
    #[prost(btree_map = "string, string", tag = "6")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
    /// Its display name.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        alias = "display_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub display_name: String,
    /// When it was created.
    #[prost(message, optional, tag = "8")]
    #[serde(
        default,
        alias = "create_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[prost(message, optional, tag = "9")]
    #[serde(
        default,
        alias = "update_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_time: Option<Timestamp>,
    /// When it was deleted.
    #[prost(message, optional, tag = "10")]
    #[serde(
        default,
        alias = "delete_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub delete_time: Option<Timestamp>,
    /// Its entity tag.
    #[prost(string, tag = "11")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub etag: String,
    /// Where it is.
    #[prost(string, tag = "12")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub location: String,
}

/// An HTTP(-like) request.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Its id.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub id: String,
    /// Its method.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub method: String,
    /// Its headers (lower-cased names).
    #[prost(btree_map = "string, string", tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub headers: BTreeMap<String, String>,
    /// Its path.
    #[prost(string, tag = "4")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub path: String,
    /// Its host.
    #[prost(string, tag = "5")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub host: String,
    /// Its scheme.
    #[prost(string, tag = "6")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub scheme: String,
    /// Its query.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub query: String,
    /// When it arrived.
    #[prost(message, optional, tag = "9")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// Its size in bytes.
    #[prost(int64, tag = "10")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub size: i64,
    /// Its protocol, e.g. `h2`.
    #[prost(string, tag = "11")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub protocol: String,
    /// Why it was made, e.g. a Google support case.
    #[prost(string, tag = "12")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub reason: String,
    /// Its authentication.
    #[prost(message, optional, tag = "13")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Its origin.
    #[prost(string, tag = "14")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub origin: String,
}

/// A request's authentication.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    /// Who made it.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub principal: String,
    /// The audiences of its credentials.
    #[prost(string, repeated, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub audiences: Vec<String>,
    /// Who presented the credentials.
    #[prost(string, tag = "3")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub presenter: String,
    /// The credentials' claims.
    #[prost(message, optional, tag = "4")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<Struct>,
    /// The access levels it met.
    #[prost(string, repeated, tag = "5")]
    #[serde(
        default,
        alias = "access_levels",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub access_levels: Vec<String>,
}

/// One end of a network connection.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Peer {
    /// Its IP address.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub ip: String,
    /// Its port.
    #[prost(int64, tag = "2")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub port: i64,
    /// Its labels.
    #[prost(btree_map = "string, string", tag = "6")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
    /// Its identity.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub principal: String,
    /// Its region, as a CLDR code.
    #[prost(string, tag = "8")]
    #[serde(
        default,
        alias = "region_code",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub region_code: String,
}

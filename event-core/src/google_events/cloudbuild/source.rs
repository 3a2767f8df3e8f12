//! Where a build's source is, and its provenance once resolved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::google_events::json::{self, enum_deserialize, enum_serialize, proto_enum};

proto_enum! {
    /// A hash function.
    HashType {
        /// None.
        None = 0 => "NONE",
        /// SHA-256.
        Sha256 = 1 => "SHA256",
        /// MD5.
        Md5 = 2 => "MD5",
    }
}

/// What a build builds from: a storage archive or a repository.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The source; `None` when unset.
    #[prost(oneof = "SourceKind", tags = "2, 3")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceKind>,
}

/// Where a build's source is.
#[non_exhaustive]
#[derive(Clone, PartialEq, ::prost::Oneof, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// An archive in Cloud Storage (`storageSource`).
    #[prost(message, tag = "2")]
    #[serde(alias = "storage_source")]
    StorageSource(StorageSource),
    /// A Cloud Source Repository (`repoSource`).
    #[prost(message, tag = "3")]
    #[serde(alias = "repo_source")]
    RepoSource(RepoSource),
}

/// A source archive in Cloud Storage.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSource {
    /// The bucket.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub bucket: String,
    /// The object.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub object: String,
    /// Its generation.
    #[prost(int64, tag = "3")]
    #[serde(
        default,
        with = "json::int64",
        skip_serializing_if = "json::is_default"
    )]
    pub generation: i64,
}

/// A Cloud Source Repository.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepoSource {
    /// Its project.
    #[prost(string, tag = "1")]
    #[serde(
        default,
        alias = "project_id",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub project_id: String,
    /// Its name.
    #[prost(string, tag = "2")]
    #[serde(
        default,
        alias = "repo_name",
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub repo_name: String,
    /// The revision built; `None` when unset.
    #[prost(oneof = "Revision", tags = "3, 4, 5")]
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub revision: Option<Revision>,
    /// The directory to build in.
    #[prost(string, tag = "7")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub dir: String,
    /// Whether the branch or tag pattern is inverted.
    #[prost(bool, tag = "8")]
    #[serde(
        default,
        alias = "invert_regex",
        deserialize_with = "json::nullable",
        skip_serializing_if = "json::is_default"
    )]
    pub invert_regex: bool,
    /// Substitutions for the trigger.
    #[prost(btree_map = "string, string", tag = "9")]
    #[serde(
        default,
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub substitutions: BTreeMap<String, String>,
}

/// Which revision of a repository.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq, ::prost::Oneof, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Revision {
    /// A branch pattern (`branchName`).
    #[prost(string, tag = "3")]
    #[serde(alias = "branch_name")]
    BranchName(String),
    /// A tag pattern (`tagName`).
    #[prost(string, tag = "4")]
    #[serde(alias = "tag_name")]
    TagName(String),
    /// A commit (`commitSha`).
    #[prost(string, tag = "5")]
    #[serde(alias = "commit_sha")]
    CommitSha(String),
}

/// Where a build's source came from, resolved.
#[derive(Clone, PartialEq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceProvenance {
    /// The archive, resolved to a generation.
    #[prost(message, optional, tag = "3")]
    #[serde(
        default,
        alias = "resolved_storage_source",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolved_storage_source: Option<StorageSource>,
    /// The repository, resolved to a commit.
    #[prost(message, optional, tag = "6")]
    #[serde(
        default,
        alias = "resolved_repo_source",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolved_repo_source: Option<RepoSource>,
    /// The source files' hashes, by file.
    #[prost(btree_map = "string, message", tag = "4")]
    #[serde(
        default,
        alias = "file_hashes",
        deserialize_with = "json::nullable",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub file_hashes: BTreeMap<String, FileHashes>,
}

/// A file's hashes.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHashes {
    /// Its hashes.
    #[prost(message, repeated, tag = "1")]
    #[serde(
        default,
        alias = "file_hash",
        deserialize_with = "json::nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub file_hash: Vec<Hash>,
}

/// One hash of a file.
#[derive(Clone, PartialEq, Eq, ::prost::Message, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hash {
    /// Its function ([`HashType`]).
    #[prost(enumeration = "HashType", tag = "1")]
    #[serde(
        default,
        serialize_with = "enum_serialize::<HashType, _>",
        deserialize_with = "enum_deserialize::<HashType, _>",
        skip_serializing_if = "json::is_default"
    )]
    pub r#type: i32,
    /// Its value.
    #[prost(bytes = "vec", tag = "2")]
    #[serde(default, with = "json::bytes", skip_serializing_if = "Vec::is_empty")]
    pub value: Vec<u8>,
}

//! The schema a message was validated against, when its topic has one: the three attributes
//! Pub/Sub adds to such a message (`googclient_schemaname`, `googclient_schemaencoding`,
//! `googclient_schemarevisionid`), read into types.

use super::message::DecodedMessage;

/// The schema of a message published to a topic with an Avro or Protocol Buffer schema.
///
/// ```
/// use gcp_events_core::pubsub::{DecodedMessage, SchemaEncoding, SchemaName};
///
/// let body = br#"{"subscription": "projects/p/subscriptions/s", "message": {"attributes": {
///     "googclient_schemaname": "projects/p/schemas/orders",
///     "googclient_schemaencoding": "BINARY",
///     "googclient_schemarevisionid": "a1b2c3d4"}}}"#;
/// let message = DecodedMessage::from_slice(body)?;
/// let schema = message.schema().expect("published with a schema");
/// assert_eq!(schema.name, SchemaName::Named("projects/p/schemas/orders"));
/// assert_eq!(schema.encoding, Some(SchemaEncoding::Binary));
/// assert_eq!(schema.revision_id, Some(SchemaName::Named("a1b2c3d4")));
/// # Ok::<(), gcp_events_core::pubsub::DecodeError>(())
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageSchema<'a> {
    /// `googclient_schemaname`: `projects/P/schemas/S`, or deleted.
    pub name: SchemaName<'a>,
    /// `googclient_schemaencoding`: how the data is encoded (independent of the schema's type).
    pub encoding: Option<SchemaEncoding<'a>>,
    /// `googclient_schemarevisionid`: the revision (8 characters), or deleted.
    pub revision_id: Option<SchemaName<'a>>,
}

/// A schema (or revision) reference, which Pub/Sub replaces by a marker once it is deleted.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaName<'a> {
    /// The schema's resource name (or the revision's id).
    Named(&'a str),
    /// The schema (`_deleted-schema_`) or revision (`_deleted-schema-revision_`) was deleted
    /// after the message was published.
    Deleted,
}

/// How a schema-validated message's data is encoded.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaEncoding<'a> {
    /// `JSON`.
    Json,
    /// `BINARY`.
    Binary,
    /// A value Pub/Sub did not document when this was written, as sent.
    Other(&'a str),
}

impl DecodedMessage {
    /// The schema the message was validated against, when it carries
    /// `googclient_schemaname` (its topic has a schema); `None` otherwise.
    pub fn schema(&self) -> Option<MessageSchema<'_>> {
        let attribute = |name: &str| self.attributes.get(name).map(String::as_str);
        let name = match attribute("googclient_schemaname")? {
            "_deleted-schema_" => SchemaName::Deleted,
            name => SchemaName::Named(name),
        };
        let encoding = attribute("googclient_schemaencoding").map(|e| match e {
            "JSON" => SchemaEncoding::Json,
            "BINARY" => SchemaEncoding::Binary,
            other => SchemaEncoding::Other(other),
        });
        let revision_id = attribute("googclient_schemarevisionid").map(|r| match r {
            "_deleted-schema-revision_" => SchemaName::Deleted,
            id => SchemaName::Named(id),
        });
        Some(MessageSchema {
            name,
            encoding,
            revision_id,
        })
    }
}

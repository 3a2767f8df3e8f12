//! CloudEvent `type` strings Eventarc delivers, as constants, so a handler is registered for
//! a type without a typo (`.kind_handler(types::STORAGE_OBJECT_FINALIZED, handler)` at the
//! CloudEvents path, where an event's kind is its type).
//!
//! ```
//! use gcp_events_core::cloudevents::types;
//!
//! assert_eq!(types::STORAGE_OBJECT_FINALIZED, "google.cloud.storage.object.v1.finalized");
//! ```

/// A Pub/Sub message published to a topic; the data is a push envelope.
pub const PUBSUB_MESSAGE_PUBLISHED: &str = super::PUBSUB_MESSAGE_PUBLISHED;
/// A Cloud Storage object was created, or overwritten (a new generation).
pub const STORAGE_OBJECT_FINALIZED: &str = "google.cloud.storage.object.v1.finalized";
/// A Cloud Storage object's live version became noncurrent (versioned buckets).
pub const STORAGE_OBJECT_ARCHIVED: &str = "google.cloud.storage.object.v1.archived";
/// A Cloud Storage object was permanently deleted.
pub const STORAGE_OBJECT_DELETED: &str = "google.cloud.storage.object.v1.deleted";
/// A Cloud Storage object's metadata changed.
pub const STORAGE_OBJECT_METADATA_UPDATED: &str = "google.cloud.storage.object.v1.metadataUpdated";
/// A Cloud Audit Logs entry was written: how Eventarc reaches most Google services, filtered
/// by the trigger's `serviceName` and `methodName`.
pub const AUDIT_LOG_WRITTEN: &str = "google.cloud.audit.log.v1.written";
/// A Firestore document was created, updated or deleted (data: `DocumentEventData`, sent as
/// `application/protobuf`).
pub const FIRESTORE_DOCUMENT_WRITTEN: &str = "google.cloud.firestore.document.v1.written";
/// A Firestore document was created.
pub const FIRESTORE_DOCUMENT_CREATED: &str = "google.cloud.firestore.document.v1.created";
/// A Firestore document was updated.
pub const FIRESTORE_DOCUMENT_UPDATED: &str = "google.cloud.firestore.document.v1.updated";
/// A Firestore document was deleted.
pub const FIRESTORE_DOCUMENT_DELETED: &str = "google.cloud.firestore.document.v1.deleted";

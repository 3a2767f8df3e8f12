//! The catalog of CloudEvent types Eventarc delivers whose data this library has as a Rust
//! type: a constant per type string, so a handler is registered without a typo
//! (`.kind_handler(types::STORAGE_OBJECT_FINALIZED, handler)` at the CloudEvents path, where an
//! event's kind is its type), and [`lookup`] from a type string to its data message.
//!
//! ```
//! use gcp_events_core::cloudevents::types;
//!
//! assert_eq!(types::STORAGE_OBJECT_FINALIZED, "google.cloud.storage.object.v1.finalized");
//! let entry = types::lookup(types::FIRESTORE_DOCUMENT_WRITTEN).unwrap();
//! assert_eq!(entry.message, "google.events.cloud.firestore.v1.DocumentEventData");
//! assert_eq!(entry.product, "Cloud Firestore");
//! // A Datastore-mode event carries another message: the type decides, never the encoding.
//! let datastore = types::lookup("google.cloud.datastore.entity.v1.written").unwrap();
//! assert_eq!(datastore.message, "google.events.cloud.datastore.v1.EntityEventData");
//! assert!(types::lookup("com.example.unknown").is_none());
//! ```

/// One catalog entry: a CloudEvent type and the data it carries.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The CloudEvent type, e.g. `google.cloud.firestore.document.v1.written`.
    pub event_type: &'static str,
    /// The full name of its data message, e.g.
    /// `google.events.cloud.firestore.v1.DocumentEventData`.
    pub message: &'static str,
    /// The Google product that sends it.
    pub product: &'static str,
}

const PUBSUB: (&str, &str) = (
    "google.events.cloud.pubsub.v1.MessagePublishedData",
    "Cloud Pub/Sub",
);
const STORAGE: (&str, &str) = (
    "google.events.cloud.storage.v1.StorageObjectData",
    "Cloud Storage",
);
const SCHEDULER: (&str, &str) = (
    "google.events.cloud.scheduler.v1.SchedulerJobData",
    "Cloud Scheduler",
);
const DATABASE: (&str, &str) = (
    "google.events.firebase.database.v1.ReferenceEventData",
    "Firebase Realtime Database",
);
const REMOTE_CONFIG: (&str, &str) = (
    "google.events.firebase.remoteconfig.v1.RemoteConfigEventData",
    "Firebase Remote Config",
);
const AUTH: (&str, &str) = (
    "google.events.firebase.auth.v1.AuthEventData",
    "Firebase Authentication",
);
const TESTLAB: (&str, &str) = (
    "google.events.firebase.testlab.v1.TestMatrixEventData",
    "Firebase Test Lab",
);
const ALERTS: (&str, &str) = (
    "google.events.firebase.firebasealerts.v1.AlertData",
    "Firebase Alerts",
);
const ANALYTICS: (&str, &str) = (
    "google.events.firebase.analytics.v1.AnalyticsLogData",
    "Google Analytics for Firebase",
);
const AUDIT: (&str, &str) = (
    "google.events.cloud.audit.v1.LogEntryData",
    "Cloud Audit Logs",
);
const BUILD: (&str, &str) = (
    "google.events.cloud.cloudbuild.v1.BuildEventData",
    "Cloud Build",
);
const FIRESTORE: (&str, &str) = (
    "google.events.cloud.firestore.v1.DocumentEventData",
    "Cloud Firestore",
);
const DATASTORE: (&str, &str) = (
    "google.events.cloud.datastore.v1.EntityEventData",
    "Firestore in Datastore mode",
);

macro_rules! catalog {
    ($($(#[$doc:meta])* $name:ident = $type:literal => $data:ident,)*) => {
        $($(#[$doc])* pub const $name: &str = $type;)*

        /// Every entry, in the order of this module's constants.
        pub const CATALOG: &[CatalogEntry] = &[
            $(CatalogEntry { event_type: $type, message: $data.0, product: $data.1 },)*
        ];
    };
}

catalog! {
    /// A Pub/Sub message published to a topic; the data is a push envelope
    /// (`MessagePublishedData`) and the source names the topic.
    PUBSUB_MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished" => PUBSUB,
    /// A Cloud Storage object was created, or overwritten (a new generation).
    STORAGE_OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized" => STORAGE,
    /// A Cloud Storage object's live version became noncurrent (versioned buckets).
    STORAGE_OBJECT_ARCHIVED = "google.cloud.storage.object.v1.archived" => STORAGE,
    /// A Cloud Storage object was permanently deleted.
    STORAGE_OBJECT_DELETED = "google.cloud.storage.object.v1.deleted" => STORAGE,
    /// A Cloud Storage object's metadata changed.
    STORAGE_OBJECT_METADATA_UPDATED = "google.cloud.storage.object.v1.metadataUpdated" => STORAGE,
    /// A Cloud Scheduler job ran; the data is the job's payload.
    SCHEDULER_JOB_EXECUTED = "google.cloud.scheduler.job.v1.executed" => SCHEDULER,
    /// A Realtime Database reference was created.
    DATABASE_REF_CREATED = "google.firebase.database.ref.v1.created" => DATABASE,
    /// A Realtime Database reference was updated.
    DATABASE_REF_UPDATED = "google.firebase.database.ref.v1.updated" => DATABASE,
    /// A Realtime Database reference was deleted.
    DATABASE_REF_DELETED = "google.firebase.database.ref.v1.deleted" => DATABASE,
    /// A Realtime Database reference was created, updated or deleted.
    DATABASE_REF_WRITTEN = "google.firebase.database.ref.v1.written" => DATABASE,
    /// A Remote Config template version was published.
    REMOTE_CONFIG_UPDATED = "google.firebase.remoteconfig.remoteConfig.v1.updated" => REMOTE_CONFIG,
    /// A Firebase Authentication user was created.
    AUTH_USER_CREATED = "google.firebase.auth.user.v1.created" => AUTH,
    /// A Firebase Authentication user was deleted.
    AUTH_USER_DELETED = "google.firebase.auth.user.v1.deleted" => AUTH,
    /// A Test Lab test matrix finished.
    TESTLAB_TEST_MATRIX_COMPLETED = "google.firebase.testlab.testMatrix.v1.completed" => TESTLAB,
    /// A Firebase alert was published (Crashlytics, Performance, App Distribution, billing…).
    FIREBASE_ALERT_PUBLISHED = "google.firebase.firebasealerts.alerts.v1.published" => ALERTS,
    /// Google Analytics for Firebase logged events (a conversion event, by the trigger).
    ANALYTICS_LOG_WRITTEN = "google.firebase.analytics.log.v1.written" => ANALYTICS,
    /// A Cloud Audit Logs entry was written: how Eventarc reaches most Google services,
    /// filtered by the trigger's `serviceName` and `methodName`.
    AUDIT_LOG_WRITTEN = "google.cloud.audit.log.v1.written" => AUDIT,
    /// A Cloud Build build changed status.
    CLOUD_BUILD_STATUS_CHANGED = "google.cloud.cloudbuild.build.v1.statusChanged" => BUILD,
    /// A Firestore document was created.
    FIRESTORE_DOCUMENT_CREATED = "google.cloud.firestore.document.v1.created" => FIRESTORE,
    /// A Firestore document was updated.
    FIRESTORE_DOCUMENT_UPDATED = "google.cloud.firestore.document.v1.updated" => FIRESTORE,
    /// A Firestore document was deleted.
    FIRESTORE_DOCUMENT_DELETED = "google.cloud.firestore.document.v1.deleted" => FIRESTORE,
    /// A Firestore document was created, updated or deleted.
    FIRESTORE_DOCUMENT_WRITTEN = "google.cloud.firestore.document.v1.written" => FIRESTORE,
    /// A Firestore document was created; the event names who did it (`authtype`, `authid`).
    FIRESTORE_DOCUMENT_CREATED_WITH_AUTH_CONTEXT =
        "google.cloud.firestore.document.v1.created.withAuthContext" => FIRESTORE,
    /// A Firestore document was updated, with the auth context.
    FIRESTORE_DOCUMENT_UPDATED_WITH_AUTH_CONTEXT =
        "google.cloud.firestore.document.v1.updated.withAuthContext" => FIRESTORE,
    /// A Firestore document was deleted, with the auth context.
    FIRESTORE_DOCUMENT_DELETED_WITH_AUTH_CONTEXT =
        "google.cloud.firestore.document.v1.deleted.withAuthContext" => FIRESTORE,
    /// A Firestore document was written, with the auth context.
    FIRESTORE_DOCUMENT_WRITTEN_WITH_AUTH_CONTEXT =
        "google.cloud.firestore.document.v1.written.withAuthContext" => FIRESTORE,
    /// A Datastore-mode entity was created.
    DATASTORE_ENTITY_CREATED = "google.cloud.datastore.entity.v1.created" => DATASTORE,
    /// A Datastore-mode entity was updated.
    DATASTORE_ENTITY_UPDATED = "google.cloud.datastore.entity.v1.updated" => DATASTORE,
    /// A Datastore-mode entity was deleted.
    DATASTORE_ENTITY_DELETED = "google.cloud.datastore.entity.v1.deleted" => DATASTORE,
    /// A Datastore-mode entity was created, updated or deleted.
    DATASTORE_ENTITY_WRITTEN = "google.cloud.datastore.entity.v1.written" => DATASTORE,
    /// A Datastore-mode entity was created, with the auth context.
    DATASTORE_ENTITY_CREATED_WITH_AUTH_CONTEXT =
        "google.cloud.datastore.entity.v1.created.withAuthContext" => DATASTORE,
    /// A Datastore-mode entity was updated, with the auth context.
    DATASTORE_ENTITY_UPDATED_WITH_AUTH_CONTEXT =
        "google.cloud.datastore.entity.v1.updated.withAuthContext" => DATASTORE,
    /// A Datastore-mode entity was deleted, with the auth context.
    DATASTORE_ENTITY_DELETED_WITH_AUTH_CONTEXT =
        "google.cloud.datastore.entity.v1.deleted.withAuthContext" => DATASTORE,
    /// A Datastore-mode entity was written, with the auth context.
    DATASTORE_ENTITY_WRITTEN_WITH_AUTH_CONTEXT =
        "google.cloud.datastore.entity.v1.written.withAuthContext" => DATASTORE,
}

/// The catalog entry of `event_type`, when its data is a type this library has.
pub fn lookup(event_type: &str) -> Option<&'static CatalogEntry> {
    CATALOG.iter().find(|entry| entry.event_type == event_type)
}

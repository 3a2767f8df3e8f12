//! Google's event data as Rust types (feature `google-events`): what Eventarc delivers from
//! Cloud Audit Logs ([`audit`]), Cloud Build ([`cloudbuild`]), Firestore ([`firestore`]), Datastore mode ([`datastore`]), Cloud Storage ([`storage`]),
//! Pub/Sub ([`pubsub`]), Cloud Scheduler ([`scheduler`]), the Firebase Realtime Database
//! ([`firebase::database`]), Remote Config, Authentication, Test Lab, Alerts
//! and Analytics ([`firebase`]), decoded
//! from protobuf or from proto3 JSON.
//!
//! [`Event::data`](crate::Event::data) decodes an event's data as a given type. The type is
//! chosen by the CloudEvent's `type` (`ce-type`), never by the content type: the
//! [`catalog`] says which data message each type carries, and asking for another is an error
//! (a Datastore event never decodes as Firestore). The decoder is chosen by the data's media
//! type: `application/protobuf` or `application/x-protobuf` → protobuf binary; JSON or none
//! → proto3 JSON. Unknown fields are ignored in both encodings, so new fields Google adds never
//! break a receiver; malformed data is an error that names the type and never quotes the body.
//!
//! ```
//! use gcp_events_core::google_events::firestore::DocumentEventData;
//! use gcp_events_core::{async_trait, Event, EventHandler, HandlerResult};
//!
//! #[derive(serde::Deserialize)]
//! struct User { name: String }
//!
//! struct Users;
//!
//! #[async_trait]
//! impl EventHandler for Users {
//!     async fn handle(&self, event: &Event) -> HandlerResult {
//!         let change: DocumentEventData = event.data()?;   // protobuf or JSON
//!         if let Some(document) = &change.value {
//!             let user: User = document.deserialize()?;  // fields into your own type
//!             println!("{} is now {}", document.id(), user.name);
//!         }
//!         Ok(())
//!     }
//! }
//! ```
//!
//! Each type also serializes back to its proto3 JSON form (`serde_json::to_string`) and encodes
//! to protobuf (`prost::Message::encode_to_vec`). Build one as prost messages are built, with
//! `..Default::default()` for the fields you leave out (so fields Google adds later compile);
//! the `oneof` enums are `#[non_exhaustive]`, for kinds Google adds.
//!
//! The feature brings `prost` with its derive macro: about 3 s more for a clean build on two
//! cores (a crate depending on prost 0.14 alone builds in 3.1 s), on by default in the adapters.

pub mod audit;
pub mod cloudbuild;
pub mod datastore;
pub mod firebase;
pub mod firestore;
mod handler;
pub(crate) mod json;
pub(crate) mod plain;
pub mod pubsub;
pub mod scheduler;
pub mod storage;
mod structs;
mod wkt;

use crate::Event;

pub use crate::cloudevents::types as catalog;
pub use handler::{data_handler, DataHandler, TypedEvent};
pub use plain::PlainValueError;
pub use structs::{ListValue, Struct, StructKind, StructValue};
pub use wkt::{Duration, LatLng, Timestamp};

json::proto_enum! {
    /// `google.protobuf.NullValue`: the one value of a null.
    NullValue {
        /// Null.
        NullValue = 0 => "NULL_VALUE",
    }
}

/// A type Eventarc delivers as an event's data: decodable from protobuf (`prost::Message`) and
/// from proto3 JSON (`serde`), and named by its full protobuf message name.
pub trait GoogleEventData:
    prost::Message + Default + serde::de::DeserializeOwned + serde::Serialize
{
    /// The full message name, e.g. `google.events.cloud.firestore.v1.DocumentEventData`.
    const MESSAGE_NAME: &'static str;
}

/// How the data was encoded, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataEncoding {
    /// `application/protobuf` or `application/x-protobuf`: protobuf binary.
    Protobuf,
    /// Anything else, or no media type: proto3 JSON.
    Json,
}

impl DataEncoding {
    /// The encoding a media type (a `Content-Type` or `datacontenttype`) names; parameters and
    /// case do not matter.
    ///
    /// ```
    /// use gcp_events_core::google_events::DataEncoding;
    ///
    /// assert_eq!(DataEncoding::of(Some("application/protobuf")), DataEncoding::Protobuf);
    /// assert_eq!(DataEncoding::of(Some("Application/X-Protobuf; x=1")), DataEncoding::Protobuf);
    /// assert_eq!(DataEncoding::of(Some("application/json")), DataEncoding::Json);
    /// assert_eq!(DataEncoding::of(None), DataEncoding::Json);
    /// ```
    pub fn of(media_type: Option<&str>) -> Self {
        let essence = media_type
            .and_then(|m| m.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        if essence.eq_ignore_ascii_case("application/protobuf")
            || essence.eq_ignore_ascii_case("application/x-protobuf")
        {
            Self::Protobuf
        } else {
            Self::Json
        }
    }
}

/// Why an event's data could not be had as the type asked for. The message names the event
/// type and the data type; it never quotes the data.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// The event did not arrive as a CloudEvent, so it has no type to choose the data by.
    #[error("the event is not a CloudEvent, so its data has no Google event type")]
    NotACloudEvent,
    /// The event's type is not in the catalog of types whose data this library knows.
    #[error("events of type {event_type} carry no data type this library knows")]
    UnknownType {
        /// The CloudEvent type.
        event_type: String,
    },
    /// The event's type carries another data type than the one asked for.
    #[error("events of type {event_type} carry {carries}, not {asked}")]
    WrongType {
        /// The CloudEvent type.
        event_type: String,
        /// The data message the type carries.
        carries: &'static str,
        /// The data message asked for.
        asked: &'static str,
    },
    /// The data is not a valid encoding of its type.
    #[error("the data of this {event_type} event is not a valid {message} ({encoding}): {reason}")]
    Malformed {
        /// The CloudEvent type.
        event_type: String,
        /// The data message.
        message: &'static str,
        /// `protobuf` or `JSON`.
        encoding: &'static str,
        /// What was wrong, without the data itself.
        reason: String,
    },
}

/// Decodes `bytes` as `T` in `encoding`; the error's reason never quotes the bytes.
pub fn decode<T: GoogleEventData>(
    bytes: &[u8],
    encoding: DataEncoding,
) -> Result<T, (&'static str, String)> {
    match encoding {
        DataEncoding::Protobuf => T::decode(bytes).map_err(|e| ("protobuf", e.to_string())),
        DataEncoding::Json => serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's message can quote the input (an unknown enum name, a bad string);
            // keep only what kind of error it was and where.
            let kind = match e.classify() {
                serde_json::error::Category::Syntax => "not valid JSON",
                serde_json::error::Category::Eof => "JSON ends too early",
                serde_json::error::Category::Data => "a value of the wrong shape",
                serde_json::error::Category::Io => "unreadable",
            };
            (
                "JSON",
                format!("{kind} at line {} column {}", e.line(), e.column()),
            )
        }),
    }
}

impl Event {
    /// The event's data decoded as its catalog type (whatever its encoding) and written as that
    /// type's proto3 JSON, with the type's full message name: for logging or forwarding any
    /// Google event without naming its type. Errors as [`data`](Self::data).
    ///
    /// ```
    /// use gcp_events_core::google_events::DataError;
    /// use gcp_events_core::Event;
    ///
    /// let plain = Event::builder("k", "r").build();
    /// assert_eq!(plain.data_json(), Err(DataError::NotACloudEvent));
    /// ```
    pub fn data_json(&self) -> Result<(&'static str, serde_json::Value), DataError> {
        fn json<T: GoogleEventData>(event: &Event) -> Result<serde_json::Value, DataError> {
            let data: T = event.data()?;
            // Our own types always serialize (timestamps are in range once decoded).
            Ok(serde_json::to_value(&data).unwrap_or_default())
        }
        let event_type = self
            .context()
            .cloud_event
            .as_ref()
            .ok_or(DataError::NotACloudEvent)?
            .event_type
            .as_str();
        let unknown = || DataError::UnknownType {
            event_type: event_type.to_owned(),
        };
        let entry = catalog::lookup(event_type).ok_or_else(unknown)?;
        let value = match entry.message {
            firestore::DocumentEventData::MESSAGE_NAME => {
                json::<firestore::DocumentEventData>(self)?
            }
            datastore::EntityEventData::MESSAGE_NAME => json::<datastore::EntityEventData>(self)?,
            storage::StorageObjectData::MESSAGE_NAME => json::<storage::StorageObjectData>(self)?,
            pubsub::MessagePublishedData::MESSAGE_NAME => {
                json::<pubsub::MessagePublishedData>(self)?
            }
            scheduler::SchedulerJobData::MESSAGE_NAME => json::<scheduler::SchedulerJobData>(self)?,
            firebase::database::ReferenceEventData::MESSAGE_NAME => {
                json::<firebase::database::ReferenceEventData>(self)?
            }
            firebase::remoteconfig::RemoteConfigEventData::MESSAGE_NAME => {
                json::<firebase::remoteconfig::RemoteConfigEventData>(self)?
            }
            firebase::auth::AuthEventData::MESSAGE_NAME => {
                json::<firebase::auth::AuthEventData>(self)?
            }
            firebase::testlab::TestMatrixEventData::MESSAGE_NAME => {
                json::<firebase::testlab::TestMatrixEventData>(self)?
            }
            firebase::alerts::AlertData::MESSAGE_NAME => json::<firebase::alerts::AlertData>(self)?,
            audit::LogEntryData::MESSAGE_NAME => json::<audit::LogEntryData>(self)?,
            cloudbuild::BuildEventData::MESSAGE_NAME => json::<cloudbuild::BuildEventData>(self)?,
            firebase::analytics::AnalyticsLogData::MESSAGE_NAME => {
                json::<firebase::analytics::AnalyticsLogData>(self)?
            }
            _ => return Err(unknown()),
        };
        Ok((entry.message, value))
    }

    /// The event's data decoded as `T`, one of Google's event data types (feature
    /// `google-events`). The CloudEvent's type must carry `T` (see [`catalog`]); the data's media
    /// type picks protobuf or proto3 JSON. With `?` in a handler, an error fails the event (it
    /// is not acknowledged); to acknowledge poison data instead, map the error to
    /// [`HandlerError::discard`](crate::HandlerError::discard).
    pub fn data<T: GoogleEventData>(&self) -> Result<T, DataError> {
        let attributes = self
            .context()
            .cloud_event
            .as_ref()
            .ok_or(DataError::NotACloudEvent)?;
        let event_type = attributes.event_type.as_str();
        let entry = catalog::lookup(event_type).ok_or_else(|| DataError::UnknownType {
            event_type: event_type.to_owned(),
        })?;
        if entry.message != T::MESSAGE_NAME {
            return Err(DataError::WrongType {
                event_type: event_type.to_owned(),
                carries: entry.message,
                asked: T::MESSAGE_NAME,
            });
        }
        let payload = self.payload();
        let encoding = DataEncoding::of(payload.content_type());
        decode(payload.bytes(), encoding).map_err(|(encoding, reason)| DataError::Malformed {
            event_type: event_type.to_owned(),
            message: T::MESSAGE_NAME,
            encoding,
            reason,
        })
    }
}

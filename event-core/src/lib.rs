#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod adapter;
pub mod auth;
mod body;
mod builder;
#[cfg(feature = "cloud-run")]
pub mod cloud_run;
pub mod cloudevents;
mod conclude;
mod config;
mod delivery;
mod dispatch;
mod error;
mod event;
pub mod event_url;
mod format;
#[cfg(feature = "google-events")]
pub mod google_events;
mod handler;
mod head;
pub mod idempotency;
#[cfg(feature = "postgres")]
pub mod inbox;
mod json_check;
mod meter;
mod outcome;
mod payload;
mod pipeline;
pub mod pubsub;
mod redact;
mod respond;
mod route;
mod service;
pub mod settings;
pub mod tasks;
#[cfg(feature = "test-util")]
pub mod testing;
mod trace;
#[cfg(feature = "postgres")]
mod transact;

pub use async_trait::async_trait;
pub use builder::EventServiceBuilder;
pub use error::{BoxError, ConfigError};
pub use event::{Event, EventBuilder, EventContext};
pub use format::DeliveryFormat;
#[cfg(feature = "postgres")]
pub use handler::TransactionalHandler;
pub use handler::{handler_fn, EventHandler, HandlerError, HandlerFn, HandlerResult};
pub use payload::{Payload, PayloadError, MAX_DEPTH};
pub use respond::ResponseBody;
pub use service::EventService;
#[cfg(feature = "tower")]
pub use service::ResponseFuture;
pub use trace::TraceContext;

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod adapter;
pub mod auth;
mod body;
pub mod cloudevents;
mod dispatch;
mod error;
mod event;
pub mod event_url;
mod format;
mod handler;
mod payload;
pub mod pubsub;
mod respond;
mod route;
mod service;
pub mod signed_url;
#[cfg(feature = "test-util")]
pub mod testing;

pub use async_trait::async_trait;
pub use error::{BoxError, ConfigError, RequestError};
pub use event::{Event, EventBuilder, EventContext};
pub use format::DeliveryFormat;
pub use handler::{handler_fn, EventHandler, HandlerError, HandlerFn, HandlerResult, KindFilter};
pub use payload::{Payload, PayloadError, MAX_DEPTH};
pub use service::{EventService, EventServiceBuilder, DEFAULT_BODY_LIMIT, DEFAULT_MAX_URI_LENGTH};

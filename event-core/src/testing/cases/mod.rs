//! The conformance cases. Each takes the adapter's `start` function and checks one behaviour
//! over real HTTP; [`conformance_suite!`](crate::conformance_suite) runs them all.

mod auth;
mod delivery;
mod dispatch;
mod formats;
#[cfg(feature = "google-events")]
mod google_events;
#[cfg(feature = "postgres")]
mod inbox;
mod limits;
mod routing;
mod tasks;

pub use auth::*;
pub use delivery::*;
pub use dispatch::*;
pub use formats::*;
#[cfg(feature = "google-events")]
pub use google_events::*;
#[cfg(feature = "postgres")]
pub use inbox::*;
pub use limits::*;
pub use routing::*;
pub use tasks::*;

use std::future::Future;
use std::net::SocketAddr;

use crate::testing::Recorder;
use crate::{EventService, EventServiceBuilder};

/// Builds the service and serves it with the adapter's `start`.
pub(crate) async fn serve<S, F>(start: &S, builder: EventServiceBuilder) -> SocketAddr
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    start(builder.build().expect("valid test configuration")).await
}

/// Serves a service whose one handler records every event.
pub(crate) async fn recording<S, F>(start: &S) -> (SocketAddr, Recorder)
where
    S: Fn(EventService) -> F,
    F: Future<Output = SocketAddr>,
{
    let recorder = Recorder::new();
    let addr = serve(
        start,
        EventService::builder()
            .allow_unauthenticated()
            .handler(recorder.clone()),
    )
    .await;
    (addr, recorder)
}

/// The path of an event under the default prefix (segments given already encoded).
pub(crate) fn path(kind: &str, reference: &str) -> String {
    format!("/gcp-events/events/{kind}/{reference}")
}

//! The contract every framework adapter follows (and how to write one for another framework).
//!
//! An adapter only converts types. Everything that decides behaviour — routing inside the
//! events path, the method check, limits, body reading, JSON validation, dispatch, status codes,
//! headers and bodies of responses — lives in [`EventService::handle`](crate::EventService::handle),
//! once, so every framework answers every request identically (SPEC E10).
//!
//! An adapter must:
//!
//! 1. Send **every** request whose path is at or below
//!    [`EventService::events_path`](crate::EventService::events_path) (see
//!    [`EventService::owns_path`](crate::EventService::owns_path)) — whatever the method — to the
//!    service — and the CloudEvents path
//!    ([`EventService::cloud_events_path`](crate::EventService::cloud_events_path), e.g. `/`,
//!    when configured; `owns_path` covers it too) — and leave every other path to the
//!    application's other routes.
//! 2. Pass the request target unchanged: the raw, still percent-encoded path and query, as the
//!    client sent them (`http::Uri` of the request). If the framework strips a mount prefix
//!    (axum's `nest`, poem's `nest`), mount without stripping or configure the service's prefix
//!    relative to the mount point.
//! 3. Pass the headers unchanged (the declared `Content-Length` decides an early 413).
//! 4. Pass the body **unread** as an [`http_body::Body`]: no framework body limit, no buffering,
//!    no `100 Continue` sent before the service asks for the body. The service reads it under
//!    its own limit and refuses a body that ends before its declared length.
//! 5. Return the service's `http::Response<Bytes>` as it is: status, every header, body bytes.
//! 6. Expose one constructor that composes with the application's other routes
//!    (`gcp_events_axum::router`, `gcp_events_warp::filter`, `gcp_events_poem::mount` /
//!    `endpoint`).
//!
//! Authentication, CloudEvents parsing and unwrapped-push decoding read the headers in the
//! service too, so an adapter that passes them unchanged needs nothing for them.
//!
//! # What each adapter had to do differently
//! - **axum** routes the events path, its trailing slash, `{*rest}` below it, and the mount,
//!   explicitly; a `/` mount collides with an application's own `/` route when merged (axum
//!   panics at start on overlapping routes), so mount Eventarc elsewhere then.
//! - **warp** has no catch-all route type that keeps the raw path, so the filter matches
//!   `path::full()` against `owns_path` and rebuilds the request target from the full path and
//!   the raw query; its body stream is wrapped as an `http_body::Body`.
//! - **poem**'s `Route::nest` decodes the path itself and answers a segment that is not UTF-8
//!   with its own text 400, so `mount(service, app)` sends owned paths to the service before
//!   poem's router sees them; the service reads `original_uri` so a nest prefix is never lost.
//!
//! The shared conformance suite (`testing` module, feature `test-util`) checks all of this
//! over real HTTP on 127.0.0.1; an adapter's tests run it with one macro call.

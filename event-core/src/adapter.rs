//! The contract every framework adapter follows (and how to write one for another framework).
//!
//! An adapter only mounts the service. Everything that decides behaviour — routing inside the
//! events path, the method check, authentication, limits, body reading, JSON validation,
//! dispatch, status codes, headers and bodies of responses — lives in the
//! [`EventService`](crate::EventService), once, so every framework answers every request
//! identically (SPEC E10). The service is a `tower::Service<http::Request<B>>` for any
//! [`http_body::Body`] `B` (feature `tower`, on by default), never fails (`Infallible`) and
//! answers `http::Response<`[`ResponseBody`](crate::ResponseBody)`>`; a framework without tower
//! calls [`EventService::handle`](crate::EventService::handle), which is the same thing.
//!
//! An adapter must:
//!
//! 1. Send **every** request whose path [`EventService::owns_path`](crate::EventService::owns_path)
//!    — the [`events_path`](crate::EventService::events_path) and everything below it, and the
//!    [`cloud_events_path`](crate::EventService::cloud_events_path) (e.g. `/`) when configured —
//!    to the service, whatever the method, and leave every other path to the application.
//! 2. Pass the request target unchanged: the raw, still percent-encoded path and query, as the
//!    client sent them. If the framework strips a mount prefix (axum's `nest`, poem's `nest`),
//!    mount without stripping or put the original target back.
//! 3. Pass the headers unchanged (the declared `Content-Length` decides an early 413).
//! 4. Pass the body **unread** as an [`http_body::Body`]: no framework body limit, no buffering,
//!    no `100 Continue` sent before the service asks for the body. The service reads it under
//!    its own limit and refuses a body that ends before its declared length.
//! 5. Return the response as it is: status, every header, body bytes.
//! 6. Expose one constructor that composes with the application's other routes
//!    (`gcp_events_axum::router`, `gcp_events_warp::filter`, `gcp_events_poem::mount`).
//!
//! # What is left per framework, and why
//! Each adapter is under 50 lines of code; what it has beyond the mount, its framework forces:
//! - **axum** takes the service as it is (`route_service`). axum routes only by pattern, and
//!   its `{*rest}` does not match an empty tail, so the events path needs three patterns
//!   (the path, with a trailing `/`, and below it), exactly those axum's own `nest_service`
//!   registers — which cannot be used, because it strips the path the service matches on. A
//!   CloudEvents path of `/` collides with an application's own `/` route when merged (axum
//!   panics at start on overlapping routes): mount Eventarc elsewhere then. Tower layers go
//!   on the returned router (`router(service).layer(..)`).
//! - **warp** is not tower-based and has no catch-all that keeps the raw path, nor a filter
//!   that yields the whole `http::Request`: the filter asks the service which paths it owns
//!   (`owns_path`), then rebuilds the request from warp's parts (method, full path and raw query,
//!   headers, the body stream as an `http_body::Body`). warp's `path::full()` panics on a target
//!   without a path (authority form, `CONNECT host:port`) and `path::end()` cannot tell that from
//!   `/`, so such a target is taken as `/`; mount the filter at the top level (combine it with
//!   `or`, do not nest it under `warp::path`). warp gives neither the HTTP version nor the URI's
//!   authority, so an HTTP/2 `:authority` is passed on as the `Host` header.
//! - **poem** is not tower-based either, and its `Route::nest` decodes the path itself,
//!   answering a segment that is not UTF-8 with its own text 400: `mount(service, app)` sends
//!   the paths the service owns to it before poem's router sees them, with poem's
//!   `original_uri` so a nest prefix is never lost. Both convert the body to bytes at the end,
//!   as warp's and poem's response bodies are their own types.
//!
//! The shared conformance suite (`testing` module, feature `test-util`) checks all of this
//! over real HTTP on 127.0.0.1; an adapter's tests run it with one macro call,
//! `gcp_events_core::conformance_suite!(start)`.

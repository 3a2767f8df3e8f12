//! The contract every framework adapter follows (and how to write one for another framework).
//!
//! An adapter only mounts the service. Everything that decides behaviour — routing inside the
//! events path, the method check, authentication, limits, body reading, JSON validation,
//! dispatch, status codes, headers and bodies of responses — lives in the
//! [`EventService`](crate::EventService), once, so every framework answers every request
//! identically. The service is a `tower::Service<http::Request<B>>` for any
//! [`http_body::Body`] `B` (feature `tower`, on by default), never fails (`Infallible`) and
//! answers `http::Response<`[`ResponseBody`](crate::ResponseBody)`>`; a framework without tower
//! calls [`EventService::handle`](crate::EventService::handle), which is the same thing.
//!
//! An adapter must:
//!
//! 1. Send **every** request whose path [`EventService::owns_path`](crate::EventService::owns_path)
//!    — the [`events_path`](crate::EventService::events_path) and everything below it, and the
//!    [`cloud_events_path`](crate::EventService::cloud_events_path) (e.g. `/`) when configured —
//!    to the service, and leave every other path to the application. One exception, where
//!    [`EventService::app_first`](crate::EventService::app_first) says so (a method other than
//!    POST at the CloudEvents path, which an application often uses itself: `GET /`): offer the
//!    request to the application's own route first, and to the service (which answers 405) only
//!    when the application has none.
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
//! Each adapter is at most 50 lines of code (axum 22, warp 40, poem 43, counting every line that
//! is not blank or a comment); what it has beyond the mount, its framework forces:
//! - **axum** takes the service as it is (`route_service`). axum routes only by pattern, and
//!   its `{*rest}` does not match an empty tail, so the events path needs three patterns
//!   (the path, with a trailing `/`, and below it), exactly those axum's own `nest_service`
//!   registers — which cannot be used, because it strips the path the service matches on. At
//!   the CloudEvents path the service is a method router (`post_service(..)` with the service
//!   as its fallback), so it merges with an application's own route there (`get(page)` at `/`):
//!   axum merges method routers on one path, where two services would panic at start. Tower
//!   layers go on the returned router (`router(service).layer(..)`).
//! - **warp** is not tower-based and has no catch-all that keeps the raw path, nor a filter
//!   that yields the whole `http::Request`: the filter asks the service which paths it owns
//!   (`owns_path`), then hands warp's parts (method, full path and raw query, headers, the body
//!   stream as an `http_body::Body`) to [`request_from_parts`], which puts the request together.
//!   warp's `path::full()` panics on a target without a path (authority form,
//!   `CONNECT host:port`) and `path::end()` cannot tell that from `/`, so such a target is taken
//!   as `/`; mount the filter at the top level (combine it with `or`, do not nest it under
//!   `warp::path`). warp gives neither the HTTP version nor the URI's authority, so an HTTP/2
//!   `:authority` is passed on as the `Host` header. warp tries filters in order: put the
//!   application's own routes first (`app.or(filter(service))`), so its `GET /` is reached
//!   beside a CloudEvents path of `/`.
//! - **poem** is not tower-based either, and its `Route::nest` decodes the path itself,
//!   answering a segment that is not UTF-8 with its own text 400: `mount(service, app)` sends
//!   the paths the service owns to it before poem's router sees them, with poem's
//!   `original_uri` so a nest prefix is never lost; for `app_first` requests it asks `app`
//!   first, with a copy of the head kept for the service. Both convert the body to bytes at the
//!   end, as warp's and poem's response bodies are their own types.
//!
//! The shared conformance suite (`testing` module, feature `test-util`) checks all of this
//! over real HTTP on 127.0.0.1; an adapter's tests run it with one macro call,
//! `gcp_events_core::conformance_suite!(start)`.

use bytes::Bytes;
use http::header::{HeaderValue, HOST};
use http::uri::{self, PathAndQuery};
use http::{HeaderMap, Method, Request, Uri};

/// Puts a request back together from the parts a framework hands out, for a framework that
/// gives no whole `http::Request` (warp): the method, the raw path and query as the client sent
/// them (`query` without its `?`, empty for none), the headers and the unread body. A framework
/// that parsed an HTTP/2 `:authority` but gives no URI passes it as `authority`: it becomes the
/// `Host` header when the request has none, so the service's one-Host rule holds on HTTP/2 too.
///
/// The target comes from a request line the framework already parsed, so it parses again; were
/// it ever not to, the request gets an empty target, which the service answers with 404.
///
/// ```
/// use gcp_events_core::adapter::request_from_parts;
/// use http::{HeaderMap, Method};
///
/// let request = request_from_parts(Method::POST, "/gcp-events/events/k/r", "a=1",
///     HeaderMap::new(), Some("example.com"), ());
/// assert_eq!(request.uri(), "/gcp-events/events/k/r?a=1");
/// assert_eq!(request.headers()["host"], "example.com");
/// ```
pub fn request_from_parts<B>(
    method: Method,
    path: &str,
    query: &str,
    mut headers: HeaderMap,
    authority: Option<&str>,
    body: B,
) -> Request<B> {
    let mut target = String::with_capacity(path.len() + 1 + query.len());
    target.push_str(path);
    if !query.is_empty() {
        target.push('?');
        target.push_str(query);
    }
    let mut parts = uri::Parts::default();
    parts.path_and_query = PathAndQuery::from_maybe_shared(Bytes::from(target)).ok();
    if !headers.contains_key(HOST) {
        if let Some(value) = authority.and_then(|a| HeaderValue::from_str(a).ok()) {
            headers.insert(HOST, value);
        }
    }
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.headers_mut() = headers;
    *request.uri_mut() = Uri::from_parts(parts).unwrap_or_default();
    request
}

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bytes::Bytes;
use futures_util::{future, TryStreamExt};
use gcp_events_core::{EventService, ResponseBody};
use http::uri::{self, Authority, PathAndQuery};
use http::{header::HeaderValue, header::HOST, HeaderMap, Request, Response, Uri};
use http_body::Frame;
use http_body_util::StreamBody;
use warp::filters::path::FullPath;
use warp::{Filter, Rejection};

pub use gcp_events_core;

/// Mounts `service` as a warp filter that takes every request at or below
/// [`EventService::events_path`] (and the CloudEvents path) and rejects (`not_found`) every
/// other, so it combines with an application's other filters through `.or(...)`.
///
/// warp hands out a request only in parts, so the filter rebuilds the `http::Request` — the
/// method, the raw path and query, the headers, and the body as an unread stream — and gives it
/// to [`EventService::handle`].
pub fn filter(
    service: EventService,
) -> impl Filter<Extract = (Response<Bytes>,), Error = Rejection> + Clone {
    let owner = service.clone();
    // warp's path::full() (and peek, tail) panic on a target without a path (authority form,
    // `CONNECT host:port`), and `end()` cannot tell it from `/`: such targets count as `/`.
    let root = warp::path::end().map(|| None);
    let path = root.or(warp::path::full().map(Some));
    let owned = path.unify().and_then(move |path: Option<FullPath>| {
        let mine = owner.owns_path(path.as_ref().map_or("/", FullPath::as_str));
        future::ready(mine.then_some(path).ok_or_else(warp::reject::not_found))
    });
    // warp gives no URI: an HTTP/2 `:authority` stands in as the Host, read (parsed) only when
    // there is no Host header.
    let authority = warp::header::value("host")
        .map(|_| None)
        .or(warp::host::optional())
        .unify()
        .or(warp::any().map(|| None))
        .unify();
    owned
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(authority)
        .and(warp::body::stream())
        .then(
            move |path: Option<FullPath>,
                  query: String,
                  method,
                  mut headers: HeaderMap,
                  authority: Option<Authority>,
                  body| {
                let service = service.clone();
                async move {
                    let body = StreamBody::new(TryStreamExt::map_ok(body, Frame::data));
                    let mut request = Request::new(body);
                    *request.method_mut() = method;
                    if let Some(value) =
                        authority.and_then(|h| HeaderValue::from_str(h.as_str()).ok())
                    {
                        headers.insert(HOST, value);
                    }
                    *request.headers_mut() = headers;
                    *request.uri_mut() = uri(path.as_ref().map_or("/", FullPath::as_str), &query);
                    service.handle(request).await.map(ResponseBody::into_bytes)
                }
            },
        )
}

/// The origin-form target warp parsed from the request line, put back together: one buffer,
/// handed to `http` without a copy. warp parsed it from a valid request line, so it parses
/// again; were it ever not to, the empty path answers 404.
fn uri(path: &str, query: &str) -> Uri {
    let mut target = String::with_capacity(path.len() + 1 + query.len());
    target.push_str(path);
    if !query.is_empty() {
        target.push('?');
        target.push_str(query);
    }
    let mut parts = uri::Parts::default();
    parts.path_and_query = PathAndQuery::from_maybe_shared(Bytes::from(target)).ok();
    Uri::from_parts(parts).unwrap_or_default()
}

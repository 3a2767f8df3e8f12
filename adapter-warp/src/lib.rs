#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bytes::Bytes;
use futures_util::TryStreamExt;
use gcp_events_core::{EventService, ResponseBody};
use http::{header::HeaderValue, header::HOST, uri::Authority, HeaderMap, Request, Response};
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
        let path = path.map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let mine = owner.owns_path(&path);
        async move { mine.then_some(path).ok_or_else(warp::reject::not_found) }
    });
    let host_header = |h: Option<Authority>| h.and_then(|h| HeaderValue::from_str(h.as_str()).ok());
    owned
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(warp::host::optional().or(warp::any().map(|| None)).unify())
        .and(warp::body::stream())
        .then(
            move |path: String, query: String, method, mut headers: HeaderMap, host, body| {
                let service = service.clone();
                async move {
                    let body = StreamBody::new(TryStreamExt::map_ok(body, Frame::data));
                    let mut request = Request::new(body);
                    *request.method_mut() = method;
                    // warp gives no URI: an HTTP/2 `:authority` stands in as the Host.
                    if let Some(value) = host_header(host).filter(|_| !headers.contains_key(HOST)) {
                        headers.insert(HOST, value);
                    }
                    *request.headers_mut() = headers;
                    let target = match query.as_str() {
                        "" => path,
                        query => format!("{path}?{query}"),
                    };
                    // warp parsed this target from a valid request line, so it parses again;
                    // were it ever not to, the empty path answers 404.
                    *request.uri_mut() = target.parse().unwrap_or_default();
                    service.handle(request).await.map(ResponseBody::into_bytes)
                }
            },
        )
}

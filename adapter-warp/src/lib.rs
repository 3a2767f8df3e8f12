#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// docs.rs (`--cfg docsrs`, nightly): each item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

use bytes::Bytes;
use futures_util::{future, TryStreamExt};
use gcp_events_core::{adapter::request_from_parts, EventService, ResponseBody};
use http::{uri::Authority, Response};
use http_body::Frame;
use http_body_util::StreamBody;
use warp::filters::path::FullPath;
use warp::{Filter, Rejection};

pub use gcp_events_core;

/// Mounts `service` as a warp filter that takes every request at or below
/// [`EventService::events_path`] (and the CloudEvents path) and rejects (`not_found`) every
/// other, so it combines with an application's other filters through `.or(...)`.
///
/// warp hands out a request only in parts, so the filter gives the service's
/// [`request_from_parts`] the method, the raw path and query, the headers, and the body as an
/// unread stream.
pub fn filter(
    service: EventService,
) -> impl Filter<Extract = (Response<Bytes>,), Error = Rejection> + Clone {
    let owner = service.clone();
    // warp's path::full() (and peek, tail) panic on a target without a path (authority form,
    // `CONNECT host:port`), and `end()` cannot tell it from `/`: such targets count as `/`.
    let path = (warp::path::end().map(|| None)).or(warp::path::full().map(Some));
    let owned = path.unify().and_then(move |path: Option<FullPath>| {
        let mine = owner.owns_path(path.as_ref().map_or("/", FullPath::as_str));
        future::ready(mine.then_some(path).ok_or_else(warp::reject::not_found))
    });
    // warp gives no URI: an HTTP/2 `:authority` stands in for the Host, read (parsed) only when
    // there is no Host header.
    let no_host = warp::header::value("host")
        .map(|_| None)
        .or(warp::host::optional());
    let authority = no_host.unify().or(warp::any().map(|| None)).unify();
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    owned
        .and(query)
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(authority)
        .and(warp::body::stream())
        .then(move |path, query: String, method, headers, host, body| {
            let service = service.clone();
            let body = StreamBody::new(TryStreamExt::map_ok(body, Frame::data));
            let path = Option::as_ref(&path).map_or("/", FullPath::as_str);
            let host = Option::as_ref(&host).map(Authority::as_str);
            let request = request_from_parts(method, path, &query, headers, host, body);
            async move { service.handle(request).await.map(ResponseBody::into_bytes) }
        })
}

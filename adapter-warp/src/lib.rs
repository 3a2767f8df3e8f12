#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use bytes::{Buf, Bytes};
use futures_util::TryStreamExt;
use gcp_events_core::{EventService, ResponseBody};
use http::{Request, Response};
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
    let owned = warp::path::full().and_then(move |path: FullPath| {
        let mine = owner.owns_path(path.as_str());
        async move { mine.then_some(path).ok_or_else(warp::reject::not_found) }
    });
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    owned
        .and(query)
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(
            move |path: FullPath, query: String, method, headers, body| {
                let service = service.clone();
                async move {
                    let frames = TryStreamExt::map_ok(body, |mut buf| {
                        let len = Buf::remaining(&buf);
                        Frame::data(Buf::copy_to_bytes(&mut buf, len))
                    });
                    let mut request = Request::new(StreamBody::new(frames));
                    *request.method_mut() = method;
                    *request.headers_mut() = headers;
                    let target = match query.as_str() {
                        "" => path.as_str().to_owned(),
                        query => format!("{}?{query}", path.as_str()),
                    };
                    // warp parsed this target from a valid request line, so it parses again;
                    // were it ever not to, the empty path answers 404.
                    *request.uri_mut() = target.parse().unwrap_or_default();
                    service.handle(request).await.map(ResponseBody::into_bytes)
                }
            },
        )
}

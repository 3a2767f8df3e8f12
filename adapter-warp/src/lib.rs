#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_util::Stream;
use gcp_events_core::{EventService, ResponseBody};
use http::{HeaderMap, Method, Request, Response};
use warp::filters::path::FullPath;
use warp::{Filter, Rejection};

pub use gcp_events_core;

/// Mounts `service` as a warp filter that takes every request at or below
/// [`EventService::events_path`] and rejects (`not_found`) every other, so it combines with
/// an application's other filters through `.or(...)`.
///
/// The request is rebuilt as an `http::Request` from warp's parts — method, the raw path and
/// query, headers, and the body as an unread stream — and given to [`EventService::handle`].
pub fn filter(
    service: EventService,
) -> impl Filter<Extract = (Response<Bytes>,), Error = Rejection> + Clone {
    let owner = service.clone();
    let owned = warp::path::full().and_then(move |path: FullPath| {
        let mine = owner.owns_path(path.as_str());
        async move {
            if mine {
                Ok(path)
            } else {
                Err(warp::reject::not_found())
            }
        }
    });
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    owned
        .and(query)
        .and(warp::method())
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(
            move |path: FullPath, query: String, method: Method, headers: HeaderMap, body| {
                let service = service.clone();
                async move {
                    let target = if query.is_empty() {
                        path.as_str().to_owned()
                    } else {
                        format!("{}?{query}", path.as_str())
                    };
                    let mut request = Request::new(StreamBody(Box::pin(body)));
                    *request.method_mut() = method;
                    *request.headers_mut() = headers;
                    match target.parse() {
                        Ok(uri) => *request.uri_mut() = uri,
                        // warp parsed this target from a valid request line, so it re-parses;
                        // if it ever did not, the service answers 404 for the empty path.
                        Err(_) => *request.uri_mut() = http::Uri::default(),
                    }
                    service.handle(request).await.map(ResponseBody::into_bytes)
                }
            },
        )
}

/// warp's body stream seen as an [`http_body::Body`], so the core reads it under its limit.
struct StreamBody<S>(Pin<Box<S>>);

impl<S, B> http_body::Body for StreamBody<S>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    type Data = Bytes;
    type Error = warp::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, warp::Error>>> {
        self.0.as_mut().poll_next(cx).map(|item| {
            item.map(|chunk| {
                chunk.map(|mut buf| http_body::Frame::data(buf.copy_to_bytes(buf.remaining())))
            })
        })
    }
}

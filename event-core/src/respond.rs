//! Phase 4, respond: the only place responses are built, and the body type they carry.
//! Building cannot fail: no builder, no `unwrap`.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONNECTION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};

use crate::auth::AuthError;
use http::{Response, StatusCode};

use crate::error::RequestError;

/// Seconds a 503 for unobtainable signing keys asks the sender to wait.
pub(crate) const RETRY_AFTER_SECS: &str = "30";

/// Seconds an overloaded, busy or store-less service asks the sender to wait (Pub/Sub backs
/// off by itself; other senders get a hint).
const RETRY_SOON_SECS: &str = "1";

const JSON: HeaderValue = HeaderValue::from_static("application/json");

fn json(status: StatusCode, body: Bytes) -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody(Some(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// `201 {}`: every matching handler succeeded.
pub(crate) fn handled() -> Response<ResponseBody> {
    json(StatusCode::CREATED, Bytes::from_static(b"{}"))
}

/// `200 {}`: acknowledged without handling — a handler asked to discard the event.
pub(crate) fn discarded() -> Response<ResponseBody> {
    json(StatusCode::OK, Bytes::from_static(b"{}"))
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// `{"error": public message}` (plus `detail` in debug mode) with the error's status.
pub(crate) fn error(
    err: &RequestError,
    failure_status: StatusCode,
    debug: bool,
) -> Response<ResponseBody> {
    let message = err.public_message();
    let detail = if debug { err.detail() } else { None };
    let body = serde_json::to_vec(&ErrorBody {
        error: &message,
        detail: detail.as_deref(),
    })
    // Serializing two strings cannot fail; keep a valid body if it ever did.
    .unwrap_or_else(|_| b"{\"error\":\"Error\"}".to_vec());
    let mut response = json(err.status(failure_status), Bytes::from(body));
    match err {
        RequestError::MethodNotAllowed(_) => {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST"));
        }
        // Shed before the body was read: retry soon, on a new connection.
        RequestError::Overloaded { .. } => {
            let headers = response.headers_mut();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_SOON_SECS));
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        RequestError::StoreUnavailable(_) | RequestError::InProgress { .. } => {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(RETRY_SOON_SECS));
        }
        // The body was not read: tell the client not to reuse the connection.
        RequestError::PayloadTooLarge { .. } => {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        RequestError::Unauthenticated(auth) => {
            let headers = response.headers_mut();
            match auth {
                // No bearer credentials at all (RFC 6750 §3.1: no error code then).
                AuthError::MissingToken | AuthError::NotBearer => {
                    headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                _ if auth.is_invalid_token() => {
                    headers.insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static("Bearer error=\"invalid_token\""),
                    );
                }
                AuthError::SignedUrl(_) => {
                    headers.insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static("SignedURL realm=\"gcp-events\""),
                    );
                }
                AuthError::KeysUnavailable => {
                    headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
                }
                _ => {}
            }
        }
        _ => {}
    }
    response
}

/// The body of every answer the service gives: a few bytes of JSON, all in memory.
///
/// It is an [`http_body::Body`] (one data frame, exact size hint), so frameworks and tower
/// layers take it as it is; [`as_bytes`](Self::as_bytes) and [`into_bytes`](Self::into_bytes)
/// read it without polling (e.g. in tests, or for a framework with its own body type).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use gcp_events_core::{handler_fn, EventService};
///
/// let service = EventService::builder()
///     .allow_unauthenticated()
///     .handler(handler_fn(|_event| async { Ok(()) }))
///     .build()?;
/// let request = http::Request::post("/gcp-events/events/k/r").header("host", "localhost").body(String::from("{}"))?;
/// let response = service.handle(request).await;
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.body().as_bytes(), b"{}");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResponseBody(Option<Bytes>);

impl ResponseBody {
    /// The bytes not yet polled out of the body (all of them, unless a framework read it).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_deref().unwrap_or_default()
    }

    /// The bytes not yet polled out of the body.
    pub fn into_bytes(self) -> Bytes {
        self.0.unwrap_or_default()
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.take().map(|bytes| Ok(http_body::Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.as_bytes().len() as u64)
    }
}

//! The only place responses are built. Building cannot fail: no builder, no `unwrap`.

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONNECTION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};

use crate::auth::AuthError;
use http::{Response, StatusCode};

use crate::error::RequestError;

/// Seconds a 503 for unobtainable signing keys asks the sender to wait.
pub(crate) const RETRY_AFTER_SECS: &str = "30";

const JSON: HeaderValue = HeaderValue::from_static("application/json");

fn json(status: StatusCode, body: Bytes) -> Response<Bytes> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// `201 {}`: every matching handler succeeded (E5).
pub(crate) fn handled() -> Response<Bytes> {
    json(StatusCode::CREATED, Bytes::from_static(b"{}"))
}

/// `200 {}`: acknowledged without handling — a handler asked to discard the event (E8).
pub(crate) fn discarded() -> Response<Bytes> {
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
) -> Response<Bytes> {
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
                AuthError::InvalidToken { .. } => {
                    headers.insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static("Bearer error=\"invalid_token\""),
                    );
                }
                AuthError::SignedUrl { .. } => {
                    headers.insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static("SignedURL realm=\"gcp-events\""),
                    );
                }
                AuthError::KeysUnavailable { .. } => {
                    headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
                }
                _ => {}
            }
        }
        _ => {}
    }
    response
}

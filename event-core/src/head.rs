//! Phase 1, the head: everything decided before a byte of the body is read — the request
//! target, the method, authentication, the query, the handlers and the declared length. A request refused here costs no body read, and
//! nothing reveals which kinds are handled before the caller is authenticated.

use std::collections::BTreeMap;
use std::sync::Arc;

use http::request::Parts;
use http::Method;
use tokio::sync::OwnedSemaphorePermit;

use crate::auth::signed_url::{self, SIGNATURE_PARAMETER};
use crate::auth::{AuthError, VerifiedClaims};
use crate::body;
use crate::config::Inner;
use crate::error::RequestError;
use crate::handler::Handlers;
use crate::route;

/// Which route a request is for.
pub(crate) enum Target<'a> {
    /// `{prefix}/events/{kind}/{reference}`: the URL names the event; its handlers are known.
    Named {
        kind: String,
        reference: String,
        handlers: Handlers<'a>,
    },
    /// The CloudEvents path: the event names itself (type and subject), known after delivery.
    CloudEvents,
}

/// A head that passed every check.
pub(crate) struct Head<'a> {
    pub(crate) target: Target<'a>,
    pub(crate) claims: Option<VerifiedClaims>,
    pub(crate) parameters: BTreeMap<String, String>,
    /// This request's place among the events in flight, held until it is answered.
    pub(crate) permit: Option<OwnedSemaphorePermit>,
}

/// Checks the head, in this order: target length (414), Host (400), route (404/400), method (405),
/// OIDC (401/403/503), query (400), signed URL (401), handlers (404), declared length (413),
/// and last a place among the events in flight (503: shed before the body is read).
pub(crate) async fn check<'a>(inner: &'a Inner, parts: &Parts) -> Result<Head<'a>, RequestError> {
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    if path.len() + query.len() > inner.max_uri_length {
        return Err(RequestError::UriTooLong {
            limit: inner.max_uri_length,
        });
    }
    check_host(parts)?;
    let named = if inner.cloud_events_path.as_deref() == Some(path) {
        None
    } else {
        Some(route::match_path(&inner.events_path, path)?)
    };
    if parts.method != Method::POST {
        return Err(RequestError::MethodNotAllowed(parts.method.clone()));
    }
    let claims = match &inner.oidc {
        Some(verifier) => Some(
            verifier
                .verify_headers(&parts.headers)
                .await
                .map_err(RequestError::Unauthenticated)?,
        ),
        None => None,
    };
    let mut parameters = route::parse_query(query)?;
    let target = match named {
        None => Target::CloudEvents,
        Some((kind, reference)) => {
            check_signed_url(inner, &kind, &reference, &mut parameters)?;
            let handlers = inner.handlers_for(&kind);
            if handlers.is_empty() {
                return Err(RequestError::NoHandler { kind });
            }
            Target::Named {
                kind,
                reference,
                handlers,
            }
        }
    };
    if body::declared_length(&parts.headers).is_some_and(|len| len > inner.body_limit as u64) {
        return Err(RequestError::PayloadTooLarge {
            limit: inner.body_limit,
        });
    }
    let permit = match &inner.in_flight {
        Some((permits, limit)) => Some(
            Arc::clone(permits)
                .try_acquire_owned()
                .map_err(|_| RequestError::Overloaded { limit: *limit })?,
        ),
        None => None,
    };
    Ok(Head {
        target,
        claims,
        parameters,
        permit,
    })
}

/// RFC 9112 §3.2: more than one `Host` field, or one that is not a valid authority,
/// is a 400 in any version; an HTTP/1.x request needs one (RFC 9112 requires it of 1.1; we
/// ask it of 1.0 too, as no Google sender speaks 1.0); HTTP/2 and later need a Host or an
/// `:authority` (which the server puts into the request's URI).
fn check_host(parts: &Parts) -> Result<(), RequestError> {
    let mut hosts = parts.headers.get_all(http::header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (Some(_), Some(_)) => Err(RequestError::InvalidHost),
        (Some(host), None) => host
            .to_str()
            .ok()
            .and_then(|h| h.parse::<http::uri::Authority>().ok())
            .map(drop)
            .ok_or(RequestError::InvalidHost),
        (None, _) => match parts.version {
            http::Version::HTTP_09 | http::Version::HTTP_10 | http::Version::HTTP_11 => {
                Err(RequestError::InvalidHost)
            }
            _ if parts.uri.authority().is_some() => Ok(()),
            _ => Err(RequestError::InvalidHost),
        },
    }
}

/// The signed-URL token, when keys are configured, is checked (with the service's clock)
/// and then removed: handlers never see it.
fn check_signed_url(
    inner: &Inner,
    kind: &str,
    reference: &str,
    parameters: &mut BTreeMap<String, String>,
) -> Result<(), RequestError> {
    if inner.url_keys.is_empty() {
        return Ok(());
    }
    let token = parameters.remove(SIGNATURE_PARAMETER);
    signed_url::verify(
        &inner.url_keys,
        kind,
        reference,
        token.as_deref(),
        inner.clock.now(),
    )
    .map_err(|e| RequestError::Unauthenticated(AuthError::SignedUrl(e)))
}

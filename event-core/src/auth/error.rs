//! Why a request failed authentication, and which status that answers.

use http::StatusCode;

/// An authentication failure (SPEC A2). The [`reason`](Self::reason) is a stable code for logs
/// and (in debug mode) the response's `detail`; it never contains the token or its claims.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header: 401 with a bare `WWW-Authenticate: Bearer`.
    #[error("no bearer token")]
    MissingToken,
    /// An `Authorization` header with another scheme (`Basic …`): no bearer credentials at all,
    /// so 401 with a bare `WWW-Authenticate: Bearer` (RFC 6750 §3.1).
    #[error("not a bearer token")]
    NotBearer,
    /// The token is malformed, forged, expired or addressed to someone else: 401 with
    /// `WWW-Authenticate: Bearer error="invalid_token"`.
    #[error("invalid token: {reason}")]
    InvalidToken {
        /// Why, as a stable code (`expired`, `wrong_audience`, `bad_signature`…).
        reason: &'static str,
    },
    /// A genuine token for this audience, from a caller that is not allowed: 403.
    #[error("caller not allowed: {reason}")]
    Forbidden {
        /// Why, as a stable code (`email_not_allowed`, `email_not_verified`…).
        reason: &'static str,
    },
    /// No key for the token's `kid` could be obtained (key source down, nothing cached): 503
    /// with `Retry-After`. Pub/Sub retries later.
    #[error("signing keys unavailable: {reason}")]
    KeysUnavailable {
        /// Why, as a stable code.
        reason: &'static str,
    },
    /// A signed event URL's token is missing, wrong or expired: 401 (SPEC U3).
    #[error("signed URL rejected: {reason}")]
    SignedUrl {
        /// Why, as a stable code.
        reason: &'static str,
    },
}

impl AuthError {
    /// The HTTP status this failure answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingToken
            | Self::NotBearer
            | Self::InvalidToken { .. }
            | Self::SignedUrl { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::KeysUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A stable code saying why.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::NotBearer => "not_a_bearer_token",
            Self::InvalidToken { reason }
            | Self::Forbidden { reason }
            | Self::KeysUnavailable { reason }
            | Self::SignedUrl { reason } => reason,
        }
    }

    pub(crate) fn invalid(reason: &'static str) -> Self {
        Self::InvalidToken { reason }
    }

    pub(crate) fn forbidden(reason: &'static str) -> Self {
        Self::Forbidden { reason }
    }
}

//! Why a request failed authentication, and which status that answers; why an authentication
//! setting was refused.

use http::StatusCode;

use super::signed_url::SignedUrlError;

/// An authentication failure (SPEC A2). Each variant decides its status once
/// ([`status`](Self::status)); [`reason`](Self::reason) gives a stable code for logs and (in
/// debug mode) the response's `detail`. Nothing here ever holds the token or its claims.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
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
    #[error("invalid token: {}", .0.code())]
    InvalidToken(TokenError),
    /// A genuine token for this audience, from a caller that is not allowed: 403.
    #[error("caller not allowed: {}", .0.code())]
    Forbidden(CallerError),
    /// No key for the token's `kid` could be obtained (key source down, nothing cached): 503
    /// with `Retry-After`. Pub/Sub retries later.
    #[error("signing keys unavailable")]
    KeysUnavailable,
    /// A signed event URL's token is missing, wrong or expired: 401 (SPEC U3).
    #[error("signed URL rejected: {}", .0.reason())]
    SignedUrl(SignedUrlError),
}

impl AuthError {
    /// The HTTP status this failure answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingToken | Self::NotBearer | Self::InvalidToken(_) | Self::SignedUrl(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::KeysUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A stable code saying why (`missing_token`, `expired`, `email_not_allowed`…), for logs.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::NotBearer => "not_a_bearer_token",
            Self::InvalidToken(e) => e.code(),
            Self::Forbidden(e) => e.code(),
            Self::KeysUnavailable => "key_source_unavailable",
            Self::SignedUrl(e) => e.reason(),
        }
    }
}

impl From<TokenError> for AuthError {
    fn from(e: TokenError) -> Self {
        Self::InvalidToken(e)
    }
}

impl From<CallerError> for AuthError {
    fn from(e: CallerError) -> Self {
        Self::Forbidden(e)
    }
}

/// Declares a fieldless error enum whose variants each carry a stable snake_case code.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$meta])*
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// The stable snake_case code of this reason, as logged.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum! {
    /// Why a bearer token is invalid (401).
    TokenError {
        /// More than one `Authorization` field.
        MultipleAuthorizationHeaders => "multiple_authorization_headers",
        /// The field is not `Bearer <b64token>`.
        MalformedAuthorizationHeader => "malformed_authorization_header",
        /// Longer than the configured cap, refused before decoding.
        TokenTooLong => "token_too_long",
        /// Not `header.payload.signature`.
        NotThreeSegments => "not_three_segments",
        /// The header segment is not strict unpadded base64url.
        MalformedHeader => "malformed_header",
        /// The payload segment is not strict unpadded base64url.
        MalformedPayload => "malformed_payload",
        /// The signature segment is not strict unpadded base64url.
        MalformedSignature => "malformed_signature",
        /// The header is not a JSON object.
        HeaderNotJsonObject => "header_not_json_object",
        /// The payload is not a JSON object.
        PayloadNotJsonObject => "payload_not_json_object",
        /// `alg` is not `RS256`.
        AlgorithmNotAllowed => "algorithm_not_allowed",
        /// The header has a `crit` member.
        CriticalHeaderUnsupported => "critical_header_unsupported",
        /// No `kid`, or an empty one.
        KeyIdMissing => "key_id_missing",
        /// `SIGNATURE_REMOVED_BY_GOOGLE` without `OidcMode::TrustCloudRunIam`.
        SignatureRemoved => "signature_removed",
        /// No key with this `kid`, even after a refresh.
        UnknownKeyId => "unknown_key_id",
        /// The signature does not verify.
        BadSignature => "bad_signature",
        /// No `exp`.
        ExpiryMissing => "expiry_missing",
        /// No `iat`.
        IssuedAtMissing => "issued_at_missing",
        /// `exp`, `iat` or `nbf` is not a JSON number.
        TimeClaimNotNumeric => "time_claim_not_numeric",
        /// Past `exp` (plus leeway).
        Expired => "expired",
        /// `iat` in the future (beyond leeway).
        IssuedInFuture => "issued_in_future",
        /// `iat` after `exp`.
        IssuedAfterExpiry => "issued_after_expiry",
        /// `exp` more than a day ahead.
        LifetimeTooLong => "lifetime_too_long",
        /// `nbf` in the future (beyond leeway).
        NotYetValid => "not_yet_valid",
        /// `iss` is not Google's.
        WrongIssuer => "wrong_issuer",
        /// `aud` is an array (only a string equal to a configured audience is accepted).
        AudienceNotAString => "audience_not_a_string",
        /// `aud` is not a configured audience.
        WrongAudience => "wrong_audience",
    }
}

coded_enum! {
    /// Why a genuine token's caller is not allowed (403).
    CallerError {
        /// `email_verified` is not JSON `true`.
        EmailNotVerified => "email_not_verified",
        /// `email` is not in the allow-list.
        EmailNotAllowed => "email_not_allowed",
        /// `sub` is not in the subject allow-list.
        SubjectNotAllowed => "subject_not_allowed",
    }
}

/// An authentication setting that cannot work, found when the service (or an
/// [`OidcVerifier`](super::OidcVerifier)) is built.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthConfigError {
    /// `allow_unauthenticated()` together with OIDC or signed URLs.
    #[error("allow_unauthenticated() contradicts the oidc/signed_urls settings: choose one")]
    Contradictory,
    /// The CloudEvents path with signed URLs alone: a URL there cannot name a kind.
    #[error("the CloudEvents path needs .oidc(..) (Eventarc sends OIDC tokens): a signed URL cannot name a kind there")]
    CloudEventsPathNeedsOidc,
    /// An empty audience or e-mail, which would match nothing real.
    #[error("an empty audience or e-mail would match nothing real; remove it")]
    EmptyAudienceOrEmail,
    /// OIDC without an audience.
    #[error("OIDC needs at least one audience: the exact `aud` your push subscription uses")]
    NoAudience,
    /// OIDC without an allowed e-mail.
    #[error("OIDC needs at least one allowed e-mail: the push subscription's service account")]
    NoAllowedEmail,
    /// A token length cap of zero.
    #[error("max_token_length must be greater than zero")]
    ZeroMaxTokenLength,
    /// No key source: the `jwks-http` feature is off and none was set.
    #[error("no key source: enable the `jwks-http` feature for Google's keys, or set OidcConfig::key_source")]
    NoKeySource,
    /// The JWKS URL does not parse.
    #[error("invalid JWKS URL")]
    InvalidJwksUrl,
    /// The JWKS URL is neither HTTPS nor HTTP on a loopback address.
    #[error("the JWKS URL must be https (or http on a loopback address, for tests)")]
    InsecureJwksUrl,
    /// The HTTP client for the JWKS could not be built.
    #[error("the HTTP client for the JWKS could not be built")]
    HttpClient,
}

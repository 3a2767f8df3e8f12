//! Why a request failed authentication, and which status that answers; why an authentication
//! setting was refused.

use http::StatusCode;

use super::signed_url::SignedUrlError;

/// Declares [`AuthError`]: each fieldless variant with its stable code and its group (which
/// decides the status), plus the signed-URL variant.
macro_rules! auth_error {
    ($($(#[$doc:meta])* $group:ident $variant:ident => $code:literal,)*) => {
        /// An authentication failure, one variant per reason. Its status is decided
        /// once ([`status`](Self::status)): a missing, malformed, forged, expired or misaddressed
        /// token answers 401, a genuine token of a caller that is not allowed 403, unobtainable
        /// keys 503. [`reason`](Self::reason) gives a stable snake_case code for logs and (in
        /// debug mode) the response's `detail`. Nothing here ever holds the token or its claims.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
        pub enum AuthError {
            $($(#[$doc])* #[error("{}", $code)] $variant,)*
            /// A signed event URL's token is missing, wrong or expired: 401.
            #[error("signed URL rejected: {}", .0.reason())]
            SignedUrl(SignedUrlError),
        }

        impl AuthError {
            /// A stable code saying why (`missing_token`, `expired`, `email_not_allowed`…),
            /// for logs.
            pub fn reason(&self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                    Self::SignedUrl(e) => e.reason(),
                }
            }

            fn group(&self) -> Group {
                match self {
                    $(Self::$variant => Group::$group,)*
                    Self::SignedUrl(_) => Group::SignedUrl,
                }
            }
        }
    };
}

/// What kind of failure a variant is, which decides its status and challenge.
enum Group {
    NoCredentials,
    InvalidToken,
    Caller,
    Keys,
    SignedUrl,
}

auth_error! {
    /// No `Authorization` header: 401 with a bare `WWW-Authenticate: Bearer`.
    NoCredentials MissingToken => "missing_token",
    /// An `Authorization` header with another scheme (`Basic …`): no bearer credentials at
    /// all, so 401 with a bare `WWW-Authenticate: Bearer` (RFC 6750 §3.1).
    NoCredentials NotBearer => "not_a_bearer_token",
    /// More than one `Authorization` field (401, `invalid_token`)
    InvalidToken MultipleAuthorizationHeaders => "multiple_authorization_headers",
    /// The field is not `Bearer <b64token>` (401, `invalid_token`)
    InvalidToken MalformedAuthorizationHeader => "malformed_authorization_header",
    /// Longer than the configured cap, refused before decoding (401, `invalid_token`)
    InvalidToken TokenTooLong => "token_too_long",
    /// Not `header.payload.signature` (401, `invalid_token`)
    InvalidToken NotThreeSegments => "not_three_segments",
    /// The header segment is not strict unpadded base64url (401, `invalid_token`)
    InvalidToken MalformedHeader => "malformed_header",
    /// The payload segment is not strict unpadded base64url (401, `invalid_token`)
    InvalidToken MalformedPayload => "malformed_payload",
    /// The signature segment is not strict unpadded base64url (401, `invalid_token`)
    InvalidToken MalformedSignature => "malformed_signature",
    /// The header is not a JSON object (401, `invalid_token`)
    InvalidToken HeaderNotJsonObject => "header_not_json_object",
    /// The payload is not a JSON object (401, `invalid_token`)
    InvalidToken PayloadNotJsonObject => "payload_not_json_object",
    /// `alg` is not `RS256` (401, `invalid_token`)
    InvalidToken AlgorithmNotAllowed => "algorithm_not_allowed",
    /// The header has a `crit` member (401, `invalid_token`)
    InvalidToken CriticalHeaderUnsupported => "critical_header_unsupported",
    /// No `kid`, or an empty one (401, `invalid_token`)
    InvalidToken KeyIdMissing => "key_id_missing",
    /// `SIGNATURE_REMOVED_BY_GOOGLE` without `OidcMode::TrustCloudRunIam` (401, `invalid_token`)
    InvalidToken SignatureRemoved => "signature_removed",
    /// No key with this `kid`, even after a refresh (401, `invalid_token`)
    InvalidToken UnknownKeyId => "unknown_key_id",
    /// The signature does not verify (401, `invalid_token`)
    InvalidToken BadSignature => "bad_signature",
    /// No `exp` (401, `invalid_token`)
    InvalidToken ExpiryMissing => "expiry_missing",
    /// No `iat` (401, `invalid_token`)
    InvalidToken IssuedAtMissing => "issued_at_missing",
    /// `exp`, `iat` or `nbf` is not a JSON number (401, `invalid_token`)
    InvalidToken TimeClaimNotNumeric => "time_claim_not_numeric",
    /// Past `exp` (plus leeway) (401, `invalid_token`)
    InvalidToken Expired => "expired",
    /// `iat` in the future (beyond leeway) (401, `invalid_token`)
    InvalidToken IssuedInFuture => "issued_in_future",
    /// `iat` after `exp` (401, `invalid_token`)
    InvalidToken IssuedAfterExpiry => "issued_after_expiry",
    /// `exp` more than a day ahead (401, `invalid_token`)
    InvalidToken LifetimeTooLong => "lifetime_too_long",
    /// `nbf` in the future (beyond leeway) (401, `invalid_token`)
    InvalidToken NotYetValid => "not_yet_valid",
    /// `iss` is not Google's (401, `invalid_token`)
    InvalidToken WrongIssuer => "wrong_issuer",
    /// `aud` is an array (only a string equal to a configured audience is accepted) (401, `invalid_token`)
    InvalidToken AudienceNotAString => "audience_not_a_string",
    /// `aud` is not a configured audience (401, `invalid_token`)
    InvalidToken WrongAudience => "wrong_audience",
    /// `email_verified` is not JSON `true` (403)
    Caller EmailNotVerified => "email_not_verified",
    /// `email` is not in the allow-list (403)
    Caller EmailNotAllowed => "email_not_allowed",
    /// `sub` is not in the subject allow-list (403)
    Caller SubjectNotAllowed => "subject_not_allowed",
    /// No key for the token's `kid` could be obtained (key source down, nothing cached): 503
    /// with `Retry-After`. Pub/Sub retries later.
    Keys KeysUnavailable => "key_source_unavailable",
}

impl AuthError {
    /// The HTTP status this failure answers with.
    pub fn status(&self) -> StatusCode {
        match self.group() {
            Group::Caller => StatusCode::FORBIDDEN,
            Group::Keys => StatusCode::SERVICE_UNAVAILABLE,
            Group::NoCredentials | Group::InvalidToken | Group::SignedUrl => {
                StatusCode::UNAUTHORIZED
            }
        }
    }

    /// Whether a bearer token was sent and refused (RFC 6750 `error="invalid_token"`).
    pub(crate) fn is_invalid_token(&self) -> bool {
        matches!(self.group(), Group::InvalidToken)
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

//! The bearer header and the token: strict parsing, signature, claims.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use http::header::AUTHORIZATION;
use serde_json::{Map, Value};

use super::cache::{KeyCache, Lookup};
use super::error::AuthError;
use super::{OidcConfig, OidcMode, GOOGLE_ISSUERS, SIGNATURE_REMOVED_BY_GOOGLE};

/// Tokens claiming a longer life than this are not Google's (Google issues 1 h).
const MAX_LIFETIME: f64 = 86_400.0;

/// The claims of a verified token, handed to handlers through
/// [`EventContext::claims`](crate::EventContext::claims).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedClaims {
    /// The caller's e-mail (the push service account); checked against the allow-list.
    pub email: String,
    /// `sub`: the caller's unique numeric id, when present.
    pub subject: Option<String>,
    /// `aud`: the audience the token was minted for (one of the configured ones).
    pub audience: String,
    /// `iss`.
    pub issuer: String,
    /// `iat`.
    pub issued_at: DateTime<Utc>,
    /// `exp`.
    pub expires_at: DateTime<Utc>,
    /// The header's `kid`.
    pub key_id: String,
    /// `false` only in [`OidcMode::TrustCloudRunIam`] for a token whose signature Cloud Run had
    /// removed (and checked).
    pub signature_verified: bool,
    /// Every claim of the payload, for anything not lifted into a field (`azp`…).
    pub claims: Map<String, Value>,
}

/// The token from the request's single `Authorization: Bearer` field.
pub(crate) fn bearer_token(headers: &http::HeaderMap, max_len: usize) -> Result<&str, AuthError> {
    let mut fields = headers.get_all(AUTHORIZATION).iter();
    let Some(field) = fields.next() else {
        return Err(AuthError::MissingToken);
    };
    if fields.next().is_some() {
        return Err(AuthError::MultipleAuthorizationHeaders);
    }
    // Cap before any parsing: the scheme and spaces add a few bytes at most.
    if field.len() > max_len.saturating_add(64) {
        return Err(AuthError::TokenTooLong);
    }
    let value = field
        .to_str()
        .map_err(|_| AuthError::MalformedAuthorizationHeader)?;
    let (scheme, rest) = value
        .split_once(' ')
        .ok_or(AuthError::MalformedAuthorizationHeader)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::NotBearer);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() || !is_b64token(token) {
        return Err(AuthError::MalformedAuthorizationHeader);
    }
    if token.len() > max_len {
        return Err(AuthError::TokenTooLong);
    }
    Ok(token)
}

/// RFC 6750 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// Strict unpadded base64url (no `=`, no `+`/`/`, no stray bits).
fn b64(segment: &str, reason: AuthError) -> Result<Vec<u8>, AuthError> {
    URL_SAFE_NO_PAD.decode(segment).map_err(|_| reason)
}

fn json_object(bytes: &[u8], reason: AuthError) -> Result<Map<String, Value>, AuthError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(reason),
    }
}

fn seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

fn to_datetime(secs: f64) -> DateTime<Utc> {
    // Whole seconds are what Google sends; a fraction is dropped.
    #[allow(clippy::cast_possible_truncation)]
    let whole = secs.floor() as i64;
    DateTime::from_timestamp(whole, 0).unwrap_or_default()
}

fn numeric(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, AuthError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or(AuthError::TimeClaimNotNumeric),
        Some(_) => Err(AuthError::TimeClaimNotNumeric),
    }
}

/// Runs every check in the documented order; fail-closed.
pub(crate) async fn verify(
    config: &OidcConfig,
    cache: &std::sync::Arc<KeyCache>,
    token: &str,
) -> Result<VerifiedClaims, AuthError> {
    // The caller (`OidcVerifier::verify_token`) has already capped the length.
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::NotThreeSegments);
    };
    let header = json_object(
        &b64(header_b64, AuthError::MalformedHeader)?,
        AuthError::HeaderNotJsonObject,
    )?;
    let payload = json_object(
        &b64(payload_b64, AuthError::MalformedPayload)?,
        AuthError::PayloadNotJsonObject,
    )?;

    // The algorithm is ours to choose, never the token's (RFC 8725 §3.1).
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(AuthError::AlgorithmNotAllowed);
    }
    if header.contains_key("crit") {
        return Err(AuthError::CriticalHeaderUnsupported);
    }
    let kid = match header.get("kid") {
        Some(Value::String(kid)) if !kid.is_empty() => kid.clone(),
        _ => return Err(AuthError::KeyIdMissing),
    };

    let signature_verified = if signature_b64 == SIGNATURE_REMOVED_BY_GOOGLE {
        if config.mode != OidcMode::TrustCloudRunIam {
            return Err(AuthError::SignatureRemoved);
        }
        false
    } else {
        let signature = b64(signature_b64, AuthError::MalformedSignature)?;
        let key = match cache.key(&kid).await {
            Lookup::Found(key) => key,
            Lookup::Unknown => return Err(AuthError::UnknownKeyId),
            Lookup::Unavailable => return Err(AuthError::KeysUnavailable),
        };
        let signed = &token[..header_b64.len() + 1 + payload_b64.len()];
        if !key.verify_rs256(signed.as_bytes(), &signature) {
            return Err(AuthError::BadSignature);
        }
        true
    };

    check_claims(config, payload, kid, signature_verified)
}

/// The time checks, for a new token and again for a remembered one. Returns
/// `(iat, exp)`.
pub(crate) fn check_times(
    config: &OidcConfig,
    claims: &Map<String, Value>,
) -> Result<(f64, f64), AuthError> {
    let now = seconds(config.now());
    let leeway = config.leeway.as_secs_f64();
    let exp = numeric(claims, "exp")?.ok_or(AuthError::ExpiryMissing)?;
    let iat = numeric(claims, "iat")?.ok_or(AuthError::IssuedAtMissing)?;
    if now > exp + leeway {
        return Err(AuthError::Expired);
    }
    if iat > now + leeway {
        return Err(AuthError::IssuedInFuture);
    }
    if iat > exp {
        return Err(AuthError::IssuedAfterExpiry);
    }
    if exp - now > MAX_LIFETIME {
        return Err(AuthError::LifetimeTooLong);
    }
    if let Some(nbf) = numeric(claims, "nbf")? {
        if nbf > now + leeway {
            return Err(AuthError::NotYetValid);
        }
    }
    Ok((iat, exp))
}

/// The most common push misconfiguration is the audience: Pub/Sub's default is the full push
/// URL, query included, while the service expects the one it was given. An audience is no
/// secret, so the warning says which `aud` arrived (at most 256 characters of it) and which
/// were expected; the token itself is never logged.
fn log_wrong_audience(config: &OidcConfig, received: Option<&Value>) {
    let received = match received {
        Some(Value::String(aud)) => aud.chars().take(256).collect::<String>(),
        Some(other) => format!("(a JSON {}, not a string)", json_type(other)),
        None => "(none)".to_owned(),
    };
    tracing::warn!(
        received = %received,
        expected = ?config.audiences,
        "push token refused: its audience is not one this service expects"
    );
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn check_claims(
    config: &OidcConfig,
    claims: Map<String, Value>,
    key_id: String,
    signature_verified: bool,
) -> Result<VerifiedClaims, AuthError> {
    let issuer = match claims.get("iss") {
        Some(Value::String(iss)) if GOOGLE_ISSUERS.contains(&iss.as_str()) => iss.clone(),
        _ => return Err(AuthError::WrongIssuer),
    };
    let audience = match claims.get("aud") {
        Some(Value::String(aud)) if config.audiences.iter().any(|a| a == aud) => aud.clone(),
        Some(Value::Array(_)) => return Err(AuthError::AudienceNotAString),
        other => {
            log_wrong_audience(config, other);
            return Err(AuthError::WrongAudience);
        }
    };

    let (iat, exp) = check_times(config, &claims)?;

    // Genuine and addressed to us: from here on a failure is "not allowed" (403).
    if claims.get("email_verified") != Some(&Value::Bool(true)) {
        return Err(AuthError::EmailNotVerified);
    }
    let email = match claims.get("email") {
        Some(Value::String(e)) if config.allowed_emails.iter().any(|a| a == e) => e.clone(),
        _ => return Err(AuthError::EmailNotAllowed),
    };
    let subject = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
    if !config.allowed_subjects.is_empty()
        && !subject
            .as_ref()
            .is_some_and(|s| config.allowed_subjects.contains(s))
    {
        return Err(AuthError::SubjectNotAllowed);
    }

    Ok(VerifiedClaims {
        email,
        subject,
        audience,
        issuer,
        issued_at: to_datetime(iat),
        expires_at: to_datetime(exp),
        key_id,
        signature_verified,
        claims,
    })
}

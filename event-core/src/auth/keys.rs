//! Signing keys: JWKS parsing, key sources, and the cache.

use std::time::Duration;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::Value;

/// JWK `n`/`e` are unpadded base64url; a padded value from a trusted source is tolerated.
const JWK_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One RSA signing key (a JWK with `kty: RSA`, usable for RS256 signatures).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    pub(super) kid: String,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("kid", &self.kid)
            .field("bits", &(self.n.len() * 8))
            .finish()
    }
}

impl PublicKey {
    /// A key from its id and its big-endian modulus and exponent bytes. `None` unless the
    /// modulus is 2048–8192 bits.
    pub(crate) fn from_components(kid: impl Into<String>, n: &[u8], e: &[u8]) -> Option<Self> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        if !(256..=1024).contains(&n.len()) || e.is_empty() || e.len() > 8 {
            return None;
        }
        Some(Self {
            kid: kid.into(),
            n: n.to_vec(),
            e: e.to_vec(),
        })
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256, keys of 2048–8192 bits.
    pub(crate) fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        ring::signature::RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            message,
            signature,
        )
        .is_ok()
    }

    /// A JWK usable for RS256 signatures, else `None`: `kty` RSA, `alg` absent or RS256,
    /// `use` absent or `sig`, a non-empty `kid`, decodable `n`/`e`.
    fn from_jwk(jwk: &Value) -> Option<Self> {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        if field("kty") != Some("RSA") {
            return None;
        }
        if jwk.get("alg").is_some() && field("alg") != Some("RS256") {
            return None;
        }
        if jwk.get("use").is_some() && field("use") != Some("sig") {
            return None;
        }
        let kid = field("kid").filter(|k| !k.is_empty())?;
        let n = JWK_B64.decode(field("n")?).ok()?;
        let e = JWK_B64.decode(field("e")?).ok()?;
        Self::from_components(kid, &n, &e)
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// A set of signing keys, with how long it may be cached. Also a [`KeySource`] that always
/// returns itself (for tests, or keys shipped with the service).
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    pub(super) keys: Vec<PublicKey>,
    pub(super) max_age: Option<Duration>,
}

impl KeySet {
    /// Parses a JWKS document (`{"keys": [...]}`). Keys not usable for RS256 signatures
    /// (another `kty`, `alg` or `use`, no `kid`, a modulus outside 2048–8192 bits) are skipped;
    /// a document that is not a JWKS is an error.
    ///
    /// ```
    /// use gcp_events_core::auth::{KeySet, KeySourceError};
    ///
    /// assert!(KeySet::from_jwks_json(br#"{"keys": [{"kty": "EC", "kid": "x"}]}"#).is_ok());
    /// assert_eq!(
    ///     KeySet::from_jwks_json(b"[]").unwrap_err(),
    ///     KeySourceError::InvalidJwks
    /// );
    /// ```
    pub fn from_jwks_json(json: &[u8]) -> Result<Self, KeySourceError> {
        let doc: Value = serde_json::from_slice(json).map_err(|_| KeySourceError::InvalidJwks)?;
        let keys = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(KeySourceError::InvalidJwks)?;
        Ok(Self {
            keys: keys.iter().filter_map(PublicKey::from_jwk).collect(),
            max_age: None,
        })
    }

    /// How long the set may be used before it should be fetched again (the HTTP key source
    /// reads it from `Cache-Control: max-age` minus `Age`); `None` uses the cache's fallback
    /// (1 h).
    pub fn with_max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }
}

#[async_trait::async_trait]
impl KeySource for KeySet {
    async fn fetch(&self) -> Result<KeySet, KeySourceError> {
        Ok(self.clone())
    }
}

/// Why keys could not be fetched.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeySourceError {
    /// The document is not a JWKS (`{"keys": [...]}`).
    #[error("the key document is not a JWKS")]
    InvalidJwks,
    /// The document holds no key usable for RS256.
    #[error("the key set holds no usable RS256 key")]
    NoUsableKeys,
    /// The fetch failed (connection, timeout, status, size); the text says which.
    #[error("fetching keys failed: {0}")]
    Fetch(String),
}

/// Where signing keys come from; the key cache calls it at most once at a time and bounds how
/// often. Implementations should bound their own time (the HTTP source times out after 5 s).
#[async_trait::async_trait]
pub trait KeySource: Send + Sync + 'static {
    /// Fetches the current key set.
    async fn fetch(&self) -> Result<KeySet, KeySourceError>;
}

/// Freshness lifetime from HTTP caching headers: `Cache-Control: max-age` minus `Age`
/// (saturating at zero); `no-store`/`no-cache` give zero; `None` when there is no usable
/// `max-age`.
#[cfg_attr(not(feature = "jwks-http"), allow(dead_code))]
pub(crate) fn max_age_from_headers(headers: &http::HeaderMap) -> Option<Duration> {
    let mut max_age = None;
    for value in headers.get_all(http::header::CACHE_CONTROL) {
        let Ok(value) = value.to_str() else { continue };
        for directive in value.split(',').map(str::trim) {
            let lower = directive.to_ascii_lowercase();
            if lower == "no-store" || lower == "no-cache" {
                return Some(Duration::ZERO);
            }
            if let Some(secs) = lower.strip_prefix("max-age=") {
                max_age = secs.trim_matches('"').parse::<u64>().ok();
            }
        }
    }
    let age = headers
        .get(http::header::AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    max_age.map(|m| Duration::from_secs(m.saturating_sub(age)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r16_cache_headers_give_the_freshness_lifetime() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = http::HeaderMap::new();
            for (k, v) in pairs {
                map.append(*k, v.parse().unwrap());
            }
            map
        };
        let secs = |pairs: &[(&'static str, &'static str)]| {
            max_age_from_headers(&headers(pairs)).map(|d| d.as_secs())
        };
        assert_eq!(
            secs(&[
                (
                    "cache-control",
                    "public, max-age=24873, must-revalidate, no-transform"
                ),
                ("age", "5059")
            ]),
            Some(19814)
        );
        assert_eq!(
            secs(&[("cache-control", "max-age=10"), ("age", "50")]),
            Some(0)
        );
        assert_eq!(secs(&[("cache-control", "no-cache")]), Some(0));
        assert_eq!(secs(&[("cache-control", "No-Store, max-age=60")]), Some(0));
        assert_eq!(secs(&[("cache-control", "public")]), None);
        assert_eq!(secs(&[]), None);
    }

    #[test]
    fn r9_keys_must_be_2048_to_8192_bits() {
        let e = [1, 0, 1];
        assert!(
            PublicKey::from_components("k", &[0xff; 128], &e).is_none(),
            "1024 bits"
        );
        assert!(
            PublicKey::from_components("k", &[0xff; 256], &e).is_some(),
            "2048 bits"
        );
        assert!(
            PublicKey::from_components("k", &[0xff; 1024], &e).is_some(),
            "8192 bits"
        );
        assert!(
            PublicKey::from_components("k", &[0xff; 1025], &e).is_none(),
            "8200 bits"
        );
        // Leading zero bytes do not count towards the size.
        let mut padded = vec![0u8; 200];
        padded.extend_from_slice(&[0xff; 128]);
        assert!(PublicKey::from_components("k", &padded, &e).is_none());
    }
}

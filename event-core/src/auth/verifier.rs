//! [`OidcVerifier`]: checks push tokens, remembering the ones it verified.

use std::sync::Arc;

use super::cache::KeyCache;
use super::config::default_source;
use super::token;
use super::{AuthConfigError, AuthError, KeySourceError, OidcConfig, SystemClock, VerifiedClaims};

/// Verifies push tokens (built from [`OidcConfig::build`]); holds the key cache. Cheap to clone.
///
/// The [`EventService`](crate::EventService) uses it for every request; it can also be used on
/// its own, e.g. to protect another route.
#[derive(Clone)]
pub struct OidcVerifier {
    inner: Arc<VerifierInner>,
}

struct VerifierInner {
    config: OidcConfig,
    cache: Arc<KeyCache>,
    /// Tokens already verified, by SHA-256 of the token: Pub/Sub reuses one
    /// token for up to an hour, and the RSA check is most of a request's cost. Only successes
    /// are kept, bounded; the time checks run again on every hit.
    verified: std::sync::Mutex<std::collections::HashMap<[u8; 32], VerifiedClaims>>,
    /// The last token verified, kept whole: a subscription sends the same token for up to an
    /// hour, so most requests are answered by one constant-time comparison, without hashing.
    last: std::sync::Mutex<Option<(Box<str>, VerifiedClaims)>>,
}

/// How many verified tokens are remembered (a push subscription uses one at a time).
const VERIFIED_CACHE_SIZE: usize = 1024;

impl std::fmt::Debug for OidcVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcVerifier")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl OidcConfig {
    /// Checks the settings and builds the verifier (its key cache starts empty).
    pub fn build(self) -> Result<OidcVerifier, AuthConfigError> {
        if self.audiences.iter().any(|a| a.is_empty())
            || self.allowed_emails.iter().any(|e| e.is_empty())
        {
            return Err(AuthConfigError::EmptyAudienceOrEmail);
        }
        if self.audiences.is_empty() {
            return Err(AuthConfigError::NoAudience);
        }
        if self.allowed_emails.is_empty() {
            return Err(AuthConfigError::NoAllowedEmail);
        }
        if self.max_token_length == 0 {
            return Err(AuthConfigError::ZeroMaxTokenLength);
        }
        let source = match self.key_source.clone() {
            Some(s) => s,
            None => default_source()?,
        };
        let cache = Arc::new(KeyCache::new(
            source,
            self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock)),
            self.min_refresh_interval,
            self.fallback_ttl,
            self.max_ttl,
        ));
        Ok(OidcVerifier::new(self, cache))
    }
}

impl OidcVerifier {
    pub(super) fn new(config: OidcConfig, cache: Arc<KeyCache>) -> Self {
        Self {
            inner: Arc::new(VerifierInner {
                config,
                cache,
                verified: std::sync::Mutex::new(std::collections::HashMap::new()),
                last: std::sync::Mutex::new(None),
            }),
        }
    }

    /// Checks a request's `Authorization` header(s) and the token in it.
    pub async fn verify_headers(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<VerifiedClaims, AuthError> {
        let token = token::bearer_token(headers, self.inner.config.max_token_length)?;
        self.verify_token(token).await
    }

    /// Checks one token (the part after `Bearer `).
    ///
    /// A token verified before is recognised (the last one by a constant-time comparison,
    /// others by their SHA-256 digest) and not verified again, but its `exp`/`iat` are checked
    /// against the clock, and its key against the published set, every time.
    pub async fn verify_token(&self, token: &str) -> Result<VerifiedClaims, AuthError> {
        let config = &self.inner.config;
        if token.len() > config.max_token_length {
            return Err(AuthError::TokenTooLong);
        }
        if let Some(claims) = self.last_if(token) {
            let key_still_published =
                !claims.signature_verified || self.inner.cache.holds(&claims.key_id);
            if key_still_published && token::check_times(config, &claims.claims).is_ok() {
                return Ok(claims);
            }
            *self.last() = None;
        }
        let claims = self.verify_new(token).await?;
        *self.last() = Some((token.into(), claims.clone()));
        Ok(claims)
    }

    /// The claims of the last verified token when `token` is that one (compared in constant
    /// time: the remembered token is a credential, and an early exit would say how much of a
    /// guess is right).
    fn last_if(&self, token: &str) -> Option<VerifiedClaims> {
        let last = self.last();
        let (known, claims) = last.as_ref()?;
        let (a, b) = (known.as_bytes(), token.as_bytes());
        if a.len() != b.len() {
            return None;
        }
        let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        (std::hint::black_box(difference) == 0).then(|| claims.clone())
    }

    fn last(&self) -> std::sync::MutexGuard<'_, Option<(Box<str>, VerifiedClaims)>> {
        self.inner
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A token that is not the last one: remembered by digest, or verified in full.
    async fn verify_new(&self, token: &str) -> Result<VerifiedClaims, AuthError> {
        let config = &self.inner.config;
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(digest.as_ref());
        let remembered = self.verified().get(&key).cloned();
        if let Some(claims) = remembered {
            let key_still_published =
                !claims.signature_verified || self.inner.cache.holds(&claims.key_id);
            if key_still_published && token::check_times(config, &claims.claims).is_ok() {
                return Ok(claims);
            }
            self.verified().remove(&key);
        }
        let claims = token::verify(config, &self.inner.cache, token).await?;
        let mut verified = self.verified();
        if verified.len() >= VERIFIED_CACHE_SIZE {
            verified.clear();
        }
        verified.insert(key, claims.clone());
        Ok(claims)
    }

    fn verified(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<[u8; 32], VerifiedClaims>> {
        self.inner
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Fetches the keys now, so the first request does not wait for them. A failure is
    /// returned (and can be ignored): requests retry the fetch themselves.
    pub async fn warm_up(&self) -> Result<(), KeySourceError> {
        self.inner.cache.warm_up().await
    }

    /// Resolves once no key refresh is running. A request that finds the keys stale is answered
    /// with them at once and refreshes them in the background (on the current Tokio runtime);
    /// this waits for such a refresh, e.g. in tests or before shutting down.
    pub async fn refresh_idle(&self) {
        self.inner.cache.idle().await;
    }
}

#[cfg(all(test, feature = "test-util"))]
mod tests {
    use super::*;
    use crate::auth::KeySet;
    use crate::testing::auth::{
        jwks, push_claims, TestClock, TestSigner, TEST_AUDIENCE, TEST_EMAIL,
    };
    use std::time::{Duration, SystemTime};

    #[tokio::test]
    async fn only_verified_tokens_are_remembered() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let signer = TestSigner::google("k");
        let keys = KeySet::from_jwks_json(jwks(&[&signer]).to_string().as_bytes()).unwrap();
        let verifier = OidcConfig::new()
            .audience(TEST_AUDIENCE)
            .allowed_email(TEST_EMAIL)
            .key_source(keys)
            .clock(TestClock::at(now))
            .build()
            .unwrap();
        let good = signer.token(&push_claims(now));
        let forged = TestSigner::attacker("k").token(&push_claims(now));
        assert!(verifier.verify_token(&forged).await.is_err());
        assert!(
            verifier.verified().is_empty(),
            "a failure is never remembered"
        );
        verifier.verify_token(&good).await.unwrap();
        verifier.verify_token(&good).await.unwrap();
        assert_eq!(
            verifier.verified().len(),
            1,
            "the same token is remembered once"
        );
        // (A remembered token whose key is rotated out: jwks.rs,
        // r16_a_key_removed_from_the_set_is_no_longer_accepted.)
    }

    /// The last-token shortcut accepts only that exact token: the same length with one byte
    /// changed (in the signature, or in the claims) is verified in full and refused; an
    /// expired last token is refused, not served from memory.
    #[tokio::test]
    async fn the_last_token_shortcut_takes_only_the_same_token() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let signer = TestSigner::google("k");
        let keys = KeySet::from_jwks_json(jwks(&[&signer]).to_string().as_bytes()).unwrap();
        let clock = TestClock::at(now);
        let verifier = OidcConfig::new()
            .audience(TEST_AUDIENCE)
            .allowed_email(TEST_EMAIL)
            .key_source(keys)
            .clock(clock.clone())
            .build()
            .unwrap();
        let good = signer.token(&push_claims(now));
        verifier.verify_token(&good).await.unwrap();
        for at in [good.len() - 2, good.find('.').unwrap() + 3] {
            let mut bytes = good.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).unwrap();
            assert!(verifier.verify_token(&altered).await.is_err(), "byte {at}");
        }
        verifier.verify_token(&good).await.unwrap();
        clock.advance(Duration::from_secs(2 * 3600));
        assert!(verifier.verify_token(&good).await.is_err(), "expired");
    }
}

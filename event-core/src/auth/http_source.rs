//! Fetching a JWKS over HTTPS (feature `jwks-http`): reqwest with rustls (no OpenSSL), bounded
//! in time and size.

use std::time::Duration;

use super::keys::{max_age_from_headers, KeySet, KeySource, KeySourceError};
use super::AuthConfigError;

/// The largest key document accepted (Google's is about 2 KB).
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// A [`KeySource`] that GETs a JWKS URL, honouring `Cache-Control: max-age` minus `Age`.
///
/// Timeouts: 3 s to connect, 5 s in all; redirects are not followed; documents over 256 KiB
/// are refused. Only `https://` URLs, or `http://` on a loopback address (for tests).
#[derive(Debug, Clone)]
pub(crate) struct HttpKeySource {
    url: reqwest::Url,
    client: reqwest::Client,
}

impl HttpKeySource {
    /// A source for this URL.
    pub(crate) fn new(url: &str) -> Result<Self, AuthConfigError> {
        let url = reqwest::Url::parse(url).map_err(|_| AuthConfigError::InvalidJwksUrl)?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        if !(url.scheme() == "https" || (url.scheme() == "http" && loopback)) {
            return Err(AuthConfigError::InsecureJwksUrl);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| AuthConfigError::HttpClient)?;
        Ok(Self { url, client })
    }
}

#[async_trait::async_trait]
impl KeySource for HttpKeySource {
    async fn fetch(&self) -> Result<KeySet, KeySourceError> {
        let fail = |what: &str| KeySourceError::Fetch(what.to_owned());
        let mut response = self
            .client
            .get(self.url.clone())
            .send()
            .await
            .map_err(|e| {
                fail(if e.is_timeout() {
                    "timed out"
                } else {
                    "request failed"
                })
            })?;
        if !response.status().is_success() {
            return Err(KeySourceError::Fetch(format!(
                "status {}",
                response.status().as_u16()
            )));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err(fail("document too large"));
        }
        let max_age = max_age_from_headers(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            fail(if e.is_timeout() {
                "timed out"
            } else {
                "body read failed"
            })
        })? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(fail("document too large"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(KeySet::from_jwks_json(&body)?.with_max_age(max_age))
    }
}

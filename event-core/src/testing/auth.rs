//! Authentication test support: test-only RSA keys that mint Google-shaped tokens, a settable
//! clock, and a real JWKS server on 127.0.0.1 whose answers can be switched (rotation,
//! `max-age`, outage) and whose fetches are counted.
//!
//! The two keys in `testing/keys/` are test fixtures, generated for this crate and never used
//! anywhere real.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{RsaEncoding, RsaKeyPair};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::auth::Clock;

/// The audience test tokens are minted for.
pub const TEST_AUDIENCE: &str = "https://events.example.test/gcp-events/events";
/// The allowed push service account of the tests.
pub const TEST_EMAIL: &str = "push@test-project.iam.gserviceaccount.com";

const GOOGLE_PK8: &[u8] = include_bytes!("keys/google.pk8");
const ATTACKER_PK8: &[u8] = include_bytes!("keys/attacker.pk8");

/// Seconds since the Unix epoch.
pub fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A test RSA key that signs tokens under a `kid`.
pub struct TestSigner {
    kid: String,
    pair: RsaKeyPair,
}

impl std::fmt::Debug for TestSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestSigner")
            .field("kid", &self.kid)
            .finish()
    }
}

impl TestSigner {
    /// The key the tests' "Google" signs with.
    pub fn google(kid: &str) -> Self {
        Self::from_pk8(kid, GOOGLE_PK8)
    }

    /// A different key, for forgeries.
    pub fn attacker(kid: &str) -> Self {
        Self::from_pk8(kid, ATTACKER_PK8)
    }

    fn from_pk8(kid: &str, der: &[u8]) -> Self {
        Self {
            kid: kid.to_owned(),
            pair: RsaKeyPair::from_pkcs8(der).expect("test key parses"),
        }
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (`kty RSA, alg RS256, use sig`).
    pub fn jwk(&self) -> Value {
        let c: ring::rsa::PublicKeyComponents<Vec<u8>> = self.pair.public().into();
        json!({
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(&c.n), "e": URL_SAFE_NO_PAD.encode(&c.e),
        })
    }

    /// Signs `header.payload` (given verbatim) with an RSA encoding; returns the signature
    /// segment.
    pub fn signature(&self, signing_input: &str, encoding: &'static dyn RsaEncoding) -> String {
        let mut sig = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                encoding,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .expect("signing works");
        URL_SAFE_NO_PAD.encode(sig)
    }

    /// A token with this exact header and payload, RS256-signed.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", segment(header), segment(claims));
        let sig = self.signature(&input, &ring::signature::RSA_PKCS1_SHA256);
        format!("{input}.{sig}")
    }

    /// A normal token: header `{"alg":"RS256","kid":…,"typ":"JWT"}` and these claims.
    pub fn token(&self, claims: &Value) -> String {
        self.sign(&self.header(), claims)
    }

    /// The header Google puts on push tokens, with this signer's `kid`.
    pub fn header(&self) -> Value {
        json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"})
    }
}

/// base64url (unpadded) of a JSON value.
pub fn segment(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
}

/// The claims of a genuine push token issued at `now` for [`TEST_AUDIENCE`] and [`TEST_EMAIL`]
/// (shaped like research §1.1: one hour of life).
pub fn push_claims(now: SystemTime) -> Value {
    let iat = unix(now);
    json!({
        "aud": TEST_AUDIENCE,
        "azp": "113774264463038321964",
        "email": TEST_EMAIL,
        "email_verified": true,
        "exp": iat + 3600,
        "iat": iat,
        "iss": "https://accounts.google.com",
        "sub": "113774264463038321964",
    })
}

/// A local stand-in for Google's push tokens: a signer, the key source that trusts it, and the
/// matching [`OidcConfig`](crate::auth::OidcConfig), so a test exercises the real OIDC checks
/// in-process (no network, no JWKS server).
///
/// ```
/// use gcp_events_core::testing::auth::LocalOidc;
/// use gcp_events_core::testing::requests::TestPush;
/// use gcp_events_core::EventService;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let oidc = LocalOidc::new("https://my-service.example/push", "push@p.iam.gserviceaccount.com");
/// let service = EventService::builder()
///     .oidc(oidc.config())
///     .handler(gcp_events_core::testing::Recorder::new())
///     .build()?;
/// let push = TestPush::data("hello");
/// let path = "/gcp-events/events/greeting/1";
/// assert_eq!(service.handle(push.wrapped(path)).await.status(), 401); // no token
/// let signed = push.bearer(oidc.token());
/// assert_eq!(service.handle(signed.wrapped(path)).await.status(), 201);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct LocalOidc {
    signer: TestSigner,
    audience: String,
    email: String,
}

impl LocalOidc {
    /// Tokens for `audience` from the service account `email`, signed by a fixed test key
    /// (never use it outside tests and local runs: its private half ships in this crate).
    pub fn new(audience: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            signer: TestSigner::google("gcp-events-local-test-key"),
            audience: audience.into(),
            email: email.into(),
        }
    }

    /// The OIDC settings that accept this signer's tokens: the audience, the e-mail, and a key
    /// source holding the public key.
    pub fn config(&self) -> crate::auth::OidcConfig {
        crate::auth::OidcConfig::new()
            .audience(self.audience.clone())
            .allowed_email(self.email.clone())
            .key_source(self.key_set())
    }

    /// The public key as a key source (for your own `OidcConfig`).
    pub fn key_set(&self) -> crate::auth::KeySet {
        let document = self.jwks().to_string();
        crate::auth::KeySet::from_jwks_json(document.as_bytes()).expect("the test JWKS parses")
    }

    /// The JWKS document to serve (e.g. with [`JwksServer`] for a receiver in another process).
    pub fn jwks(&self) -> Value {
        jwks(&[&self.signer])
    }

    /// The claims of a genuine push token issued now (one hour of life).
    pub fn claims(&self) -> Value {
        let mut claims = push_claims(SystemTime::now());
        claims["aud"] = self.audience.clone().into();
        claims["email"] = self.email.clone().into();
        claims
    }

    /// A genuine push token, issued now.
    pub fn token(&self) -> String {
        self.signer.token(&self.claims())
    }

    /// A token with these claims (e.g. [`claims`](Self::claims) with one changed), signed by
    /// the trusted key.
    pub fn token_with(&self, claims: &Value) -> String {
        self.signer.token(claims)
    }
}

/// The JWKS document holding these signers' public keys.
pub fn jwks(signers: &[&TestSigner]) -> Value {
    json!({ "keys": signers.iter().map(|s| s.jwk()).collect::<Vec<_>>() })
}

/// A clock the test sets and advances.
#[derive(Clone, Debug)]
pub struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    /// A clock showing `at`.
    pub fn at(at: SystemTime) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }

    /// Sets the clock.
    pub fn set(&self, at: SystemTime) {
        *self.0.lock().unwrap() = at;
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// What the JWKS server answers.
#[derive(Clone, Debug)]
pub enum JwksReply {
    /// 200 with this document and `Cache-Control: public, max-age=…` and `Age: …`.
    Keys {
        /// The JWKS document.
        body: Value,
        /// `max-age` seconds.
        max_age: u64,
        /// `Age` seconds.
        age: u64,
    },
    /// 500.
    Error,
    /// Accept and close without answering.
    Drop,
}

/// A JWKS server on 127.0.0.1 for tests; counts the fetches it answers.
#[derive(Clone, Debug)]
pub struct JwksServer {
    addr: SocketAddr,
    reply: Arc<Mutex<JwksReply>>,
    fetches: Arc<AtomicUsize>,
    delay: Arc<Mutex<Duration>>,
}

impl JwksServer {
    /// Starts serving `jwks` with Google's cache headers (`max-age=21155`, `Age: 12`).
    pub async fn start(jwks: Value) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, jwks)
    }

    /// The same on a listener of yours (e.g. a fixed port, so a receiver configured once keeps
    /// trusting it across runs). Needs a tokio runtime.
    pub fn start_on(listener: tokio::net::TcpListener, jwks: Value) -> Self {
        let server = Self {
            addr: listener.local_addr().unwrap(),
            reply: Arc::new(Mutex::new(JwksReply::Keys {
                body: jwks,
                max_age: 21155,
                age: 12,
            })),
            fetches: Arc::new(AtomicUsize::new(0)),
            delay: Arc::new(Mutex::new(Duration::ZERO)),
        };
        let this = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let this = this.clone();
                tokio::spawn(async move { this.answer(stream).await });
            }
        });
        server
    }

    async fn answer(&self, mut stream: tokio::net::TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let delay = *self.delay.lock().unwrap();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let reply = self.reply.lock().unwrap().clone();
        let response = match reply {
            JwksReply::Keys {
                body,
                max_age,
                age,
            } => {
                let body = body.to_string();
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: public, max-age={max_age}, must-revalidate, no-transform\r\nAge: {age}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            }
            JwksReply::Error => {
                "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_owned()
            }
            JwksReply::Drop => return,
        };
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    /// `http://127.0.0.1:PORT/oauth2/v3/certs`.
    pub fn url(&self) -> String {
        format!("http://{}/oauth2/v3/certs", self.addr)
    }

    /// Changes what the server answers from now on.
    pub fn set_reply(&self, reply: JwksReply) {
        *self.reply.lock().unwrap() = reply;
    }

    /// Serves a new key set (rotation) with these cache headers.
    pub fn set_keys(&self, jwks: Value, max_age: u64, age: u64) {
        self.set_reply(JwksReply::Keys {
            body: jwks,
            max_age,
            age,
        });
    }

    /// Waits this long before answering each fetch (to hold many requests in one refresh).
    pub fn set_delay(&self, delay: Duration) {
        *self.delay.lock().unwrap() = delay;
    }

    /// How many fetches the server has received.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

/// A key source that always fails (the JWKS endpoint is down and nothing is cached).
#[derive(Debug, Clone, Copy)]
pub struct FailingKeys;

#[async_trait::async_trait]
impl crate::auth::KeySource for FailingKeys {
    async fn fetch(&self) -> Result<crate::auth::KeySet, crate::auth::KeySourceError> {
        Err(crate::auth::KeySourceError::Fetch("test outage".to_owned()))
    }
}

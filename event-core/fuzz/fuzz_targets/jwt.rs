//! The bearer-token parser and verifier (SPEC A1, A2) with a fixed key set and clock: any
//! token, never a panic, never a token accepted that the key did not sign.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use gcp_events_core::auth::{KeySet, OidcConfig, OidcVerifier};
use gcp_events_core::testing::auth::{jwks, TestClock, TestSigner, TEST_AUDIENCE, TEST_EMAIL};
use libfuzzer_sys::fuzz_target;

fn verifier() -> &'static (OidcVerifier, tokio::runtime::Runtime) {
    static V: OnceLock<(OidcVerifier, tokio::runtime::Runtime)> = OnceLock::new();
    V.get_or_init(|| {
        let keys = KeySet::from_jwks_json(jwks(&[&TestSigner::google("k")]).to_string().as_bytes())
            .expect("test JWKS");
        let verifier = OidcConfig::new()
            .audience(TEST_AUDIENCE)
            .allowed_email(TEST_EMAIL)
            .key_source(keys)
            .clock(TestClock::at(
                SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
            ))
            .build()
            .expect("valid config");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        (verifier, runtime)
    })
}

fuzz_target!(|data: &[u8]| {
    let token = String::from_utf8_lossy(data);
    let (verifier, runtime) = verifier();
    if let Ok(claims) = runtime.block_on(verifier.verify_token(&token)) {
        // Only the test key signs, and only for the test audience and caller.
        assert!(claims.signature_verified);
        assert_eq!(claims.audience, TEST_AUDIENCE);
        assert_eq!(claims.email, TEST_EMAIL);
    }
});

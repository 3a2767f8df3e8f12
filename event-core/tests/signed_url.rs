//! Public-API tests of `gcp_events_core::auth::signed_url` and signed event URLs (SPEC U3).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use gcp_events_core::auth::signed_url::{
    verify, SignedUrlError, UrlSigningKey, SIGNATURE_PARAMETER,
};
use gcp_events_core::event_url::{event_url, EventUrlError};
use proptest::prelude::*;
use url::Url;

fn key(byte: u8) -> UrlSigningKey {
    UrlSigningKey::new([byte; 32]).unwrap()
}

/// A fixed "now": 2023-11-14T22:13:20Z.
const NOW_SECS: u64 = 1_700_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

/// The last value of `gcp_events_sig` in the URL's query, form-decoded, as the endpoint reads it.
fn token_from_url(url: &str) -> Option<String> {
    let url = Url::parse(url).unwrap();
    url.query_pairs()
        .filter(|(k, _)| k == SIGNATURE_PARAMETER)
        .map(|(_, v)| v.into_owned())
        .last()
}

#[test]
fn constants() {
    assert_eq!(SIGNATURE_PARAMETER, "gcp_events_sig");
}

#[test]
fn round_trip_without_expiry() {
    let k = key(1);
    let token = k.sign("question-update", "q/42", None);
    assert!(token.starts_with("v1.-."), "{token}");
    // v1 . - . 43 base64url characters of a 32-byte MAC
    assert_eq!(token.len(), 2 + 1 + 1 + 1 + 43);
    assert_eq!(
        verify(&[k], "question-update", "q/42", Some(&token), now()),
        Ok(())
    );
}

#[test]
fn signing_is_deterministic_and_key_dependent() {
    assert_eq!(key(1).sign("k", "r", None), key(1).sign("k", "r", None));
    assert_ne!(key(1).sign("k", "r", None), key(2).sign("k", "r", None));
}

#[test]
fn expiry_in_the_future_is_accepted() {
    let k = key(1);
    let token = k.sign("k", "r", Some(at(NOW_SECS as i64 + 60)));
    assert_eq!(token.split('.').nth(1), Some("1700000060"));
    assert_eq!(verify(&[k], "k", "r", Some(&token), now()), Ok(()));
}

#[test]
fn expiry_exactly_now_is_accepted_and_a_second_later_expired() {
    let k = key(1);
    let token = k.sign("k", "r", Some(at(NOW_SECS as i64)));
    let keys = [k];
    assert_eq!(verify(&keys, "k", "r", Some(&token), now()), Ok(()));
    assert_eq!(
        verify(
            &keys,
            "k",
            "r",
            Some(&token),
            now() + Duration::from_millis(1)
        ),
        Err(SignedUrlError::Expired)
    );
}

#[test]
fn expiry_in_the_past_is_refused() {
    let k = key(1);
    let token = k.sign("k", "r", Some(at(NOW_SECS as i64 - 1)));
    assert_eq!(
        verify(&[k], "k", "r", Some(&token), now()),
        Err(SignedUrlError::Expired)
    );
}

#[test]
fn expiry_before_the_epoch_is_signed_as_already_expired() {
    let k = key(1);
    let token = k.sign("k", "r", Some(at(-5)));
    assert_eq!(token.split('.').nth(1), Some("0"));
    assert_eq!(
        verify(&[k], "k", "r", Some(&token), now()),
        Err(SignedUrlError::Expired)
    );
}

#[test]
fn expired_token_with_a_bad_mac_is_a_bad_signature() {
    // The MAC is checked before the expiry: a forged expired token says nothing about expiry.
    let token = key(1).sign("k", "r", Some(at(1)));
    assert_eq!(
        verify(&[key(2)], "k", "r", Some(&token), now()),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn missing_token() {
    assert_eq!(
        verify(&[key(1)], "k", "r", None, now()),
        Err(SignedUrlError::Missing)
    );
}

#[test]
fn wrong_kind_reference_or_key_is_a_bad_signature() {
    let k = key(1);
    let token = k.sign("kind", "ref", None);
    let keys = [k];
    for (kind, reference) in [
        ("kind2", "ref"),
        ("kind", "ref2"),
        ("ref", "kind"),
        ("Kind", "ref"),
    ] {
        assert_eq!(
            verify(&keys, kind, reference, Some(&token), now()),
            Err(SignedUrlError::BadSignature),
            "{kind:?} {reference:?}"
        );
    }
    assert_eq!(
        verify(&[key(2)], "kind", "ref", Some(&token), now()),
        Err(SignedUrlError::BadSignature)
    );
    assert_eq!(
        verify(&[], "kind", "ref", Some(&token), now()),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn rotation_accepts_tokens_of_every_given_key() {
    let (old, new, other) = (key(1), key(2), key(3));
    let old_token = old.sign("k", "r", None);
    let new_token = new.sign("k", "r", Some(at(NOW_SECS as i64 + 3600)));
    let other_token = other.sign("k", "r", None);
    let keys = [old, new];
    assert_eq!(verify(&keys, "k", "r", Some(&old_token), now()), Ok(()));
    assert_eq!(verify(&keys, "k", "r", Some(&new_token), now()), Ok(()));
    assert_eq!(
        verify(&keys, "k", "r", Some(&other_token), now()),
        Err(SignedUrlError::BadSignature)
    );
    // Order does not matter.
    let reversed = [keys[1].clone(), keys[0].clone()];
    assert_eq!(verify(&reversed, "k", "r", Some(&old_token), now()), Ok(()));
}

#[test]
fn tampered_expiry_is_a_bad_signature() {
    let k = key(1);
    let token = k.sign("k", "r", Some(at(NOW_SECS as i64 - 10)));
    let mac = token.rsplit('.').next().unwrap();
    let keys = [k];
    // Extending the expiry, or dropping it altogether, invalidates the MAC.
    for forged in [
        format!("v1.{}.{mac}", NOW_SECS + 3600),
        format!("v1.-.{mac}"),
    ] {
        assert_eq!(
            verify(&keys, "k", "r", Some(&forged), now()),
            Err(SignedUrlError::BadSignature),
            "{forged}"
        );
    }
    // Adding an expiry to a never-expiring token too.
    let forever = keys[0].sign("k", "r", None);
    let mac = forever.rsplit('.').next().unwrap();
    assert_eq!(
        verify(
            &keys,
            "k",
            "r",
            Some(&format!("v1.{}.{mac}", NOW_SECS + 10)),
            now()
        ),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn tampered_mac_is_a_bad_signature() {
    let k = key(1);
    let token = k.sign("k", "r", None);
    let (head, mac) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(mac).unwrap();
    bytes[31] ^= 1;
    let forged = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&bytes));
    assert_eq!(
        verify(&[k], "k", "r", Some(&forged), now()),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn malformed_tokens() {
    let k = key(1);
    let good = k.sign("k", "r", None);
    let mac = good.rsplit('.').next().unwrap().to_owned();
    let short_mac = URL_SAFE_NO_PAD.encode([0u8; 16]);
    let long_mac = URL_SAFE_NO_PAD.encode([0u8; 33]);
    let cases = [
        String::new(),
        ".".to_owned(),
        "..".to_owned(),
        "v1".to_owned(),
        "v1.-".to_owned(),
        format!("v2.-.{mac}"),
        format!("V1.-.{mac}"),
        format!("v1..{mac}"),
        format!("v1.abc.{mac}"),
        format!("v1.-1.{mac}"),
        format!("v1.+1.{mac}"),
        format!("v1.01700000000.{mac}"),
        format!("v1.99999999999999999999999.{mac}"),
        format!("v1.-.{mac}."),
        format!("v1.-.{mac}.extra"),
        format!(".v1.-.{mac}"),
        format!("v1.-.{mac}="), // padding is not allowed
        format!(
            "v1.-.{}",
            URL_SAFE.encode(URL_SAFE_NO_PAD.decode(&mac).unwrap())
        ),
        format!("v1.-.{}", STANDARD_NO_PAD.encode([0xFFu8; 32])), // standard alphabet: "///…"
        format!("v1.-.{mac} "),
        format!("v1.-.!{}", &mac[1..]),
        format!("v1.-.{short_mac}"),
        format!("v1.-.{long_mac}"),
        "v1.-.".to_owned(),
        format!("v1.-.{}", "A".repeat(300)),
        format!("v1.-.{mac}{}", "A".repeat(256)),
        "x".repeat(1 << 20),
    ];
    let keys = [k];
    for token in &cases {
        assert_eq!(
            verify(&keys, "k", "r", Some(token), now()),
            Err(SignedUrlError::Malformed),
            "{:?}",
            &token[..token.len().min(80)]
        );
    }
    // The genuine token is fine, so the cases above fail for their shape alone.
    assert_eq!(verify(&keys, "k", "r", Some(&good), now()), Ok(()));
}

#[test]
fn mac_with_non_canonical_trailing_bits_is_malformed() {
    let k = key(1);
    let token = k.sign("k", "r", None);
    let (head, mac) = token.rsplit_once('.').unwrap();
    // 43 characters carry 258 bits for 256: the last character's low 2 bits must be zero.
    let last = mac.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).unwrap();
    let bumped = alphabet.as_bytes()[index | 1] as char;
    let forged = format!("{head}.{}{bumped}", &mac[..mac.len() - 1]);
    assert_eq!(
        verify(&[k], "k", "r", Some(&forged), now()),
        Err(SignedUrlError::Malformed)
    );
}

#[test]
fn separators_digits_and_unicode_do_not_collide() {
    let k = key(1);
    // A naive `kind|reference` MAC input would be "a|1:b|c" for both pairs.
    let naive = |kind: &str, reference: &str| format!("{kind}|{reference}");
    let pairs = [
        (("a|1:b", "c"), ("a", "1:b|c")),
        (("a|b", "c"), ("a", "b|c")),
        (("1:a|", "2:b"), ("1:a", "|2:b")),
        (("ü|", "x"), ("ü", "|x")),
        (("k|-", "r"), ("k", "-|r")),
    ];
    for ((k1, r1), (k2, r2)) in pairs {
        assert_eq!(
            naive(k1, r1),
            naive(k2, r2),
            "not an ambiguity for the naive encoding"
        );
        let t1 = k.sign(k1, r1, None);
        let t2 = k.sign(k2, r2, None);
        assert_ne!(t1, t2, "{k1:?}/{r1:?} vs {k2:?}/{r2:?}");
        let keys = [k.clone()];
        assert_eq!(verify(&keys, k1, r1, Some(&t1), now()), Ok(()));
        assert_eq!(
            verify(&keys, k2, r2, Some(&t1), now()),
            Err(SignedUrlError::BadSignature)
        );
        assert_eq!(
            verify(&keys, k1, r1, Some(&t2), now()),
            Err(SignedUrlError::BadSignature)
        );
    }
    // The reference cannot swallow the expiry either.
    let with_expiry = k.sign("k", "r", Some(at(NOW_SECS as i64 + 60)));
    let mac = with_expiry.rsplit('.').next().unwrap();
    assert_eq!(
        verify(
            &[k],
            "k",
            &format!("r|{}", NOW_SECS + 60),
            Some(&format!("v1.-.{mac}")),
            now()
        ),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn short_keys_are_refused() {
    for len in [0, 1, 16, 32 - 1] {
        assert!(
            matches!(
                UrlSigningKey::new(vec![7u8; len]),
                Err(SignedUrlError::KeyTooShort)
            ),
            "{len}"
        );
    }
    assert!(UrlSigningKey::new([7u8; 32]).is_ok());
    assert!(UrlSigningKey::new(vec![7u8; 100]).is_ok());
    assert!(matches!(
        UrlSigningKey::from_base64(&STANDARD.encode([7u8; 31])),
        Err(SignedUrlError::KeyTooShort)
    ));
}

#[test]
fn from_base64_accepts_both_alphabets_with_or_without_padding() {
    // Bytes chosen so the encodings contain `+`/`/` (standard) and `-`/`_` (URL-safe) and
    // need padding.
    let secret: Vec<u8> = (0..35u8).map(|i| i.wrapping_mul(37) | 0xF8).collect();
    let expected = UrlSigningKey::new(&secret).unwrap().sign("k", "r", None);
    let encodings = [
        STANDARD.encode(&secret),
        STANDARD_NO_PAD.encode(&secret),
        URL_SAFE.encode(&secret),
        URL_SAFE_NO_PAD.encode(&secret),
        format!("  {}\n", STANDARD.encode(&secret)),
    ];
    assert!(encodings[0].contains(['+', '/']) && encodings[0].ends_with('='));
    assert!(encodings[2].contains(['-', '_']));
    for encoded in &encodings {
        let key = UrlSigningKey::from_base64(encoded).unwrap();
        assert_eq!(key.sign("k", "r", None), expected, "{encoded}");
    }
}

#[test]
fn from_base64_refuses_invalid_text() {
    let secret = [0xFBu8; 33];
    let standard = STANDARD.encode(secret);
    let url_safe = URL_SAFE.encode(secret);
    let mixed = format!("{}{}", &standard[..20], &url_safe[20..]);
    assert!(mixed.contains('+') || mixed.contains('/'));
    assert!(mixed.contains('-') || mixed.contains('_'));
    for bad in [
        "not base64!".to_owned(),
        mixed,
        format!("{} {}", &standard[..20], &standard[20..]),
        format!("{standard}=="),
        "é".repeat(40),
    ] {
        assert!(
            matches!(
                UrlSigningKey::from_base64(&bad),
                Err(SignedUrlError::InvalidKeyEncoding)
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn debug_and_errors_never_show_secrets() {
    let secret = "super-secret-signing-key-0123456789abcdef";
    let key = UrlSigningKey::new(secret).unwrap();
    let debug = format!("{key:?}");
    assert!(
        !debug.contains(secret) && !debug.contains("super"),
        "{debug}"
    );
    let encoded = STANDARD.encode(secret);
    let from_b64 = UrlSigningKey::from_base64(&encoded).unwrap();
    let debug = format!("{from_b64:?}");
    assert!(
        !debug.contains(&encoded) && !debug.contains("super"),
        "{debug}"
    );

    // Nor does a builder holding the key, nor an error caused by a token.
    let builder = event_url("k", "r").base_url("").signed(&key);
    assert!(!format!("{builder:?}").contains("super"));
    let token = key.sign("k", "r", None);
    for err in [
        verify(std::slice::from_ref(&key), "k", "x", Some(&token), now()).unwrap_err(),
        verify(
            std::slice::from_ref(&key),
            "k",
            "r",
            Some(&format!("{token}x")),
            now(),
        )
        .unwrap_err(),
    ] {
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains(&token) && !text.contains("super"), "{text}");
        }
    }
    let err = UrlSigningKey::from_base64("c2hvcnQ=").unwrap_err();
    assert!(!err.to_string().contains("c2hvcnQ"));
}

#[test]
fn reasons_and_messages() {
    let all = [
        (SignedUrlError::Missing, "missing"),
        (SignedUrlError::Malformed, "malformed"),
        (SignedUrlError::BadSignature, "bad_signature"),
        (SignedUrlError::Expired, "expired"),
        (SignedUrlError::KeyTooShort, "key_too_short"),
        (SignedUrlError::InvalidKeyEncoding, "invalid_key_encoding"),
    ];
    for (err, reason) in all {
        assert_eq!(err.reason(), reason);
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn signed_event_url_carries_a_verifiable_token_last() {
    let k = key(9);
    let (kind, reference) = ("order created", "Zürich/42?x=1&y");
    let url = event_url(kind, reference)
        .parameters([("region", "eu"), ("note", "a&b c")])
        .base_url("https://example.com")
        .signed(&k)
        .build()
        .unwrap();
    assert!(url.contains("gcp_events_sig="), "{url}");
    let query = Url::parse(&url).unwrap().query().unwrap().to_owned();
    assert!(
        query.starts_with("region=eu&note=a%26b+c&gcp_events_sig=v1.-."),
        "{query}"
    );
    let token = token_from_url(&url).unwrap();
    assert_eq!(token, k.sign(kind, reference, None));
    let keys = [k];
    assert_eq!(verify(&keys, kind, reference, Some(&token), now()), Ok(()));
    assert_eq!(
        verify(&keys, kind, "Zürich/43", Some(&token), now()),
        Err(SignedUrlError::BadSignature)
    );
}

#[test]
fn signed_until_binds_the_expiry() {
    let k = key(9);
    let expires_at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    let url = event_url("k", "r")
        .base_url("https://example.com/api")
        .signed_until(&k, expires_at)
        .build()
        .unwrap();
    assert!(
        url.starts_with(
            "https://example.com/api/gcp-events/events/k/r/?gcp_events_sig=v1.1893456000."
        ),
        "{url}"
    );
    let token = token_from_url(&url).unwrap();
    let keys = [k];
    assert_eq!(verify(&keys, "k", "r", Some(&token), now()), Ok(()));
    let after = UNIX_EPOCH + Duration::from_secs(1_893_456_001);
    assert_eq!(
        verify(&keys, "k", "r", Some(&token), after),
        Err(SignedUrlError::Expired)
    );
}

#[test]
fn the_last_signing_call_wins() {
    let (a, b) = (key(1), key(2));
    let url = event_url("k", "r")
        .base_url("")
        .signed_until(&a, at(1))
        .signed(&b)
        .build()
        .unwrap();
    assert_eq!(url.matches("gcp_events_sig=").count(), 1, "{url}");
    assert_eq!(
        url,
        format!(
            "/gcp-events/events/k/r/?gcp_events_sig={}",
            b.sign("k", "r", None)
        )
    );
}

#[test]
fn manual_signature_parameter_is_refused_on_a_signed_url() {
    let k = key(1);
    for builder in [
        event_url("k", "r").parameter(SIGNATURE_PARAMETER, "v1.-.forged"),
        event_url("k", "r").parameters([("a", "1"), ("gcp_events_sig", "")]),
    ] {
        let err = builder.base_url("").signed(&k).build().unwrap_err();
        assert_eq!(
            err,
            EventUrlError::ReservedParameter {
                name: "gcp_events_sig".to_owned()
            }
        );
        let message = err.to_string();
        assert!(
            message.contains("gcp_events_sig") && message.contains("reserved"),
            "{message}"
        );
        assert!(!message.contains("forged"), "{message}");
    }
    // Without .signed() the builder adds no token, so a hand-made one passes through untouched.
    let url = event_url("k", "r")
        .parameter(SIGNATURE_PARAMETER, "v1.-.x")
        .base_url("")
        .build()
        .unwrap();
    assert_eq!(url, "/gcp-events/events/k/r/?gcp_events_sig=v1.-.x");
    // A similar but different name is an ordinary parameter.
    let url = event_url("k", "r")
        .parameter("gcp_events_sig2", "x")
        .base_url("")
        .signed(&k)
        .build()
        .unwrap();
    assert!(url.starts_with("/gcp-events/events/k/r/?gcp_events_sig2=x&gcp_events_sig=v1."));
}

#[test]
fn invalid_segments_are_reported_before_the_signature_conflict() {
    let err = event_url("", "r")
        .parameter(SIGNATURE_PARAMETER, "x")
        .base_url("")
        .signed(&key(1))
        .build()
        .unwrap_err();
    assert!(matches!(err, EventUrlError::EmptySegment { .. }), "{err:?}");
}

proptest! {
    #[test]
    fn any_unicode_kind_and_reference_round_trip(
        kind in any::<String>(),
        reference in any::<String>(),
        other in any::<String>(),
        expiry in proptest::option::of(NOW_SECS as i64..4_000_000_000i64),
        key_bytes in proptest::collection::vec(any::<u8>(), 32..64),
    ) {
        let k = UrlSigningKey::new(&key_bytes).unwrap();
        let token = k.sign(&kind, &reference, expiry.map(at));
        prop_assert!(token.len() <= 256);
        let keys = [k];
        prop_assert_eq!(verify(&keys, &kind, &reference, Some(&token), now()), Ok(()));
        if other != reference {
            prop_assert_eq!(
                verify(&keys, &kind, &other, Some(&token), now()),
                Err(SignedUrlError::BadSignature)
            );
        }
        let changed = format!("{reference}x");
        prop_assert_eq!(
            verify(&keys, &kind, &changed, Some(&token), now()),
            Err(SignedUrlError::BadSignature)
        );
    }

    #[test]
    fn signed_urls_round_trip_through_url_parsing(
        kind in "\\PC{1,20}",
        reference in "\\PC{1,20}",
    ) {
        prop_assume!(![".", ".."].contains(&kind.as_str()));
        prop_assume!(![".", ".."].contains(&reference.as_str()));
        let k = key(5);
        let url = event_url(kind.clone(), reference.clone())
            .parameter("p", "v")
            .base_url("https://example.com")
            .signed(&k)
            .build()
            .unwrap();
        let token = token_from_url(&url);
        prop_assert_eq!(verify(&[k], &kind, &reference, token.as_deref(), now()), Ok(()));
    }
}

#[tokio::test]
async fn u3_expiry_is_checked_against_the_services_clock() {
    // U3 with EventServiceBuilder::clock: the service's clock, not the system's, decides.
    use gcp_events_core::testing::{auth::TestClock, Recorder};
    use gcp_events_core::EventService;
    let issued = Utc.with_ymd_and_hms(2031, 5, 1, 12, 0, 0).unwrap();
    let clock = TestClock::at(issued.into());
    let recorder = Recorder::new();
    let service = EventService::builder()
        .signed_urls(key(1))
        .clock(clock.clone())
        .handler(recorder.clone())
        .build()
        .unwrap();
    let url = service
        .event_url("k", "r")
        .base_url("")
        .signed_until(&key(1), issued + chrono::Duration::seconds(60))
        .build()
        .unwrap();
    let post = || {
        http::Request::post(url.as_str())
            .header("host", "localhost")
            .body(String::from("{}"))
            .unwrap()
    };
    assert_eq!(service.handle(post()).await.status(), 201);
    clock.advance(Duration::from_secs(61));
    assert_eq!(service.handle(post()).await.status(), 401);
    assert_eq!(recorder.count(), 1);
}

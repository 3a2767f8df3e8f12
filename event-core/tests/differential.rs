//! Differential test against Python google-auth 2.62.2 (research §6.4, R20).
//!
//! `scripts/oracle/mint.py` generates fresh keys, mints one token per row of the attack
//! catalogue (research §5.1, plus a few extras), serves the key on loopback as a PEM map and as
//! a JWKS, and records google-auth's verdict on each token along both paths (`py_v1`: the PEM
//! path of `verify_oauth2_token`; `py_v3`: the JWKS path, i.e. PyJWT). This test verifies the
//! same tokens with our [`OidcVerifier`], the same JWKS and a clock fixed at the minting time,
//! and checks:
//!
//! * (a) whenever either oracle path rejects, we reject — except the [`SKEW_ONLY`] cases,
//!   which we must then reject with zero leeway;
//! * (b) whenever we reject and an oracle path accepts, the case is listed in [`STRICTER`];
//! * (c) neither list has stale entries;
//! * (d) the genuine tokens (`valid*`) are accepted by all three;
//! * our rejections answer 403 for the caller (`email*`) cases and 401 for everything else.
//!
//! The Python comes from `GCP_EVENTS_PYTHON`, else `<workspace>/.venv/bin/python`; when
//! neither exists the test makes `.venv` itself (`python3 -m venv`, then the pinned
//! `scripts/oracle/requirements.txt` from PyPI), so a plain `cargo test` runs it. It is never
//! skipped: when no oracle can be had it fails and says what to run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::oracle_python;
use gcp_events_core::auth::{AuthError, KeySet, OidcConfig, OidcVerifier};
use gcp_events_core::testing::auth::TestClock;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

/// The versions the verdicts (and the lists below) were established with
/// (`scripts/oracle/requirements.txt`).
const PINNED: &[(&str, &str)] = &[
    ("google-auth", "2.62.2"),
    ("PyJWT", "2.15.1"),
    ("cryptography", "50.0.2"),
];

/// Cases an oracle rejects only because its clock skew is 0 while ours is 60 s (research §5.1
/// "iat 5 s in future"): we accept them at the minting time and must reject them with zero
/// leeway.
const SKEW_ONLY: &[(&str, &str)] = &[
    (
        "iat_5s_future",
        "iat 5 s ahead is within our 60 s leeway; google-auth allows 0 s",
    ),
    (
        "expired_30s_ago",
        "exp 30 s past is within our 60 s leeway; google-auth allows 0 s",
    ),
];

/// Cases we reject although at least one oracle path accepts them, each with why we are right
/// to (research §3.1, §5.1, R6–R13).
const STRICTER: &[(&str, &str)] = &[
    (
        "kid_missing",
        "kid is required (R8); the PEM path tries every cert when kid is absent",
    ),
    (
        "kid_empty",
        "an empty kid is no kid (R8); the PEM path then tries every cert",
    ),
    (
        "header_crit",
        "we understand no `crit` extension (RFC 7515 §4.1.11); the PEM path ignores it",
    ),
    (
        "nbf_1h_future",
        "nbf is enforced (R12); the PEM path ignores nbf",
    ),
    (
        "exp_2_days_ahead",
        "a lifetime beyond 24 h is not Google's (R12); neither path caps exp",
    ),
    (
        "exp_missing",
        "exp is required (R12); PyJWT (JWKS path) does not require it",
    ),
    (
        "iat_missing",
        "iat is required (R12); PyJWT (JWKS path) does not require it",
    ),
    (
        "exp_numeric_string",
        "time claims must be JSON numbers (R12); PyJWT coerces strings",
    ),
    (
        "iat_numeric_string",
        "time claims must be JSON numbers (R12); PyJWT coerces strings",
    ),
    (
        "aud_array_containing_ours",
        "aud must be a string (R11); PyJWT matches any element",
    ),
    (
        "aud_array_only_ours",
        "aud must be a string (R11); PyJWT matches any element",
    ),
    (
        "b64_std_alphabet",
        "strict unpadded base64url (R7); the PEM path decodes `+` `/` too",
    ),
    (
        "b64_padded",
        "strict unpadded base64url (R7); both paths accept `=` padding",
    ),
    (
        "leading_space_resigned",
        "strict base64url (R7); the PEM path's decoder skips the space",
    ),
    (
        "oversized_1mb_pad_claim",
        "8 KiB cap before decoding (R6); google-auth has no cap",
    ),
    (
        "email_verified_false",
        "403: email_verified must be JSON true (R13); not checked by google-auth",
    ),
    (
        "email_verified_string_true",
        "403: the string \"true\" is not JSON true (R13)",
    ),
    (
        "email_verified_missing",
        "403: email_verified must be present and true (R13)",
    ),
    (
        "email_other",
        "403: email must be an allowed service account (R13)",
    ),
    (
        "email_upper_cased",
        "403: email is compared exactly, case-sensitively (R13)",
    ),
    ("email_missing", "403: email must be present (R13)"),
];

#[derive(Deserialize)]
struct Oracle {
    now: u64,
    audience: String,
    email: String,
    jwks: serde_json::Value,
    versions: std::collections::BTreeMap<String, String>,
    oracle_started_after_mint_seconds: f64,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    token: String,
    py_v1: Verdict,
    py_v3: Verdict,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    Accept,
    Reject,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
        }
    }
}

fn run_oracle(python: &Path) -> Oracle {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/oracle/mint.py");
    let output = Command::new(python)
        .arg(&script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", python.display(), script.display()));
    assert!(
        output.status.success(),
        "{} {} failed ({}); install scripts/oracle/requirements.txt into that Python, \
         or run `bash scripts/test.sh`\n{}",
        python.display(),
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr),
    );
    serde_json::from_slice(&output.stdout).expect("mint.py prints one JSON document")
}

fn verifier(oracle: &Oracle, leeway: Option<Duration>) -> OidcVerifier {
    let jwks = KeySet::from_jwks_json(oracle.jwks.to_string().as_bytes()).expect("JWKS parses");
    let mut config = OidcConfig::new()
        .audience(&oracle.audience)
        .allowed_email(&oracle.email)
        .key_source(jwks)
        .clock(TestClock::at(mint_time(oracle)));
    if let Some(leeway) = leeway {
        config = config.leeway(leeway);
    }
    config.build().expect("valid OIDC config")
}

fn mint_time(oracle: &Oracle) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(oracle.now)
}

fn listed<'a>(list: &'a [(&str, &str)], name: &str) -> Option<&'a str> {
    list.iter().find(|(n, _)| *n == name).map(|(_, why)| *why)
}

fn ours_label(result: &Result<(), AuthError>) -> String {
    match result {
        Ok(()) => "accept".to_owned(),
        Err(e) => format!("{} {}", e.status().as_u16(), e.reason()),
    }
}

#[tokio::test]
async fn r20_we_reject_whatever_google_auth_rejects() {
    let oracle = run_oracle(&oracle_python());

    for (package, version) in PINNED {
        assert_eq!(
            oracle.versions.get(*package).map(String::as_str),
            Some(*version),
            "the oracle must run with {package}=={version} (scripts/oracle/requirements.txt)"
        );
    }

    let ours = verifier(&oracle, None);
    let strict_clock = verifier(&oracle, Some(Duration::ZERO));
    let mut failures: Vec<String> = Vec::new();
    let mut fail = |name: &str, why: String| failures.push(format!("{name}: {why}"));
    let mut table = format!(
        "{:<32} {:<7} {:<7} {:<38} note\n",
        "case", "py_v1", "py_v3", "ours"
    );

    for case in &oracle.cases {
        let name = case.name.as_str();
        let result = ours.verify_token(&case.token).await.map(|_| ());
        let oracle_rejects = case.py_v1 == Verdict::Reject || case.py_v3 == Verdict::Reject;
        let oracle_accepts = case.py_v1 == Verdict::Accept || case.py_v3 == Verdict::Accept;
        let skew_only = listed(SKEW_ONLY, name);
        let stricter = listed(STRICTER, name);

        // The same verdict through the `Authorization` header path.
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {}", case.token)) {
            let mut headers = HeaderMap::new();
            headers.insert(http::header::AUTHORIZATION, value);
            let via_headers = ours.verify_headers(&headers).await.map(|_| ());
            if via_headers.is_ok() != result.is_ok() {
                fail(
                    name,
                    format!(
                        "verify_headers says {} but verify_token says {}",
                        ours_label(&via_headers),
                        ours_label(&result)
                    ),
                );
            }
        }

        match &result {
            Ok(()) if oracle_rejects => match skew_only {
                // (a), skew exception: must fall once our leeway is gone.
                Some(_) => {
                    let zero = strict_clock.verify_token(&case.token).await.map(|_| ());
                    if zero.as_ref().map_err(AuthError::status) != Err(StatusCode::UNAUTHORIZED) {
                        fail(
                            name,
                            format!(
                                "skew-only, but with zero leeway we say {}",
                                ours_label(&zero)
                            ),
                        );
                    }
                }
                None => fail(
                    name,
                    format!(
                        "BUG: google-auth rejects (py_v1 {}, py_v3 {}) but we accept",
                        case.py_v1.label(),
                        case.py_v3.label()
                    ),
                ),
            },
            Ok(()) => {}
            Err(err) => {
                // (b) every stricter verdict is deliberate and documented.
                if oracle_accepts && stricter.is_none() {
                    fail(
                        name,
                        format!(
                            "we reject ({}) but google-auth accepts (py_v1 {}, py_v3 {}); \
                             fix the verifier or add the case to STRICTER with a reason",
                            ours_label(&result),
                            case.py_v1.label(),
                            case.py_v3.label()
                        ),
                    );
                }
                let expected = if name.starts_with("email") {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::UNAUTHORIZED
                };
                if err.status() != expected {
                    fail(
                        name,
                        format!("expected {expected}, got {}", ours_label(&result)),
                    );
                }
            }
        }

        // (c) no stale list entries.
        if stricter.is_some() && !(result.is_err() && oracle_accepts) {
            fail(
                name,
                format!(
                    "stale STRICTER entry: ours {}, py_v1 {}, py_v3 {}",
                    ours_label(&result),
                    case.py_v1.label(),
                    case.py_v3.label()
                ),
            );
        }
        if skew_only.is_some() && !(result.is_ok() && oracle_rejects) {
            fail(
                name,
                format!(
                    "stale SKEW_ONLY entry: ours {}, py_v1 {}, py_v3 {} (the oracle ran {} s \
                     after minting; more than 5 s turns iat_5s_future into an accept)",
                    ours_label(&result),
                    case.py_v1.label(),
                    case.py_v3.label(),
                    oracle.oracle_started_after_mint_seconds
                ),
            );
        }

        // (d) genuine tokens pass everywhere.
        if name.starts_with("valid")
            && !(result.is_ok() && case.py_v1 == Verdict::Accept && case.py_v3 == Verdict::Accept)
        {
            fail(
                name,
                format!(
                    "genuine token not accepted by all: ours {}, py_v1 {}, py_v3 {}",
                    ours_label(&result),
                    case.py_v1.label(),
                    case.py_v3.label()
                ),
            );
        }

        let note = match (stricter, skew_only) {
            (Some(_), _) => "STRICTER",
            (_, Some(_)) => "SKEW_ONLY",
            _ => "",
        };
        writeln!(
            table,
            "{:<32} {:<7} {:<7} {:<38} {note}",
            name,
            case.py_v1.label(),
            case.py_v3.label(),
            ours_label(&result)
        )
        .unwrap();
    }

    for (name, _) in STRICTER.iter().chain(SKEW_ONLY) {
        if !oracle.cases.iter().any(|c| c.name == *name) {
            fail(name, "listed but mint.py has no such case".to_owned());
        }
    }
    assert!(
        oracle.cases.iter().any(|c| c.name == "valid"),
        "mint.py must mint the genuine token"
    );

    eprintln!(
        "google-auth differential ({} cases, oracle versions {:?}):\n{table}",
        oracle.cases.len(),
        oracle.versions
    );
    assert!(
        failures.is_empty(),
        "differential test against google-auth failed:\n  {}",
        failures.join("\n  ")
    );
}

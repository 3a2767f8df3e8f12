//! The payload's JSON check against the serde visitor it replaced (SPEC E3, E9): on any bytes,
//! `Payload::from_json` accepts exactly what the reference accepts. The fuzz target
//! `json_check` runs the same comparison coverage-guided.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gcp_events_core::testing::json_reference_accepts;
use gcp_events_core::Payload;
use proptest::prelude::*;

fn agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = Payload::from_json(bytes.to_vec()).is_ok();
    prop_assert_eq!(
        ours,
        json_reference_accepts(bytes),
        "{:?}",
        String::from_utf8_lossy(bytes)
    );
    Ok(())
}

/// Fragments that matter to a JSON parser, so random sequences of them reach every branch:
/// brackets, separators, escapes and surrogates, number parts, literals (whole and cut),
/// white space, control characters, multi-byte and invalid UTF-8.
const FRAGMENTS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u",
    b"D800",
    b"DBFF",
    b"DC00",
    b"DFFF",
    b"00e9",
    b"\\n",
    b"\\/",
    b"\\x",
    b"0",
    b"1",
    b"9",
    b"-",
    b".",
    b"e",
    b"E",
    b"+",
    b"e400",
    b"e-400",
    b"true",
    b"fals",
    b"null",
    b"nul",
    b" ",
    b"\n",
    b"\t",
    b"\r",
    b"\x00",
    b"\x1f",
    b"\x7f",
    "é".as_bytes(),
    "\u{1F600}".as_bytes(),
    b"\xff",
    b"\xc3",
    b"a",
    b"ab",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
        .prop_map(|parts| parts.concat())
}

/// A valid document with one byte replaced, inserted or removed.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,8}".prop_map(serde_json::Value::String),
    ];
    let value = leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(".{0,6}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    (value, any::<prop::sample::Index>(), any::<u8>(), 0..3u8).prop_map(|(value, at, byte, how)| {
        let mut bytes = serde_json::to_vec(&value).unwrap();
        let i = at.index(bytes.len() + 1);
        match how {
            0 if i < bytes.len() => bytes[i] = byte,
            1 => bytes.insert(i, byte),
            _ if i < bytes.len() => {
                bytes.remove(i);
            }
            _ => {}
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn agrees_with_the_reference_on_fragment_soup(bytes in soup()) {
        agree(&bytes)?;
    }

    #[test]
    fn agrees_with_the_reference_on_mutated_documents(bytes in mutated()) {
        agree(&bytes)?;
    }

    #[test]
    fn accepts_every_serialised_value(bytes in mutated().prop_filter("valid", |b| serde_json::from_slice::<serde_json::Value>(b).is_ok())) {
        // Within the depth bound (the strategy nests at most 5 deep), every document serde_json
        // reads is a payload.
        prop_assert!(Payload::from_json(bytes.clone()).is_ok(), "{:?}", String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn agrees_on_whole_google_payloads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("the fixtures") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                Payload::from_json(bytes.clone()).is_ok(),
                "{}",
                path.display()
            );
            // Cut anywhere, a prefix is refused by both (or accepted by both).
            for cut in 0..bytes.len() {
                agree(&bytes[..cut]).unwrap();
            }
            seen += 1;
        }
    }
    assert!(seen >= 6, "expected the Google payload fixtures in {dir}");
}

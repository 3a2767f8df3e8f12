use super::*;

fn agree(text: &str) {
    let ours = check(text.as_bytes(), 100).is_ok();
    assert_eq!(ours, reference::accepts(text.as_bytes(), 100), "{text:?}");
}

#[test]
fn agrees_with_serde_json_on_the_edges() {
    for text in [
        "0",
        "-0",
        "01",
        "-",
        "-a",
        "1.",
        "1.5",
        ".5",
        "1e",
        "1e+",
        "1E-2",
        "1e400",
        "-1e400",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "0e99999999999999",
        "1e-99999",
        "[1,]",
        "[,1]",
        "[]",
        "{}",
        "{,}",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:1}",
        "[1 2]",
        "\"a",
        "\"\\",
        "\"\\x\"",
        "\"\\u00\"",
        "\"\\u00e9\"",
        "\"\\uD800\"",
        "\"\\uD800\\uDC00\"",
        "\"\\uDC00\"",
        "\"\\uD800\\u0041\"",
        "\"\\uD800\\n\"",
        "\"\\uDBFF\\uDFFF\"",
        "\"\t\"",
        "\"\u{7f}\"",
        "\"\u{1f}\"",
        "tru",
        "true",
        "nul",
        "nullx",
        "[true false]",
        " \n\t\r[ ] \r",
        "{} {}",
        "\"é\"",
        "[\"a\"\"b\"]",
    ] {
        agree(text);
    }
    agree(&"9".repeat(300));
    agree(&"9".repeat(400));
    agree(&format!("{}.5", "9".repeat(309)));
    agree(&("1".to_owned() + &"0".repeat(308)));
}

#[test]
fn depth_is_counted_like_the_visitor() {
    for n in [1, 99, 100, 101] {
        agree(&("[".repeat(n) + &"]".repeat(n)));
        agree(&("{\"a\":".repeat(n) + "1" + &"}".repeat(n)));
    }
}

#[test]
fn errors_say_where() {
    let text = b"{\n  \"a\": tru\n}";
    let invalid = check(text, 100).unwrap_err();
    assert_eq!(invalid.describe(text), "expected value at line 2 column 8");
}

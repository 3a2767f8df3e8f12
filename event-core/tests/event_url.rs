//! Public-API tests of `gcp_events_core::event_url` (SPEC U1, U2; decoding as in E1, E4).
#![allow(clippy::unwrap_used)]

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use gcp_events_core::event_url::{
    event_url, BaseUrlOrigin, EventUrlError, UrlPart, BASE_URL_ENV, DEFAULT_PREFIX,
};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use url::{form_urlencoded, Url};

fn no_env(_: &str) -> Option<String> {
    None
}

fn env_with(base: &'static str) -> impl Fn(&str) -> Option<String> {
    move |name| (name == BASE_URL_ENV).then(|| base.to_owned())
}

/// Decode a relative URL the way the endpoint does (E1, E4): split the path on `/`,
/// percent-decode each segment once as UTF-8, form-parse the query with last-value-wins.
fn decode_like_server(url: &str) -> (Vec<String>, HashMap<String, String>) {
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, query),
        None => (url, ""),
    };
    let segments = path
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8().unwrap().into_owned())
        .collect();
    let parameters = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    (segments, parameters)
}

#[test]
fn constants() {
    // U1
    assert_eq!(DEFAULT_PREFIX, "/gcp-events");
    assert_eq!(BASE_URL_ENV, "BASE_URL");
}

#[test]
fn relative_url_from_an_empty_base() {
    // U1
    let url = event_url("my-kind", "my-ref")
        .base_url("")
        .build_with_env(no_env);
    assert_eq!(url.unwrap(), "/gcp-events/events/my-kind/my-ref/");
}

#[test]
fn absolute_url_from_an_explicit_base() {
    // U1
    let url = event_url("my-kind", "my-ref")
        .base_url("https://example.com")
        .build_with_env(no_env);
    assert_eq!(
        url.unwrap(),
        "https://example.com/gcp-events/events/my-kind/my-ref/"
    );
}

#[test]
fn absolute_url_from_the_environment() {
    // U1
    let url = event_url("my-kind", "my-ref").build_with_env(env_with("https://env.example.com"));
    assert_eq!(
        url.unwrap(),
        "https://env.example.com/gcp-events/events/my-kind/my-ref/"
    );
}

#[test]
fn explicit_base_overrides_the_environment() {
    // U1
    let looked_up = Cell::new(false);
    let url = event_url("k", "r")
        .base_url("https://explicit.example.com")
        .build_with_env(|_| {
            looked_up.set(true);
            Some("https://env.example.com".to_owned())
        });
    assert_eq!(
        url.unwrap(),
        "https://explicit.example.com/gcp-events/events/k/r/"
    );
    assert!(
        !looked_up.get(),
        "the environment is not read when a base is given"
    );

    let relative = event_url("k", "r")
        .base_url("")
        .build_with_env(env_with("https://env.example.com"));
    assert_eq!(relative.unwrap(), "/gcp-events/events/k/r/");
}

#[test]
fn no_base_configured_is_an_error_that_says_how_to_fix_it() {
    // U1
    let error = event_url("k", "r").build_with_env(no_env).unwrap_err();
    assert_eq!(error, EventUrlError::NoBaseUrl);
    let message = error.to_string();
    assert!(message.contains("BASE_URL"), "{message}");
    assert!(message.contains(".base_url("), "{message}");

    // An empty or blank variable counts as not set.
    for blank in ["", "  "] {
        let result = event_url("k", "r").build_with_env(|_| Some(blank.to_owned()));
        assert_eq!(result, Err(EventUrlError::NoBaseUrl), "{blank:?}");
    }
}

#[test]
fn build_reads_the_process_environment_only_without_an_explicit_base() {
    // U1 (no test here sets BASE_URL in the process, so an explicit base is all `build` needs)
    let url = event_url("k", "r")
        .base_url("http://localhost:8080")
        .build();
    assert_eq!(url.unwrap(), "http://localhost:8080/gcp-events/events/k/r/");
}

#[test]
fn custom_and_empty_prefixes() {
    // U1
    let build = |prefix: &str| {
        event_url("k", "r")
            .prefix(prefix)
            .base_url("")
            .build_with_env(no_env)
    };
    for prefix in ["/hooks", "hooks", "/hooks/", "hooks/"] {
        assert_eq!(build(prefix).unwrap(), "/hooks/events/k/r/", "{prefix:?}");
    }
    assert_eq!(build("/a/b/").unwrap(), "/a/b/events/k/r/");
    for root in ["", "/"] {
        assert_eq!(build(root).unwrap(), "/events/k/r/", "{root:?}");
    }
    let absolute = event_url("k", "r")
        .prefix("")
        .base_url("https://example.com/")
        .build_with_env(no_env);
    assert_eq!(absolute.unwrap(), "https://example.com/events/k/r/");
}

#[test]
fn prefixes_are_normalised_like_the_service() {
    // U1: slashes normalised
    for (prefix, expected) in [
        ("///", "/events/k/r/"),
        ("/a//b/", "/a/b/events/k/r/"),
        // never a relative URL starting with "//", which would name a host
        ("//evil.example", "/evil.example/events/k/r/"),
        ("/v1:beta/@me", "/v1:beta/@me/events/k/r/"),
    ] {
        let url = event_url("k", "r")
            .prefix(prefix)
            .base_url("")
            .build_with_env(no_env);
        assert_eq!(url.unwrap(), expected, "{prefix:?}");
    }
}

#[test]
fn the_service_and_its_urls_share_one_prefix_rule() {
    // U1, E1: one normaliser: a prefix the service takes gives URLs it answers; one it
    // refuses is refused by the URL builder too.
    use gcp_events_core::{handler_fn, EventService};
    for prefix in [
        "",
        "/",
        "hooks",
        "//a//b/",
        "/v1:beta/@me",
        "/ü",
        "/a b",
        "/../x",
        "/%41",
        "/:v1",
        "/*",
    ] {
        let service = EventService::builder()
            .allow_unauthenticated()
            .prefix(prefix)
            .handler(handler_fn(|_event| async { Ok(()) }))
            .build();
        let url = event_url("k", "r")
            .prefix(prefix)
            .base_url("")
            .build_with_env(no_env);
        assert_eq!(service.is_ok(), url.is_ok(), "{prefix:?}");
        if let (Ok(service), Ok(url)) = (service, url) {
            let own = service
                .event_url("k", "r")
                .base_url("")
                .build_with_env(no_env);
            assert_eq!(own.as_deref(), Ok(url.as_str()), "{prefix:?}");
            assert_eq!(url, format!("{}/k/r/", service.events_path()), "{prefix:?}");
        }
    }
}

#[test]
fn invalid_prefixes_are_errors() {
    // U1: the same prefixes the service refuses
    for prefix in [
        "/../x",
        "./x",
        "/a?b",
        "/a#b",
        "/my%20api",
        "/a b",
        "/a\nb",
        "/ü",
        "/a\\b",
        "/[x]",
    ] {
        let result = event_url("k", "r")
            .prefix(prefix)
            .base_url("")
            .build_with_env(no_env);
        assert!(
            matches!(result, Err(EventUrlError::InvalidPrefix { .. })),
            "{prefix:?}: {result:?}"
        );
    }
}

#[test]
fn base_with_a_path_or_trailing_slash() {
    // U1
    for (base, expected) in [
        (
            "https://example.com/",
            "https://example.com/gcp-events/events/k/r/",
        ),
        (
            "https://example.com/api",
            "https://example.com/api/gcp-events/events/k/r/",
        ),
        (
            "https://example.com/api/",
            "https://example.com/api/gcp-events/events/k/r/",
        ),
        (
            "http://127.0.0.1:3000/a/b/",
            "http://127.0.0.1:3000/a/b/gcp-events/events/k/r/",
        ),
    ] {
        let url = event_url("k", "r").base_url(base).build_with_env(no_env);
        assert_eq!(url.unwrap(), expected, "{base:?}");
        let from_env = event_url("k", "r").build_with_env(env_with(base));
        assert_eq!(from_env.unwrap(), expected, "{base:?} from the environment");
    }
}

#[test]
fn invalid_bases_are_errors() {
    // U1
    for base in [
        "example.com",
        "/relative/path",
        "ftp://example.com",
        "mailto:someone@example.com",
        "https://",
        "https://example.com/?a=b",
        "https://example.com?",
        "https://example.com/#frag",
        "https://user:pass@example.com",
        " ",
    ] {
        let result = event_url("k", "r").base_url(base).build_with_env(no_env);
        assert!(
            matches!(
                result,
                Err(EventUrlError::InvalidBaseUrl {
                    origin: BaseUrlOrigin::Explicit,
                    ..
                })
            ),
            "{base:?}: {result:?}"
        );
    }
    let from_env = event_url("k", "r").build_with_env(env_with("not a url"));
    let Err(error) = from_env else {
        panic!("accepted: {from_env:?}");
    };
    assert!(matches!(
        error,
        EventUrlError::InvalidBaseUrl {
            origin: BaseUrlOrigin::Environment,
            ..
        }
    ));
    assert!(error.to_string().contains("BASE_URL"), "{error}");
}

#[test]
fn credentials_in_a_base_are_refused_and_not_echoed() {
    // U1 (and A5: secrets stay out of error messages and logs)
    let result = event_url("k", "r").build_with_env(env_with("https://user:s3cret@example.com"));
    let Err(error) = result else {
        panic!("credentials accepted: {result:?}");
    };
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("user"),
        "{shown}"
    );
    assert!(shown.contains("credentials"), "{shown}");

    // Not even when the value does not parse.
    let result = event_url("k", "r")
        .base_url("https://user:s3cret@bad host")
        .build_with_env(no_env);
    let shown = format!("{result:?}");
    assert!(result.is_err() && !shown.contains("s3cret"), "{shown}");
}

#[test]
fn empty_and_dot_kinds_and_references_are_errors() {
    // U1 (the endpoint never matches them, E1)
    let build = |kind: &str, reference: &str| {
        event_url(kind, reference)
            .base_url("")
            .build_with_env(no_env)
    };
    assert_eq!(
        build("", "r"),
        Err(EventUrlError::EmptySegment {
            part: UrlPart::Kind
        })
    );
    assert_eq!(
        build("k", ""),
        Err(EventUrlError::EmptySegment {
            part: UrlPart::Reference
        })
    );
    for dots in [".", ".."] {
        assert_eq!(
            build(dots, "r"),
            Err(EventUrlError::DotSegment {
                part: UrlPart::Kind,
                value: dots.to_owned()
            })
        );
        assert_eq!(
            build("k", dots),
            Err(EventUrlError::DotSegment {
                part: UrlPart::Reference,
                value: dots.to_owned()
            })
        );
    }
    // Anything else made of dots is a plain segment.
    assert_eq!(build("...", ".k").unwrap(), "/gcp-events/events/.../.k/");
}

#[test]
fn kind_and_reference_are_single_encoded_segments() {
    // U1, U2
    let url = event_url("a/b", "50% ?#+ é")
        .base_url("")
        .build_with_env(no_env);
    assert_eq!(
        url.unwrap(),
        "/gcp-events/events/a%2Fb/50%25%20%3F%23%2B%20%C3%A9/"
    );
}

#[test]
fn parameters_keep_order_and_repeats() {
    // U1, E4
    let url = event_url("k", "r")
        .parameter("b", "2")
        .parameters([("a", "1"), ("b", "3")])
        .parameters(vec![("space".to_owned(), "x y".to_owned())])
        .base_url("")
        .build_with_env(no_env);
    assert_eq!(
        url.unwrap(),
        "/gcp-events/events/k/r/?b=2&a=1&b=3&space=x+y"
    );
}

#[test]
fn no_question_mark_without_parameters() {
    // U1
    let empty: [(&str, &str); 0] = [];
    let url = event_url("k", "r")
        .parameters(empty)
        .base_url("")
        .build_with_env(no_env);
    assert_eq!(url.unwrap(), "/gcp-events/events/k/r/");
}

#[test]
fn djangos_awkward_parameter_round_trips() {
    // U2 (django-gcp's test case)
    let url = event_url("the-kind", "the-reference")
        .parameter("my_parameter", "://something?> awkward")
        .base_url("https://example.com")
        .build_with_env(no_env)
        .unwrap();
    let parsed = Url::parse(&url).unwrap();
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![(
            "my_parameter".to_owned(),
            "://something?> awkward".to_owned()
        )]
    );
    assert_eq!(parsed.path(), "/gcp-events/events/the-kind/the-reference/");
}

/// Any text, weighted towards characters that have a meaning in URLs.
fn text() -> impl Strategy<Value = String> {
    let awkward = prop::sample::select(vec![
        '/',
        '%',
        '?',
        '#',
        '&',
        '=',
        '+',
        ' ',
        '.',
        ';',
        '\\',
        '\0',
        '\n',
        'é',
        '\u{1F600}',
        'a',
        '\u{FFFD}',
        '\u{202E}',
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(awkward, 0..8).prop_map(|chars| chars.into_iter().collect()),
    ]
}

fn segment() -> impl Strategy<Value = String> {
    text().prop_filter("the endpoint refuses empty and dot segments", |s| {
        !matches!(s.as_str(), "" | "." | "..")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_unicode_round_trips_through_a_relative_url(
        kind in segment(),
        reference in segment(),
        parameters in prop::collection::btree_map(text(), text(), 0..5),
    ) {
        // U2
        let url = event_url(kind.clone(), reference.clone())
            .parameters(parameters.clone())
            .base_url("")
            .build_with_env(no_env)
            .unwrap();
        prop_assert_eq!(url.contains('?'), !parameters.is_empty());
        let (segments, decoded) = decode_like_server(&url);
        // "", "gcp-events", "events", kind, reference, "" (the trailing slash)
        prop_assert_eq!(segments.len(), 6, "{}", url);
        prop_assert_eq!(&segments[..3], &["", "gcp-events", "events"]);
        prop_assert_eq!(&segments[3], &kind);
        prop_assert_eq!(&segments[4], &reference);
        prop_assert_eq!(&segments[5], "");
        let expected: HashMap<String, String> = parameters.into_iter().collect();
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn repeated_keys_keep_the_last_value(
        key in text(),
        values in prop::collection::vec(text(), 1..4),
    ) {
        // U2, E4
        let url = event_url("k", "r")
            .parameters(values.iter().map(|v| (key.clone(), v.clone())))
            .base_url("")
            .build_with_env(no_env)
            .unwrap();
        let (_, decoded) = decode_like_server(&url);
        prop_assert_eq!(decoded.len(), 1);
        prop_assert_eq!(decoded.get(&key), values.last());
    }

    #[test]
    fn absolute_urls_are_already_normalised(
        kind in segment(),
        reference in segment(),
        parameters in prop::collection::btree_map(text(), text(), 0..4),
        prefix in prop::sample::select(vec!["", "/", "hooks", "/a/b/", "/v1:beta/"]),
    ) {
        // U2: a URL parser (as used by Pub/Sub clients and servers) changes nothing and
        // reads back the same segments and parameters.
        let url = event_url(kind.clone(), reference.clone())
            .parameters(parameters.clone())
            .prefix(prefix)
            .base_url("https://example.com/api/")
            .build_with_env(no_env)
            .unwrap();
        let parsed = Url::parse(&url).unwrap();
        prop_assert_eq!(parsed.as_str(), url.as_str());
        let segments: Vec<String> = parsed
            .path_segments()
            .unwrap()
            .map(|s| percent_decode_str(s).decode_utf8().unwrap().into_owned())
            .collect();
        let n = segments.len();
        prop_assert_eq!(&segments[n - 3], &kind);
        prop_assert_eq!(&segments[n - 2], &reference);
        prop_assert_eq!(&segments[n - 1], "");
        let decoded: BTreeMap<String, String> = parsed.query_pairs().into_owned().collect();
        prop_assert_eq!(decoded, parameters);
    }
}

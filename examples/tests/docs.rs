//! What the README and the Cloud Run guide (docs/cloud-run.md) state that can be checked here:
//! the settings they name exist, the values they show parse, and the guide's timeouts fit
//! together. (The Dockerfile's build line is checked by scripts/dockerfile-check.sh, in CI.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gcp_events_core::settings::{Settings, KNOWN_SETTINGS};

fn read(path: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `GCP_EVENTS_…` name in `text`.
fn setting_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("GCP_EVENTS_") {
        let name: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if name.len() > "GCP_EVENTS_".len() && !name.ends_with('_') {
            names.push(name);
        }
    }
    names
}

/// The number after `flag` (e.g. `--ack-deadline=`) in `text`.
fn number_after(text: &str, flag: &str) -> u64 {
    let at = text
        .find(flag)
        .unwrap_or_else(|| panic!("{flag} is in the guide"))
        + flag.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

#[test]
fn every_setting_the_docs_name_exists_and_the_readme_lists_them_all() {
    for doc in ["README.md", "docs/cloud-run.md"] {
        let names = setting_names(&read(doc));
        assert!(!names.is_empty(), "{doc} names settings");
        for name in names {
            assert!(
                KNOWN_SETTINGS.contains(&name.as_str()),
                "{doc} names {name}, which is not a setting"
            );
        }
    }
    let readme = read("README.md");
    for known in KNOWN_SETTINGS {
        assert!(
            readme.contains(&format!("| `{known}` |")),
            "README's table lists {known}"
        );
    }
}

#[tokio::test]
async fn the_guides_deploy_settings_parse_and_build_a_service() {
    let guide = read("docs/cloud-run.md");
    let at = guide
        .find("--set-env-vars=\"")
        .expect("the deploy sets env vars")
        + 16;
    let vars = &guide[at..at + guide[at..].find('"').unwrap()];
    let vars = vars
        .replace("$URL", "https://receiver-123456789.europe-west1.run.app")
        .replace("$PUSHER", "event-pusher@my-project.iam.gserviceaccount.com")
        .replace("$PROJECT", "my-project");
    assert!(!vars.contains('$'), "every variable substituted: {vars}");
    let pairs: Vec<(String, String)> = vars
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("NAME=value");
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let settings = Settings::from_vars(pairs.iter().cloned()).expect("the guide's settings parse");
    assert!(settings.authenticates() && settings.can_guard_cloud_events());
    assert!(settings.trust_cloud_run_iam);
    let builder = gcp_events_core::EventService::builder()
        .handler(gcp_events_core::handler_fn(|_| async { Ok(()) }));
    let service = settings
        .apply(builder)
        .await
        .unwrap()
        .cloud_events_path("/");
    service
        .build()
        .expect("the guide's settings build a service");
}

/// The guide's numbers fit: the handler timeout ends with time to spare inside Pub/Sub's ack
/// deadline (the push request's timeout) and inside Cloud Run's 10 s between SIGTERM and
/// SIGKILL; Cloud Run's request timeout is above the ack deadline.
#[test]
fn the_guides_timeouts_fit_together() {
    let guide = read("docs/cloud-run.md");
    let handler_ms = number_after(&guide, "GCP_EVENTS_HANDLER_TIMEOUT_MS=");
    let ack_s = number_after(&guide, "--ack-deadline=");
    let run_s = number_after(&guide, "--timeout=");
    assert!((10..=600).contains(&ack_s), "Pub/Sub's ack deadline range");
    assert!(
        handler_ms + 2_000 <= ack_s * 1_000,
        "timeout well under the deadline"
    );
    assert!(handler_ms < 10_000, "answered before Cloud Run's SIGKILL");
    assert!(run_s > ack_s, "Cloud Run does not cut the request first");
    assert!(guide.contains(&format!("(here {ack_s})")));
    assert!(guide.contains(&format!("(here {} s)", handler_ms / 1000)));
    assert!(guide.contains(&format!("`GCP_EVENTS_HANDLER_TIMEOUT_MS` at {handler_ms}")));
}

/// The guide and the Dockerfile agree on how the image is built and run.
#[test]
fn the_guide_describes_the_dockerfile_it_ships_with() {
    let dockerfile = read("Dockerfile");
    let guide = read("docs/cloud-run.md");
    let build = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("RUN cargo build "))
        .expect("a cargo build line");
    assert!(build.contains("--release") && build.contains("--locked"));
    assert!(guide.contains("`cargo build --release --locked`"));
    assert!(dockerfile.contains("\nUSER nonroot\n") && guide.contains("`nonroot`"));
    assert!(dockerfile.contains("\nENV HOST=0.0.0.0 PORT=8080\n"));
    let rust = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("FROM rust:"))
        .expect("a rust build image");
    let manifest = read("Cargo.toml");
    let msrv = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .expect("the workspace's rust-version");
    assert!(
        rust.starts_with(msrv.trim_end_matches('"')),
        "the image builds with the workspace's rust-version: {rust} vs {msrv}"
    );
}

//! `settings`: every `GCP_EVENTS_*` variable read, checked and applied through the public API.

use std::time::Duration;

use gcp_events_core::pubsub::AttributeHeaders;
use gcp_events_core::settings::{
    IdempotencySetting, LogFormat, MetricsSetting, Settings, KNOWN_SETTINGS,
};
use gcp_events_core::testing::auth::{JwksServer, LocalOidc};
use gcp_events_core::testing::{requests::TestPush, Recorder};
use gcp_events_core::EventService;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes, base64

fn error(vars: &[(&str, &str)]) -> String {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(settings) => panic!("{vars:?} must be refused, got {settings:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn nothing_set_is_no_authentication_and_no_delivery_settings() {
    let settings = Settings::from_vars([("PATH", "/bin"), ("GCP_EVENTS_AUDIENCE", "")]).unwrap();
    assert!(!settings.authenticates());
    assert!(settings.can_guard_cloud_events());
    assert_eq!(settings.handler_timeout, None);
    assert_eq!(settings.idempotency, None);
    assert_eq!(settings.log_format, LogFormat::Text);
    assert_eq!(settings.attribute_headers, AttributeHeaders::None);
}

#[test]
fn every_setting_is_read() {
    let settings = Settings::from_vars([
        (
            "GCP_EVENTS_AUDIENCE",
            "https://a.example, https://b.example",
        ),
        (
            "GCP_EVENTS_ALLOWED_EMAILS",
            "push@p.iam.gserviceaccount.com",
        ),
        ("GCP_EVENTS_TRUST_CLOUD_RUN_IAM", "true"),
        ("GCP_EVENTS_URL_KEY", KEY),
        ("GCP_EVENTS_ATTRIBUTE_HEADERS", "origin, tenant"),
        ("GCP_EVENTS_HANDLER_TIMEOUT_MS", "8000"),
        ("GCP_EVENTS_MAX_IN_FLIGHT", "64"),
        ("GCP_EVENTS_IDEMPOTENCY", "redis://10.0.0.3:6379/"),
        ("GCP_EVENTS_METRICS", "prometheus"),
        ("GCP_EVENTS_LOG_FORMAT", "json"),
    ])
    .unwrap();
    assert_eq!(
        settings.audiences,
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(settings.allowed_emails, ["push@p.iam.gserviceaccount.com"]);
    assert!(settings.trust_cloud_run_iam && settings.url_key.is_some());
    assert_eq!(
        settings.attribute_headers,
        AttributeHeaders::only(["origin", "tenant"])
    );
    assert_eq!(settings.handler_timeout, Some(Duration::from_millis(8000)));
    assert_eq!(settings.max_in_flight, Some(64));
    assert_eq!(
        settings.idempotency,
        Some(IdempotencySetting::Redis("redis://10.0.0.3:6379/".into()))
    );
    assert_eq!(settings.metrics, Some(MetricsSetting::Prometheus));
    assert_eq!(settings.log_format, LogFormat::Json);
    assert!(settings.authenticates() && settings.can_guard_cloud_events());
    let all = Settings::from_vars([("GCP_EVENTS_ATTRIBUTE_HEADERS", "*")]).unwrap();
    assert_eq!(all.attribute_headers, AttributeHeaders::AllExceptTransport);
}

#[test]
fn a_misspelt_name_is_refused_so_it_never_leaves_a_service_open() {
    let message = error(&[("GCP_EVENTS_AUDIENCES", "https://a.example")]);
    assert!(
        message.starts_with("unknown setting GCP_EVENTS_AUDIENCES; the settings are"),
        "{message}"
    );
    for known in KNOWN_SETTINGS {
        assert!(message.contains(known), "{message} names {known}");
    }
}

#[test]
fn every_bad_value_is_an_error_naming_its_variable() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("GCP_EVENTS_AUDIENCE", "https://a.example")],
            "set both GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS",
        ),
        (
            &[("GCP_EVENTS_ALLOWED_EMAILS", "a@b")],
            "set both GCP_EVENTS_AUDIENCE and GCP_EVENTS_ALLOWED_EMAILS",
        ),
        (
            &[("GCP_EVENTS_TRUST_CLOUD_RUN_IAM", "true")],
            "GCP_EVENTS_TRUST_CLOUD_RUN_IAM is an OIDC setting",
        ),
        (
            &[("GCP_EVENTS_JWKS_URL", "http://127.0.0.1:1/certs")],
            "GCP_EVENTS_JWKS_URL is an OIDC setting",
        ),
        (
            &[
                ("GCP_EVENTS_AUDIENCE", "a"),
                ("GCP_EVENTS_ALLOWED_EMAILS", "b"),
                ("GCP_EVENTS_JWKS_URL", "http://keys.example/certs"),
            ],
            "GCP_EVENTS_JWKS_URL: ",
        ),
        (
            &[("GCP_EVENTS_HANDLER_TIMEOUT_MS", "8s")],
            "GCP_EVENTS_HANDLER_TIMEOUT_MS=\"8s\" is not a whole number",
        ),
        (
            &[("GCP_EVENTS_MAX_IN_FLIGHT", "-1")],
            "GCP_EVENTS_MAX_IN_FLIGHT=\"-1\" is not a whole number",
        ),
        (
            &[("GCP_EVENTS_TRUST_CLOUD_RUN_IAM", "maybe")],
            "GCP_EVENTS_TRUST_CLOUD_RUN_IAM=\"maybe\": use `true` or `false`",
        ),
        (
            &[("GCP_EVENTS_URL_KEY", "c2hvcnQ=")],
            "GCP_EVENTS_URL_KEY: ",
        ),
        (
            &[("GCP_EVENTS_IDEMPOTENCY", "memcached://h:1")],
            "GCP_EVENTS_IDEMPOTENCY=\"memcached://h:1\": use `memory` or a redis://host:port/ URL",
        ),
        (
            &[("GCP_EVENTS_METRICS", "statsd")],
            "GCP_EVENTS_METRICS=\"statsd\": use `prometheus`",
        ),
        (
            &[("GCP_EVENTS_LOG_FORMAT", "yaml")],
            "GCP_EVENTS_LOG_FORMAT=\"yaml\": use `text` or `json`",
        ),
    ];
    for (vars, expected) in cases {
        let message = error(vars);
        assert!(message.starts_with(expected), "{vars:?}: {message}");
    }
}

#[test]
fn secrets_never_reach_an_error_or_debug() {
    let message = error(&[("GCP_EVENTS_IDEMPOTENCY", "memcached://user:hunter2@h:1/")]);
    assert!(
        !message.contains("hunter2") && message.contains("***@h:1"),
        "{message}"
    );
    let settings = Settings::from_vars([("GCP_EVENTS_URL_KEY", KEY)]).unwrap();
    assert!(!format!("{settings:?}").contains(KEY));
    // A signed-URL key alone guards named routes but cannot guard a CloudEvents path.
    assert!(settings.authenticates() && !settings.can_guard_cloud_events());
}

#[test]
fn unset_settings_leave_the_builders_authentication_to_the_application() {
    let settings = Settings::from_vars(Vec::<(String, String)>::new()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let builder = runtime
        .block_on(settings.apply(EventService::builder().handler(Recorder::new())))
        .unwrap();
    // Secure by default: settings never choose "no authentication" for you.
    assert!(builder.build().is_err());
}

/// The settings' own OIDC, with its keys from a real JWKS server on loopback
/// (`GCP_EVENTS_JWKS_URL`), and its idempotency store.
#[tokio::test]
async fn applied_settings_authenticate_and_deduplicate() {
    let oidc = LocalOidc::new(
        "https://orders.example/push",
        "push@p.iam.gserviceaccount.com",
    );
    let keys = JwksServer::start(oidc.jwks()).await;
    let settings = Settings::from_vars([
        (
            "GCP_EVENTS_AUDIENCE",
            "https://orders.example/push".to_owned(),
        ),
        (
            "GCP_EVENTS_ALLOWED_EMAILS",
            "push@p.iam.gserviceaccount.com".to_owned(),
        ),
        ("GCP_EVENTS_JWKS_URL", keys.url()),
        ("GCP_EVENTS_HANDLER_TIMEOUT_MS", "5000".to_owned()),
        ("GCP_EVENTS_IDEMPOTENCY", "memory".to_owned()),
    ])
    .unwrap();
    let seen = Recorder::new();
    let builder = EventService::builder().handler(seen.clone());
    let service = settings.apply(builder).await.unwrap().build().unwrap();
    let push = TestPush::json(&serde_json::json!({"n": 1})).unwrap();
    let path = "/gcp-events/events/k/1";
    assert_eq!(
        service.handle(push.clone().wrapped(path)).await.status(),
        401
    );
    let other = LocalOidc::new(
        "https://other.example/push",
        "push@p.iam.gserviceaccount.com",
    );
    let misaddressed = push.clone().bearer(other.token());
    assert_eq!(
        service.handle(misaddressed.wrapped(path)).await.status(),
        401
    );
    let signed = push.bearer(oidc.token());
    assert_eq!(
        service.handle(signed.clone().wrapped(path)).await.status(),
        201
    );
    // Idempotency from the settings: the same message again is acknowledged, not dispatched.
    assert_eq!(service.handle(signed.wrapped(path)).await.status(), 200);
    assert_eq!(seen.count(), 1);
}

#[test]
fn the_inbox_database_is_a_checked_postgres_url_never_shown_with_its_password() {
    let url = "postgres://app:hunter2@10.0.0.4:5432/orders";
    let settings = Settings::from_vars([("GCP_EVENTS_POSTGRES", url)]).unwrap();
    assert_eq!(settings.postgres.as_deref(), Some(url));
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("hunter2") && shown.contains("***@10.0.0.4:5432/orders"),
        "{shown}"
    );
    for bad in [
        "postgres//x",
        "mysql://app@h/db",
        "postgres:///only-a-socket",
        "db.example.com",
    ] {
        let message = error(&[("GCP_EVENTS_POSTGRES", bad)]);
        assert!(message.starts_with("GCP_EVENTS_POSTGRES="), "{message}");
    }
    // Cloud SQL's socket, as Cloud Run mounts it.
    let socket = "postgres:///orders?host=/cloudsql/p:europe-west1:db&user=app";
    assert!(Settings::from_vars([("GCP_EVENTS_POSTGRES", socket)]).is_ok());
    let message = error(&[("GCP_EVENTS_POSTGRES", "mysql://app:hunter2@h/db")]);
    assert!(!message.contains("hunter2"), "{message}");
    // Both forms a Cloud SQL user with a password writes are accepted, neither ever shown
    // with it; the pool's own parameters are checked.
    for url in [
        "postgres:///orders?host=/cloudsql/p:r:db&user=app&password=hunter2",
        "postgres://app:hunter2@/orders?host=/cloudsql/p:r:db&max_connections=20",
    ] {
        let settings = Settings::from_vars([("GCP_EVENTS_POSTGRES", url)]).unwrap();
        let shown = format!("{settings:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("/cloudsql/p:r:db"),
            "{shown}"
        );
    }
    for bad in [
        "postgres://app:hunter2@/orders?host=/cloudsql/x&max_connections=0",
        "postgres:///orders?host=/x&password=hunter2&acquire_timeout_ms=soon",
    ] {
        let message = error(&[("GCP_EVENTS_POSTGRES", bad)]);
        assert!(message.starts_with("GCP_EVENTS_POSTGRES="), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}

#[test]
fn task_and_scheduler_accounts_are_oidc_settings() {
    let accounts = [
        ("GCP_EVENTS_TASKS_EMAILS", "tasks@p.iam.gserviceaccount.com"),
        (
            "GCP_EVENTS_SCHEDULER_EMAILS",
            "jobs@p.iam.gserviceaccount.com",
        ),
    ];
    for (name, value) in accounts {
        let message = error(&[(name, value)]);
        assert!(
            message.starts_with(&format!("{name} is an OIDC setting")),
            "{message}"
        );
    }
    let mut vars = vec![
        ("GCP_EVENTS_AUDIENCE", "https://svc"),
        (
            "GCP_EVENTS_ALLOWED_EMAILS",
            "push@p.iam.gserviceaccount.com",
        ),
    ];
    vars.extend(accounts);
    let settings = Settings::from_vars(vars).unwrap();
    assert_eq!(settings.tasks_emails, ["tasks@p.iam.gserviceaccount.com"]);
    assert_eq!(
        settings.scheduler_emails,
        ["jobs@p.iam.gserviceaccount.com"]
    );
}

#[tokio::test]
async fn the_inbox_connects_and_makes_its_table() {
    let server = gcp_events_core::testing::postgres::PostgresServer::start();
    let settings = Settings::from_vars([("GCP_EVENTS_POSTGRES", server.url())]).unwrap();
    let inbox = settings.inbox().await.unwrap().expect("an inbox");
    let claim = inbox.begin("k").await.unwrap();
    assert!(matches!(claim, gcp_events_core::inbox::Claim::Fresh(_)));
    assert!(Settings::default().inbox().await.unwrap().is_none());
}

#[test]
fn on_cloud_run_no_authentication_must_be_said_on_purpose() {
    // A service deployed without its variables: refused, saying what to set.
    let message = error(&[("K_SERVICE", "orders")]);
    assert!(
        message.contains("GCP_EVENTS_AUDIENCE")
            && message.contains("GCP_EVENTS_ALLOW_UNAUTHENTICATED=true"),
        "{message}"
    );
    // Said on purpose: the builder is then open without the application's own call.
    let open = [
        ("K_SERVICE", "orders"),
        ("GCP_EVENTS_ALLOW_UNAUTHENTICATED", "true"),
    ];
    let settings = Settings::from_vars(open).unwrap();
    assert!(settings.allow_unauthenticated && !settings.authenticates());
    // Off Cloud Run nothing is refused (the application decides, as before).
    assert!(
        !Settings::from_vars([("HOME", "/root")])
            .unwrap()
            .allow_unauthenticated
    );
    // Both at once is a contradiction, and a value that is not a yes or a no is named.
    let both = [
        ("GCP_EVENTS_ALLOW_UNAUTHENTICATED", "true"),
        ("GCP_EVENTS_AUDIENCE", "https://svc"),
        (
            "GCP_EVENTS_ALLOWED_EMAILS",
            "push@p.iam.gserviceaccount.com",
        ),
    ];
    assert!(error(&both).contains("choose one"), "{}", error(&both));
    let maybe = error(&[("GCP_EVENTS_ALLOW_UNAUTHENTICATED", "maybe")]);
    assert!(
        maybe.starts_with("GCP_EVENTS_ALLOW_UNAUTHENTICATED=\"maybe\""),
        "{maybe}"
    );
}

#[tokio::test]
async fn allowed_unauthenticated_settings_build_an_open_service() {
    let settings = Settings::from_vars([
        ("K_SERVICE", "orders"),
        ("GCP_EVENTS_ALLOW_UNAUTHENTICATED", "1"),
    ])
    .unwrap();
    let builder = EventService::builder().handler(Recorder::new());
    let service = settings.apply(builder).await.unwrap().build().unwrap();
    let request =
        gcp_events_core::testing::requests::TestPush::data("x").wrapped("/gcp-events/events/k/r");
    assert_eq!(service.handle(request).await.status(), 201);
}

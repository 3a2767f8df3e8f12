//! The test kit's real PostgreSQL (for the transactional inbox): a fresh cluster on a free
//! loopback port, reachable with Debian's `psql`, stopped by its PID and restarted with its
//! data, and gone (directory and process) once dropped. Never skipped: without PostgreSQL the
//! test fails saying what to install.

use std::process::Command;

use gcp_events_core::testing::postgres::PostgresServer;

fn psql(server: &PostgresServer, sql: &str) -> Option<String> {
    let out = Command::new("psql")
        .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .arg(server.url())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn a_real_postgres_starts_stops_by_pid_and_keeps_its_data_across_a_restart() {
    let mut server = PostgresServer::start();
    assert!(server.url().starts_with("postgres://postgres@127.0.0.1:"));
    assert_eq!(psql(&server, "select 40 + 2").as_deref(), Some("42"));
    psql(
        &server,
        "create table kept (id int primary key); insert into kept values (7)",
    )
    .unwrap();

    server.stop();
    assert!(!server.is_ready(), "stopped by its PID");
    assert!(psql(&server, "select 1").is_none());

    server.restart();
    assert_eq!(psql(&server, "select id from kept").as_deref(), Some("7"));

    // Two clusters side by side do not share anything.
    let other = PostgresServer::start();
    assert_ne!(other.port(), server.port());
    assert!(psql(&other, "select id from kept").is_none());
}

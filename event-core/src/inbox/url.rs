//! The inbox's PostgreSQL URL as Cloud SQL users write it: the library's own pool parameters
//! taken out, and the user and password of a socket URL (`postgres://app:pw@/orders?host=/cloudsql/…`,
//! which the driver cannot read) moved into the query, where it can.

use std::time::Duration;

use percent_encoding::percent_decode_str;

/// A URL split into what the driver reads and what the pool takes.
#[derive(Debug)]
pub(super) struct InboxUrl {
    /// What is handed to sqlx.
    pub(super) driver: String,
    /// `max_connections=N`: the pool's size.
    pub(super) max_connections: Option<u32>,
    /// `acquire_timeout_ms=N`: how long getting a connection may take.
    pub(super) acquire_timeout: Option<Duration>,
}

/// Reads `url`; the error says what is wrong, without the URL (the caller shows it redacted).
pub(super) fn parse(url: &str) -> Result<InboxUrl, &'static str> {
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "postgres" | "postgresql"))
        .ok_or("not a postgres:// URL")?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo), host),
        None => (None, authority),
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let mut params = Vec::new();
    let (mut max_connections, mut acquire_timeout) = (None, None);
    let mut socket = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "max_connections" => {
                let n = whole(value).filter(|n| (1..=10_000).contains(n));
                max_connections = Some(n.ok_or("max_connections must be 1 to 10000")?);
            }
            "acquire_timeout_ms" => {
                let ms = whole(value).filter(|ms| (1..=600_000).contains(ms));
                let ms = ms.ok_or("acquire_timeout_ms must be 1 to 600000")?;
                acquire_timeout = Some(Duration::from_millis(u64::from(ms)));
            }
            _ => {
                socket |= name == "host" && !value.is_empty();
                params.push(pair.to_owned());
            }
        }
    }
    if host.is_empty() && !socket {
        return Err("no host: give one, or a host= socket directory");
    }
    let mut driver = format!("{scheme}://");
    match userinfo {
        // A socket URL's user and password travel as query parameters.
        Some(userinfo) if host.is_empty() => {
            let (user, password) = match userinfo.split_once(':') {
                Some((user, password)) => (user, Some(password)),
                None => (userinfo, None),
            };
            for (name, value) in [("user", Some(user)), ("password", password)] {
                if let Some(value) = value.filter(|v| !v.is_empty()) {
                    let decoded = percent_decode_str(value).collect::<Vec<u8>>();
                    let encoded: String = url::form_urlencoded::byte_serialize(&decoded).collect();
                    params.push(format!("{name}={encoded}"));
                }
            }
        }
        Some(userinfo) => {
            driver.push_str(userinfo);
            driver.push('@');
        }
        None => {}
    }
    driver.push_str(host);
    driver.push_str(path);
    if !params.is_empty() {
        driver.push('?');
        driver.push_str(&params.join("&"));
    }
    Ok(InboxUrl {
        driver,
        max_connections,
        acquire_timeout,
    })
}

fn whole(value: &str) -> Option<u32> {
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_urls_carry_their_credentials_in_the_query() {
        let url = parse("postgres://app:p%40ss&w=rd@/orders?host=/cloudsql/p:r:db").unwrap();
        assert_eq!(
            url.driver,
            "postgres:///orders?host=/cloudsql/p:r:db&user=app&password=p%40ss%26w%3Drd"
        );
        let url = parse("postgres:///orders?host=/cloudsql/p:r:db&user=app&password=x").unwrap();
        assert_eq!(
            url.driver,
            "postgres:///orders?host=/cloudsql/p:r:db&user=app&password=x"
        );
        let url = parse("postgresql://app:pw@10.0.0.3:5432/orders").unwrap();
        assert_eq!(url.driver, "postgresql://app:pw@10.0.0.3:5432/orders");
    }

    #[test]
    fn pool_parameters_are_the_librarys_and_checked() {
        let url =
            parse("postgres://h/db?max_connections=20&sslmode=require&acquire_timeout_ms=1500")
                .unwrap();
        assert_eq!(url.driver, "postgres://h/db?sslmode=require");
        assert_eq!(url.max_connections, Some(20));
        assert_eq!(url.acquire_timeout, Some(Duration::from_millis(1500)));
        for bad in [
            "postgres://h/db?max_connections=0",
            "postgres://h/db?max_connections=lots",
            "postgres://h/db?acquire_timeout_ms=-1",
            "postgres:///db",
            "postgres://app:pw@/db",
            "mysql://h/db",
            "postgres//h/db",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}

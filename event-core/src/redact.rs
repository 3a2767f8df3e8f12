//! Showing URLs without their credentials, for errors, `Debug` and logs.

/// `value` with anything between `://` and `@` (user and password) replaced by `***`, and
/// the value of a `password` query parameter too.
pub(crate) fn redacted_url(value: &str) -> String {
    let masked = match (value.find("://"), value.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}***{}", &value[..scheme + 3], &value[at..])
        }
        _ => value.to_owned(),
    };
    // A password given as a query parameter (a socket URL's `?password=…`).
    match masked.split_once('?') {
        Some((base, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) if name.eq_ignore_ascii_case("password") => {
                        format!("{name}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{base}?{}", pairs.join("&"))
        }
        None => masked,
    }
}

//! Validation of the API root (WU_RUNCLOUD_API_URL / `api_url`).
//!
//! Rules (README.md, `WU_RUNCLOUD_API_URL`): `https://` required except for loopback hosts (127.0.0.0/8, ::1,
//! localhost), no userinfo, query or fragment; one trailing slash is dropped. The client
//! appends `/v3` or `/v2`. The URL itself is never echoed in an error: a URL with userinfo
//! would carry a password.

use std::cell::RefCell;
use std::net::IpAddr;

/// RunCloud's API root, without the version.
pub const DEFAULT_API_ROOT: &str = "https://manage.runcloud.io/api";

/// Why an API URL was rejected (the caller adds the constant or option name).
///
/// The verdict on the last URL is kept (per thread): a process checks the same API root on
/// every call, and parsing it is a tenth of the client's own work in a call.
pub(crate) fn validate_api_root(raw: &str) -> Result<String, &'static str> {
    thread_local! {
        static LAST: RefCell<Option<(String, Result<String, &'static str>)>> =
            const { RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((seen, verdict)) = last.as_ref() {
            if seen == raw {
                return verdict.clone();
            }
        }
        let verdict = check_api_root(raw);
        *last = Some((raw.to_string(), verdict.clone()));
        verdict
    })
}

fn check_api_root(raw: &str) -> Result<String, &'static str> {
    if raw.trim() != raw || raw.is_empty() {
        return Err("must be an absolute http(s) URL without surrounding spaces");
    }
    let parsed = url::Url::parse(raw).map_err(|_| "is not a valid absolute URL")?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err("has no host"),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(
                "must use https:// (http:// is only allowed for loopback hosts: 127.0.0.0/8, ::1, localhost)",
            )
        }
        _ => return Err("must start with https://"),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not contain credentials (user:password@)");
    }
    if parsed.query().is_some() {
        return Err("must not contain a query string (?...)");
    }
    if parsed.fragment().is_some() {
        return Err("must not contain a fragment (#...)");
    }
    let mut s = parsed.as_str().to_string();
    if s.ends_with('/') {
        s.pop();
    }
    if s.ends_with('/') {
        return Err("must not end with an empty path segment");
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted() {
        assert_eq!(
            validate_api_root(DEFAULT_API_ROOT).unwrap(),
            DEFAULT_API_ROOT
        );
        assert_eq!(
            validate_api_root("https://manage.runcloud.io/api/").unwrap(),
            DEFAULT_API_ROOT
        );
        assert_eq!(
            validate_api_root("http://127.0.0.1:8080/api").unwrap(),
            "http://127.0.0.1:8080/api"
        );
        assert_eq!(
            validate_api_root("http://127.5.6.7/api").unwrap(),
            "http://127.5.6.7/api"
        );
        assert_eq!(
            validate_api_root("http://[::1]:9/api").unwrap(),
            "http://[::1]:9/api"
        );
        assert_eq!(
            validate_api_root("http://localhost:9/api").unwrap(),
            "http://localhost:9/api"
        );
        assert_eq!(
            validate_api_root("HTTPS://Example.COM").unwrap(),
            "https://example.com"
        );
    }

    #[test]
    fn rejected() {
        for bad in [
            "",
            " https://x.io/api",
            "manage.runcloud.io/api",
            "ftp://x.io/api",
            "http://manage.runcloud.io/api",
            "http://10.0.0.1/api",
            "http://[::2]/api",
            "http://localhost.evil.com/api",
            "https://user:pw@x.io/api",
            "https://user@x.io/api",
            "https://x.io/api?a=1",
            "https://x.io/api?",
            "https://x.io/api#frag",
            "https://x.io/api//",
            "file:///etc/passwd",
        ] {
            assert!(validate_api_root(bad).is_err(), "{bad} accepted");
        }
    }
}

//! Retries, timeouts, bad bodies, redirects, connection reuse and TLS.

mod common;

use std::time::{Duration, Instant};

use common::*;
use runcloud::{api, Error, PhpValue};
use serde_json::json;

const DOMAINS: &str = "/api/v3/servers/*/webapps/*/domains";

#[test]
fn retries_429_then_succeeds_honouring_retry_after() {
    let emu = start(|c| c.seed_domains = 1);
    emu.add_fault(
        json!({"method":"GET","path":DOMAINS,"status":429,"headers":{"Retry-After":"1"}}),
    )
    .unwrap();
    let t = Instant::now();
    let list = api::list_domains(&v3(&emu)).unwrap();
    assert_eq!(list.len(), 1);
    assert!(
        t.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(count(&emu.requests(), "GET", "/domains"), 2);
}

#[test]
fn three_503_fail_after_exactly_three_attempts() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"times":5,"status":503}))
        .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    assert!(matches!(e, Error::Api { status: 503, .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("GET /servers/1/webapps/1/domains: 503"),
        "{e}"
    );
    assert!(e.is_transient());
    assert_eq!(count(&emu.requests(), "GET", "/domains"), 3);
}

#[test]
fn html_error_page_is_transport_with_status() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"times":3,"html":true,"status":502}))
        .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                status: Some(502),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(count(&emu.requests(), "GET", "/domains"), 3);
}

#[test]
fn timeout_is_a_transport_error() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"delay_ms":3000}))
        .unwrap();
    let input = with_options(v3(&emu), &[("timeout", PhpValue::Float(0.5))]);
    let t = Instant::now();
    let e = api::list_domains(&input).unwrap_err();
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t.elapsed()
    );
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(e
        .to_string()
        .starts_with("GET /servers/1/webapps/1/domains: "));
}

#[test]
fn malformed_json_is_transport_naming_the_endpoint() {
    let emu = start(|c| c.seed_domains = 1);
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"malformed_json":true}))
        .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(
        e.to_string().contains("GET /servers/1/webapps/1/domains"),
        "{e}"
    );
    // Wrong shape (valid JSON): also a Transport error, never a panic.
    emu.add_fault(
        json!({"method":"GET","path":DOMAINS,"status":200,"body":"{\"data\":{\"id\":1}}"}),
    )
    .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

#[test]
fn truncated_body_is_retried_for_a_get() {
    let emu = start(|c| c.seed_domains = 3);
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"truncate":true}))
        .unwrap();
    assert_eq!(api::list_domains(&v3(&emu)).unwrap().len(), 3);
    assert_eq!(count(&emu.requests(), "GET", "/domains"), 2);
}

#[test]
fn lost_post_answer_is_checked_not_repeated() {
    let emu = start(|_| {});
    // The POST takes effect, then the connection drops before the answer.
    emu.add_fault(json!({"method":"POST","path":DOMAINS,"drop":true}))
        .unwrap();
    let added = api::add_domain(
        &with_options(v3(&emu), &[("ssl", false.into())]),
        b"lost.example.com",
    )
    .unwrap();
    assert!(added.created);
    assert_eq!(added.domain.name, "lost.example.com");
    let reqs = emu.requests();
    assert_eq!(count(&reqs, "POST", "/domains"), 1, "{reqs:?}");
    assert_eq!(emu.domain_names(1, 1), vec!["lost.example.com"]);
}

#[test]
fn post_503_is_retried() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"POST","path":DOMAINS,"status":503}))
        .unwrap();
    let added = api::add_domain(
        &with_options(v3(&emu), &[("ssl", false.into())]),
        b"again.example.com",
    )
    .unwrap();
    assert!(added.created);
    assert_eq!(count(&emu.requests(), "POST", "/domains"), 2);
    assert_eq!(emu.domain_names(1, 1), vec!["again.example.com"]);
}

#[test]
fn post_502_checks_before_retrying() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"POST","path":DOMAINS,"status":502}))
        .unwrap();
    let added = api::add_domain(
        &with_options(v3(&emu), &[("ssl", false.into())]),
        b"check.example.com",
    )
    .unwrap();
    assert!(added.created);
    let reqs = emu.requests();
    let order: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(order, vec!["POST", "GET", "POST"]);
}

#[test]
fn redirect_is_not_followed() {
    let emu = start(|_| {});
    let other = start(|_| {});
    emu.add_fault(json!({"path":DOMAINS,"redirect_to":other.root_url()}))
        .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                status: Some(302),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(other.requests().is_empty());
    assert_no_secret(&e);
}

#[test]
fn connection_refused_is_transport_after_three_attempts() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let input = runcloud::CallInput {
        constants: pairs(&[
            ("WU_RUNCLOUD_API_TOKEN", TOKEN.into()),
            ("WU_RUNCLOUD_SERVER_ID", 1.into()),
            ("WU_RUNCLOUD_APP_ID", 1.into()),
            (
                "WU_RUNCLOUD_API_URL",
                format!("http://127.0.0.1:{port}/api").as_str().into(),
            ),
        ]),
        options: vec![],
    };
    let e = api::test_connection(&input).unwrap_err();
    assert!(matches!(e, Error::Transport { status: None, .. }), "{e:?}");
    assert!(e.to_string().contains("GET /ping: cannot connect"), "{e}");
    assert!(e.to_string().contains("after 3 attempts"), "{e}");
}

#[test]
fn many_calls_share_one_connection() {
    let emu = start(|c| c.seed_domains = 45);
    let input = v3(&emu);
    api::test_connection(&input).unwrap();
    for i in 0..10 {
        let name = format!("reuse-{i}.example.com");
        api::add_domain(&input, name.as_bytes()).unwrap();
        api::find_domain(&input, name.as_bytes()).unwrap().unwrap();
    }
    api::list_domains(&input).unwrap();
    api::remove_domain(&input, b"reuse-3.example.com").unwrap();
    api::add_domain(&input, b"reuse-4.example.com").unwrap(); // duplicate: 422 then a scan
    assert_eq!(emu.connections_accepted(), 1);
}

#[test]
fn tls_with_ca_file_and_one_connection_for_100_adds() {
    let ca = temp_path("ca.pem");
    let emu = start(|c| {
        c.tls = true;
        c.ca_out = Some(ca.clone());
    });
    assert!(emu.base_url().starts_with("https://"));
    // Without the CA the certificate is refused, with a clear TLS error.
    let e = api::test_connection(&v3(&emu)).unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.to_string().contains("TLS"), "{e}");
    let before = emu.connections_accepted();

    let input = with_options(v3(&emu), &[("ca_file", ca.to_str().unwrap().into())]);
    let cfg = api::config(&input).unwrap();
    assert_eq!(cfg.api_version, Some("v3"));
    for i in 0..100 {
        let name = format!("tls-{i}.example.com");
        assert!(api::add_domain(&input, name.as_bytes()).unwrap().created);
    }
    assert_eq!(emu.domain_names(1, 1).len(), 100);
    assert_eq!(emu.connections_accepted() - before, 1);
    let info = api::info(&runcloud::CallInput {
        constants: {
            let mut c = v3(&emu).constants;
            c.push(("WU_RUNCLOUD_CA_FILE".into(), ca.to_str().unwrap().into()));
            c
        },
        options: vec![],
    });
    assert_eq!(info.tls_roots, format!("system + {}", ca.display()));
    let _ = std::fs::remove_file(&ca);
}

#[test]
fn unusable_ca_file_is_a_config_error() {
    let emu = start(|_| {});
    let bad = temp_path("not-a-ca.pem");
    std::fs::write(&bad, "hello").unwrap();
    for (path, expect) in [
        (bad.to_str().unwrap().to_string(), "no PEM certificate"),
        ("/nonexistent/ca.pem".to_string(), "cannot read"),
    ] {
        let input = with_options(v3(&emu), &[("ca_file", path.as_str().into())]);
        let e = api::list_domains(&input).unwrap_err();
        assert!(
            matches!(e, Error::Config { ref name, .. } if name == "ca_file"),
            "{e:?}"
        );
        assert!(e.to_string().contains(expect), "{e}");
        let e = api::config(&input).unwrap_err();
        assert!(matches!(e, Error::Config { .. }));
    }
    let mut input = v3(&emu);
    input
        .constants
        .push(("WU_RUNCLOUD_CA_FILE".into(), bad.to_str().unwrap().into()));
    let e = api::test_connection(&input).unwrap_err();
    assert!(matches!(e, Error::Config { ref name, .. } if name == "WU_RUNCLOUD_CA_FILE"));
    assert!(emu.requests().is_empty());
    let _ = std::fs::remove_file(&bad);
}

#[test]
fn unreadable_post_answer_is_read_back() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"POST","path":DOMAINS,"malformed_json":true}))
        .unwrap();
    let added = api::add_domain(
        &with_options(v3(&emu), &[("ssl", false.into())]),
        b"garbled.example.com",
    )
    .unwrap();
    assert!(added.created);
    assert_eq!(added.domain.name, "garbled.example.com");
    assert_eq!(count(&emu.requests(), "POST", "/domains"), 1);
}

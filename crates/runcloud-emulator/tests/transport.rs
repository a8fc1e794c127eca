//! Keep-alive, concurrency, malformed input, rate limit, latency, TLS.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use runcloud_emulator::EmulatorConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::json;

#[test]
fn one_connection_serves_many_requests() {
    let emulator = start(config());
    let mut connection = Connection::open(&emulator);
    for index in 0..20 {
        let body = new_domain(&format!("k{index}.example.com")).to_string();
        let response = connection
            .request(
                "POST",
                "/api/v3/servers/1/webapps/1/domains",
                Some(BEARER),
                Some(("application/json", body.as_bytes())),
            )
            .expect("response");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Connection"), Some("keep-alive"));
        let response = connection
            .request("GET", "/api/v2/ping", Some(BASIC), None)
            .expect("response");
        assert_eq!(response.status, 200);
    }
    // Errors keep the connection too.
    let response = connection
        .request("GET", "/api/v3/ping", None, None)
        .expect("response");
    assert_eq!(response.status, 401);
    let response = connection
        .request("GET", "/__emulator/connections", None, None)
        .expect("response");
    assert_eq!(response.json()["accepted"], 1);
    assert_eq!(emulator.connections_accepted(), 1);
    assert_eq!(emulator.domain_names(1, 1).len(), 20);
}

#[test]
fn connection_close_and_http_1_0_are_honoured() {
    let emulator = start(config());
    let mut connection = Connection::open(&emulator);
    connection.send_raw(b"GET /api/v3/ping HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\nConnection: close\r\n\r\n");
    let response = connection.read_response().expect("response");
    assert_eq!(response.header("Connection"), Some("close"));
    assert!(connection.is_closed_by_server());

    let mut connection = Connection::open(&emulator);
    connection.send_raw(b"GET /api/v3/ping HTTP/1.0\r\nAuthorization: Bearer test-token\r\n\r\n");
    assert_eq!(connection.read_response().expect("response").status, 200);
    assert!(connection.is_closed_by_server());
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let emulator = start(config());
    let mut connection = Connection::open(&emulator);
    connection.send_raw(
        b"GET /api/v3/ping HTTP/1.1\r\nAuthorization: Bearer test-token\r\n\r\nGET /api/v3/nothing HTTP/1.1\r\nAuthorization: Bearer test-token\r\n\r\n",
    );
    assert_eq!(connection.read_response().expect("first").status, 200);
    assert_eq!(connection.read_response().expect("second").status, 404);
}

#[test]
fn chunked_bodies_are_accepted() {
    let emulator = start(config());
    let mut connection = Connection::open(&emulator);
    let body = new_domain("chunked.example.com").to_string();
    let (first, second) = body.split_at(10);
    let raw = format!(
        "POST /api/v3/servers/1/webapps/1/domains HTTP/1.1\r\nAuthorization: Bearer test-token\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    connection.send_raw(raw.as_bytes());
    assert_eq!(connection.read_response().expect("response").status, 200);
    assert_eq!(emulator.domain_names(1, 1), vec!["chunked.example.com"]);
}

#[test]
fn malformed_requests_get_4xx_and_the_server_lives_on() {
    let emulator = start(config());
    let cases: &[(&[u8], u16)] = &[
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
        (
            b"GET /api/v3/ping HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            400,
        ),
        (
            b"GET /api/v3/ping HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            400,
        ),
        (
            b"POST /api/v3/ping HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n",
            413,
        ),
        (
            b"POST /api/v3/ping HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            501,
        ),
        (
            b"POST /api/v3/ping HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
            400,
        ),
        (b"GET /api/v3/ping HTTP/1.1\r\nBad Header\r\n\r\n", 400),
    ];
    for (raw, status) in cases {
        let mut connection = Connection::open(&emulator);
        connection.send_raw(raw);
        let response = connection.read_response().expect("a response");
        assert_eq!(response.status, *status, "{}", String::from_utf8_lossy(raw));
        assert!(connection.is_closed_by_server());
    }
    let mut huge_head = b"GET /api/v3/ping HTTP/1.1\r\nX-Big: ".to_vec();
    huge_head.extend(std::iter::repeat_n(b'a', 70_000));
    huge_head.extend_from_slice(b"\r\n\r\n");
    let mut connection = Connection::open(&emulator);
    connection.send_raw(&huge_head);
    assert_eq!(connection.read_response().expect("response").status, 431);

    // A body over the limit that is actually sent still gets its 413, not a reset.
    let mut connection = Connection::open(&emulator);
    let mut oversized = b"POST /api/v3/servers/1/webapps/1/domains HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 1500000\r\n\r\n".to_vec();
    oversized.extend(std::iter::repeat_n(b'x', 1_500_000));
    connection.send_raw(&oversized);
    assert_eq!(connection.read_response().expect("response").status, 413);

    // A client that goes away mid-request does not hurt anyone.
    let mut half = TcpStream::connect(emulator.local_addr()).expect("connect");
    half.write_all(b"POST /api/v3/ping HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        .expect("write");
    drop(half);
    assert_eq!(v3(&emulator, "GET", "/ping", None).status, 200);
}

#[test]
fn concurrent_clients_all_succeed() {
    let emulator = Arc::new(start(config()));
    let workers: Vec<_> = (0..16)
        .map(|worker| {
            let emulator = Arc::clone(&emulator);
            std::thread::spawn(move || {
                let mut connection = Connection::open(&emulator);
                for index in 0..10 {
                    let body = new_domain(&format!("w{worker}-{index}.example.com")).to_string();
                    let response = connection
                        .request(
                            "POST",
                            "/api/v3/servers/1/webapps/1/domains",
                            Some(BEARER),
                            Some(("application/json", body.as_bytes())),
                        )
                        .expect("response");
                    assert_eq!(response.status, 200);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    let names = emulator.domain_names(1, 1);
    assert_eq!(names.len(), 160);
    let ids: std::collections::BTreeSet<u64> = emulator.state()["apps"][0]["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter_map(|domain| domain["id"].as_u64())
        .collect();
    assert_eq!(ids.len(), 160);
    assert_eq!(emulator.requests().len(), 160);
}

#[test]
fn rate_limit_headers_and_429() {
    let emulator = start(EmulatorConfig {
        rate_limit: Some((3, 60_000)),
        retry_after: Some(7),
        ..config()
    });
    let mut connection = Connection::open(&emulator);
    for remaining in ["2", "1", "0"] {
        let response = connection
            .request("GET", "/api/v3/ping", Some(BEARER), None)
            .expect("ok");
        assert_eq!(response.status, 200);
        assert_eq!(response.header("X-RateLimit-Limit"), Some("3"));
        assert_eq!(response.header("X-RateLimit-Remaining"), Some(remaining));
    }
    let response = connection
        .request("GET", "/api/v2/ping", Some(BASIC), None)
        .expect("429");
    assert_eq!(response.status, 429);
    assert_eq!(response.header("Retry-After"), Some("7"));
    assert!(response.header("X-RateLimit-Reset").is_some());
    assert_eq!(response.header("X-RateLimit-Remaining"), Some("0"));
    assert!(response.json()["message"].is_string());
    // The control plane is not limited; reset starts a new window.
    assert_eq!(control(&emulator, "GET", "/state", None).status, 200);
    emulator.reset();
    assert_eq!(v3(&emulator, "GET", "/ping", None).status, 200);
}

#[test]
fn rate_limit_window_refills() {
    let emulator = start(EmulatorConfig {
        rate_limit: Some((1, 1000)),
        ..config()
    });
    assert_eq!(v3(&emulator, "GET", "/ping", None).status, 200);
    let limited = v3(&emulator, "GET", "/ping", None);
    assert_eq!(limited.status, 429);
    // By default the seconds to the window's end, rounded up, and that end as a Unix time.
    assert_eq!(limited.header("Retry-After"), Some("1"));
    let reset: u64 = limited
        .header("X-RateLimit-Reset")
        .and_then(|value| value.parse().ok())
        .expect("X-RateLimit-Reset");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or(0);
    assert!((now..=now + 2).contains(&reset), "{reset} vs {now}");
    std::thread::sleep(Duration::from_millis(1050));
    assert_eq!(v3(&emulator, "GET", "/ping", None).status, 200);
}

#[test]
fn without_rate_limit_the_headers_show_a_large_budget() {
    let emulator = start(config());
    let response = v3(&emulator, "GET", "/ping", None);
    let limit: u64 = response
        .header("X-RateLimit-Limit")
        .and_then(|v| v.parse().ok())
        .expect("limit");
    assert!(limit >= 1_000_000);
    assert!(response.header("X-RateLimit-Remaining").is_some());
}

#[test]
fn latency_is_added_per_request_and_per_connection() {
    let emulator = start(EmulatorConfig {
        latency_ms: 100,
        connect_latency_ms: 250,
        ..config()
    });
    let started = Instant::now();
    let mut connection = Connection::open(&emulator);
    connection
        .request("GET", "/api/v3/ping", Some(BEARER), None)
        .expect("first");
    let first = started.elapsed();
    assert!(first >= Duration::from_millis(350), "{first:?}");
    let started = Instant::now();
    connection
        .request("GET", "/api/v3/ping", Some(BEARER), None)
        .expect("second");
    let second = started.elapsed();
    assert!(
        second >= Duration::from_millis(100) && second < Duration::from_millis(350),
        "{second:?}"
    );
    // The control plane has no latency.
    let started = Instant::now();
    connection
        .request("GET", "/__emulator/state", None, None)
        .expect("state");
    assert!(started.elapsed() < Duration::from_millis(100));
}

fn tls_connection(
    emulator: &runcloud_emulator::Emulator,
    ca_pem: &str,
    server_name: &str,
) -> Connection<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots
            .add(certificate.expect("PEM certificate"))
            .expect("CA added");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(server_name.to_string()).expect("server name");
    let client = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let socket = TcpStream::connect(emulator.local_addr()).expect("connect");
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    Connection::over(rustls::StreamOwned::new(client, socket), server_name)
}

#[test]
fn tls_with_the_written_ca() {
    let ca_path =
        std::env::temp_dir().join(format!("runcloud-emulator-ca-{}.pem", std::process::id()));
    let emulator = start(EmulatorConfig {
        tls: true,
        ca_out: Some(ca_path.clone()),
        ..config()
    });
    assert!(emulator.base_url().starts_with("https://127.0.0.1:"));
    let written = std::fs::read_to_string(&ca_path).expect("CA written");
    assert_eq!(Some(written.clone()), emulator.ca_pem());
    assert!(written.starts_with("-----BEGIN CERTIFICATE-----"));

    for server_name in ["127.0.0.1", "localhost"] {
        let mut connection = tls_connection(&emulator, &written, server_name);
        for _ in 0..3 {
            let response = connection
                .request("GET", "/api/v3/ping", Some(BEARER), None)
                .expect("TLS response");
            assert_eq!(response.status, 200);
            assert_eq!(response.json(), json!({"message": "pong"}));
        }
    }
    assert_eq!(emulator.connections_accepted(), 2);
    let _ = std::fs::remove_file(&ca_path);
}

#[test]
fn tls_is_refused_by_a_client_that_does_not_trust_the_ca() {
    let emulator = start(EmulatorConfig {
        tls: true,
        ..config()
    });
    let other = start(EmulatorConfig {
        tls: true,
        ..config()
    });
    let foreign_ca = other.ca_pem().expect("CA");
    let mut connection = tls_connection(&emulator, &foreign_ca, "127.0.0.1");
    assert!(connection
        .request("GET", "/api/v3/ping", Some(BEARER), None)
        .is_err());
    // Plain HTTP on a TLS port does not kill the server.
    let mut plain = Connection::open(&emulator);
    let _ = plain.request("GET", "/api/v3/ping", Some(BEARER), None);
    let mut good = tls_connection(&emulator, &emulator.ca_pem().expect("CA"), "localhost");
    assert_eq!(
        good.request("GET", "/api/v3/ping", Some(BEARER), None)
            .expect("ok")
            .status,
        200
    );
}

#[test]
fn drop_stops_promptly_even_with_open_connections() {
    let emulator = start(EmulatorConfig {
        latency_ms: 10_000,
        ..config()
    });
    let address = emulator.local_addr();
    let idle = Connection::open(&emulator);
    let mut busy = Connection::open(&emulator);
    busy.send_raw(b"GET /api/v3/ping HTTP/1.1\r\n\r\n");
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    drop(emulator);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    drop(idle);
    assert!(TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_err());
}

#[test]
fn emulator_start_rejects_invalid_configuration() {
    for config in [
        EmulatorConfig {
            apps: vec![],
            ..config()
        },
        EmulatorConfig {
            apps: vec![(0, 1)],
            ..config()
        },
        EmulatorConfig {
            rate_limit: Some((0, 10)),
            ..config()
        },
        EmulatorConfig {
            token: Some(String::new()),
            ..config()
        },
    ] {
        let error = runcloud_emulator::Emulator::start(config).expect_err("rejected");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    }
}

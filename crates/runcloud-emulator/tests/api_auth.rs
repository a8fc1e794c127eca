//! Authentication matrix on both API versions, `GET /ping`, unknown routes.

mod common;

use common::*;
use runcloud_emulator::EmulatorConfig;
use serde_json::json;

#[test]
fn ping_answers_pong_on_both_versions() {
    let emulator = start(config());
    let v3_ping = v3(&emulator, "GET", "/ping", None);
    assert_eq!(v3_ping.status, 200);
    assert_eq!(v3_ping.json(), json!({"message": "pong"}));
    let v2_ping = v2(&emulator, "GET", "/ping", None);
    assert_eq!(v2_ping.status, 200);
    assert_eq!(v2_ping.json(), json!({"message": "pong"}));
}

#[test]
fn authentication_matrix() {
    let emulator = start(config());
    let wrong_basic = "Basic dGVzdC1rZXk6d3Jvbmc="; // test-key:wrong
    let cases: &[(&str, Option<&str>, u16, &str)] = &[
        ("v3", Some(BEARER), 200, "pong"),
        ("v3", Some("bearer test-token"), 200, "pong"),
        ("v3", None, 401, "Missing API Token."),
        ("v3", Some(BASIC), 401, "Missing API Token."),
        ("v3", Some("Bearer"), 401, "Missing API Token."),
        ("v3", Some("Token test-token"), 401, "Missing API Token."),
        ("v3", Some("Bearer wrong"), 401, "Unauthenticated."),
        ("v2", Some(BASIC), 200, "pong"),
        ("v2", Some(BEARER), 200, "pong"),
        ("v2", None, 401, "Unauthenticated."),
        ("v2", Some(wrong_basic), 401, "Unauthenticated."),
        ("v2", Some("Basic !!!"), 401, "Unauthenticated."),
        ("v2", Some("Bearer wrong"), 401, "Unauthenticated."),
    ];
    for (version, authorization, status, message) in cases {
        let response = call(
            &emulator,
            "GET",
            &format!("/api/{version}/ping"),
            *authorization,
            None,
        );
        assert_eq!(
            response.status,
            *status,
            "{version} with {authorization:?}: {}",
            response.text()
        );
        assert_eq!(
            response.json()["message"],
            *message,
            "{version} {authorization:?}"
        );
    }
}

#[test]
fn authentication_applies_to_every_endpoint() {
    let emulator = start(config());
    for path in [
        "/servers/1/webapps/1",
        "/servers/1/webapps/1/domains",
        "/servers/1/webapps/1/ssl",
        "/servers/9/webapps/9/domains",
    ] {
        let response = call(&emulator, "GET", &format!("/api/v3{path}"), None, None);
        assert_eq!(response.status, 401, "{path}");
        let response = call(&emulator, "GET", &format!("/api/v2{path}"), None, None);
        assert_eq!(response.status, 401, "{path}");
        assert_eq!(response.header("WWW-Authenticate"), Some("Basic"));
    }
}

#[test]
fn without_configured_credentials_nothing_is_accepted() {
    let emulator = start(EmulatorConfig::default());
    assert_eq!(
        call(
            &emulator,
            "GET",
            "/api/v3/ping",
            Some("Bearer anything"),
            None
        )
        .status,
        401
    );
    assert_eq!(
        call(&emulator, "GET", "/api/v2/ping", Some("Basic Og=="), None).status,
        401
    );
}

#[test]
fn token_only_configuration_still_serves_v2_with_bearer() {
    let emulator = start(EmulatorConfig {
        token: Some("only-token".into()),
        ..EmulatorConfig::default()
    });
    let response = call(
        &emulator,
        "GET",
        "/api/v2/ping",
        Some("Bearer only-token"),
        None,
    );
    assert_eq!(response.status, 200);
    let response = call(&emulator, "GET", "/api/v2/ping", Some(BASIC), None);
    assert_eq!(response.status, 401);
}

#[test]
fn unknown_routes_are_404_and_wrong_methods_405() {
    let emulator = start(config());
    for path in [
        "/api/v4/ping",
        "/api/ping",
        "/api",
        "/nowhere",
        "/api/v3/pings",
        "/api/v3/ping/",
        "/api/v3/servers/1/webapps/1/nothing",
        "/api/v3/servers/1/webapps",
        "/api/v3/servers/1/webapps/1/domains/1/meta/x",
    ] {
        let response = call(&emulator, "GET", path, Some(BEARER), None);
        assert_eq!(response.status, 404, "{path}: {}", response.text());
        assert!(response.json()["message"].is_string(), "{path}");
    }
    // Routing comes before authentication, as in Laravel.
    assert_eq!(
        call(&emulator, "GET", "/api/v3/nothing", None, None).status,
        404
    );
    assert_eq!(
        call(&emulator, "POST", "/api/v3/ping", None, None).status,
        405
    );
    assert_eq!(
        call(&emulator, "GET", "/api/v3/servers/x/webapps/1", None, None).status,
        401
    );
    let response = v3(&emulator, "POST", "/ping", None);
    assert_eq!(response.status, 405);
    assert_eq!(response.header("Allow"), Some("GET"));
    let response = v3(&emulator, "DELETE", "/servers/1/webapps/1/domains", None);
    assert_eq!(response.status, 405);
    assert_eq!(response.header("Allow"), Some("GET, POST"));
}

#[test]
fn authorization_header_is_never_recorded() {
    let emulator = start(config());
    v3(&emulator, "GET", "/ping", None);
    let log = control(&emulator, "GET", "/requests", None);
    assert_eq!(log.status, 200);
    assert!(!log.text().contains("test-token"));
    assert_eq!(
        log.json(),
        json!({"requests": [{"method": "GET", "path": "/api/v3/ping", "query": "", "body": "", "status": 200}]})
    );
}

//! Each fault kind, through the library API and the control plane.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

const DOMAINS: &str = "/api/v3/servers/1/webapps/1/domains";

#[test]
fn status_fault_with_body_and_headers_then_normal_again() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"method": "GET", "path": "/api/v3/servers/*/webapps/*/domains", "times": 2,
                          "status": 503, "body": "{\"message\":\"down\"}", "headers": {"Retry-After": "1"}}))
        .expect("valid rule");
    for _ in 0..2 {
        let response = call(&emulator, "GET", DOMAINS, Some(BEARER), None);
        assert_eq!(response.status, 503);
        assert_eq!(response.json(), json!({"message": "down"}));
        assert_eq!(response.header("Retry-After"), Some("1"));
    }
    assert_eq!(
        call(&emulator, "GET", DOMAINS, Some(BEARER), None).status,
        200
    );
    // Faulted requests are recorded like any other, with the status they were answered.
    let statuses: Vec<Option<u16>> = emulator.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(503), Some(503), Some(200)]);
}

#[test]
fn method_filter_and_default_body() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"method": "POST", "path": DOMAINS, "status": 500}))
        .expect("valid rule");
    assert_eq!(
        call(&emulator, "GET", DOMAINS, Some(BEARER), None).status,
        200
    );
    let response = call(
        &emulator,
        "POST",
        DOMAINS,
        Some(BEARER),
        Some(new_domain("a.example.com")),
    );
    assert_eq!(response.status, 500);
    assert_eq!(response.json()["message"], "Internal Server Error");
    assert!(
        emulator.domain_names(1, 1).is_empty(),
        "a status fault never reaches the API"
    );
}

#[test]
fn html_error_page() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": "/api/v3/ping", "html": true, "status": 502}))
        .expect("valid rule");
    let response = call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None);
    assert_eq!(response.status, 502);
    assert!(response
        .header("Content-Type")
        .is_some_and(|value| value.starts_with("text/html")));
    assert!(response.text().contains("<html>"));
}

#[test]
fn delay_then_normal_answer() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": "/api/v3/ping", "delay_ms": 300}))
        .expect("valid rule");
    let started = Instant::now();
    let response = call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status, 200);
}

#[test]
fn dropped_connection_after_the_request_took_effect() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"method": "POST", "path": DOMAINS, "drop": true}))
        .expect("valid rule");
    let body = new_domain("dropped.example.com").to_string();
    let outcome = Connection::open(&emulator).request(
        "POST",
        DOMAINS,
        Some(BEARER),
        Some(("application/json", body.as_bytes())),
    );
    assert!(
        matches!(outcome, Err(ResponseError::ClosedBeforeResponse)),
        "{outcome:?}"
    );
    assert_eq!(emulator.domain_names(1, 1), vec!["dropped.example.com"]);
    // No answer was sent, so none is recorded.
    assert_eq!(emulator.requests()[0].status, None);
}

#[test]
fn dropped_connection_before_processing() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"method": "POST", "path": DOMAINS, "drop": true, "process": false}))
        .expect("valid rule");
    let body = new_domain("never.example.com").to_string();
    let outcome = Connection::open(&emulator).request(
        "POST",
        DOMAINS,
        Some(BEARER),
        Some(("application/json", body.as_bytes())),
    );
    assert!(matches!(outcome, Err(ResponseError::ClosedBeforeResponse)));
    assert!(emulator.domain_names(1, 1).is_empty());
}

#[test]
fn truncated_body() {
    let emulator = start(config());
    emulator.seed(1, 1, 5).expect("seed");
    emulator
        .add_fault(json!({"path": DOMAINS, "truncate": true}))
        .expect("valid rule");
    let outcome = Connection::open(&emulator).request("GET", DOMAINS, Some(BEARER), None);
    match outcome {
        Err(ResponseError::TruncatedBody {
            received,
            announced,
        }) => {
            assert!(
                received < announced && received > 0,
                "{received} of {announced}"
            );
        }
        other => panic!("expected a truncated body, got {other:?}"),
    }
}

#[test]
fn malformed_json_keeps_status() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": "/api/v3/ping", "malformed_json": true}))
        .expect("valid rule");
    let response = call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("Content-Type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&response.body).is_err());
}

#[test]
fn redirect_to_another_host_keeps_path_and_query() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": DOMAINS, "redirect_to": "http://elsewhere.test:8080"}))
        .expect("valid rule");
    let response = call(
        &emulator,
        "GET",
        &format!("{DOMAINS}?page=2"),
        Some(BEARER),
        None,
    );
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("Location"),
        Some("http://elsewhere.test:8080/api/v3/servers/1/webapps/1/domains?page=2")
    );
}

#[test]
fn first_matching_rule_wins_and_wildcards_match_one_segment() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": "/api/*/ping", "status": 418}))
        .expect("valid rule");
    emulator
        .add_fault(json!({"path": "/api/v3/ping", "status": 500}))
        .expect("valid rule");
    assert_eq!(
        call(&emulator, "GET", "/api/v2/ping", Some(BASIC), None).status,
        418
    );
    assert_eq!(
        call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None).status,
        500
    );
    assert_eq!(
        call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None).status,
        200
    );
}

#[test]
fn faults_through_the_control_plane() {
    let emulator = start(config());
    let response = control(
        &emulator,
        "POST",
        "/faults",
        Some(json!({"method": "GET", "path": "/api/v3/ping", "times": 2, "status": 503})),
    );
    assert_eq!(response.status, 200);
    let pending = control(&emulator, "GET", "/faults", None).json();
    assert_eq!(pending["faults"][0]["remaining"], 2);
    assert_eq!(
        call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None).status,
        503
    );
    assert_eq!(control(&emulator, "DELETE", "/faults", None).status, 200);
    assert_eq!(
        call(&emulator, "GET", "/api/v3/ping", Some(BEARER), None).status,
        200
    );

    for bad in [json!({"path": "/x"}), json!({"status": 500}), json!("nope")] {
        let response = control(&emulator, "POST", "/faults", Some(bad.clone()));
        assert_eq!(response.status, 400, "{bad}");
        assert!(response.json()["error"].is_string());
    }
    assert!(emulator
        .add_fault(json!({"path": "/x", "drop": true, "html": true}))
        .is_err());
}

#[test]
fn control_plane_is_never_faulted() {
    let emulator = start(config());
    emulator
        .add_fault(json!({"path": "/__emulator/state", "status": 500}))
        .expect("valid rule");
    assert_eq!(control(&emulator, "GET", "/state", None).status, 200);
}

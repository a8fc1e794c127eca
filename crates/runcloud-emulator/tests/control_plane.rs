//! The control plane over HTTP and its library twins.

mod common;

use common::*;
use runcloud_emulator::{EmulatorConfig, SslMode};
use serde_json::json;

#[test]
fn state_matches_the_library_and_lists_apps() {
    let emulator = start(EmulatorConfig {
        apps: vec![(2, 5), (1, 1)],
        seed_domains: 2,
        ..config()
    });
    let state = control(&emulator, "GET", "/state", None).json();
    assert_eq!(state, emulator.state());
    let apps = state["apps"].as_array().expect("apps");
    assert_eq!(apps.len(), 2);
    assert_eq!(
        (apps[0]["server_id"].clone(), apps[0]["app_id"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(apps[1]["name"], "app-2-5");
    assert_eq!(apps[1]["domains"][1]["name"], "site-2.example.test");
    assert_eq!(apps[1]["ssl"]["basic"], serde_json::Value::Null);
    assert_eq!(
        apps[1]["ssl"]["advanced"],
        json!({"advancedSSL": false, "autoSSL": false})
    );
    assert_eq!(apps[1]["ssl"]["domains"], json!({}));
}

#[test]
fn request_log_records_api_calls_only() {
    let emulator = start(config());
    v3(
        &emulator,
        "POST",
        "/servers/1/webapps/1/domains",
        Some(new_domain("a.example.com")),
    );
    call(
        &emulator,
        "GET",
        "/api/v2/servers/1/webapps/1/domains?page=1&perPage=40",
        Some(BASIC),
        None,
    );
    control(&emulator, "GET", "/state", None);
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].body, new_domain("a.example.com").to_string());
    assert_eq!(requests[1].query, "page=1&perPage=40");
    assert_eq!(requests[0].status, Some(200));
    let logged = control(&emulator, "GET", "/requests", None).json();
    assert_eq!(logged["requests"][1]["query"], "page=1&perPage=40");
    assert_eq!(logged["requests"][1]["status"], 200);
    // An unauthenticated call is recorded with its refusal.
    call(&emulator, "GET", "/api/v3/ping", None, None);
    assert_eq!(emulator.requests()[2].status, Some(401));
    assert_eq!(control(&emulator, "DELETE", "/requests", None).status, 200);
    assert!(emulator.requests().is_empty());
    v3(&emulator, "GET", "/ping", None);
    emulator.clear_requests();
    assert!(emulator.requests().is_empty());
}

#[test]
fn seed_creates_apps_and_continues_names() {
    let emulator = start(EmulatorConfig {
        seed_domains: 2,
        ..config()
    });
    let response = control(
        &emulator,
        "POST",
        "/seed",
        Some(json!({"server_id": 1, "app_id": 1, "count": 3})),
    );
    assert_eq!(response.status, 200);
    assert_eq!(emulator.domain_names(1, 1).len(), 5);
    assert_eq!(emulator.domain_names(1, 1)[4], "site-5.example.test");
    let response = control(
        &emulator,
        "POST",
        "/seed",
        Some(json!({"server_id": 7, "app_id": 9, "count": 1000})),
    );
    assert_eq!(response.status, 200);
    assert_eq!(emulator.domain_names(7, 9).len(), 1000);
    assert_eq!(
        v3(&emulator, "GET", "/servers/7/webapps/9", None).status,
        200
    );
    for bad in [
        json!({"server_id": 0, "app_id": 1, "count": 1}),
        json!({"count": 1}),
        json!([]),
    ] {
        assert_eq!(control(&emulator, "POST", "/seed", Some(bad)).status, 400);
    }
    assert!(emulator.seed(0, 1, 1).is_err());
}

#[test]
fn reset_restores_the_initial_state() {
    let emulator = start(EmulatorConfig {
        seed_domains: 1,
        ssl: SslMode::LetsEncrypt,
        ..config()
    });
    let initial = emulator.state();
    v3(
        &emulator,
        "POST",
        "/servers/1/webapps/1/domains",
        Some(new_domain("b.example.com")),
    );
    emulator.seed(4, 4, 2).expect("seed");
    emulator
        .add_fault(json!({"path": "/api/v3/ping", "status": 500}))
        .expect("rule");
    assert_eq!(control(&emulator, "POST", "/reset", None).status, 200);
    let state = emulator.state();
    assert_eq!(state["apps"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        state["apps"][0]["domains"][0]["id"],
        initial["apps"][0]["domains"][0]["id"]
    );
    assert_eq!(emulator.domain_names(1, 1), vec!["site-1.example.test"]);
    assert!(emulator.requests().is_empty());
    assert_eq!(
        v3(&emulator, "GET", "/ping", None).status,
        200,
        "faults are cleared"
    );
    emulator.reset();
    assert!(emulator.requests().is_empty());
}

#[test]
fn connections_are_counted() {
    let emulator = start(config());
    let before = control(&emulator, "GET", "/connections", None).json()["accepted"]
        .as_u64()
        .expect("accepted");
    assert_eq!(before, 1);
    v3(&emulator, "GET", "/ping", None);
    assert_eq!(emulator.connections_accepted(), 2);
}

#[test]
fn unknown_control_route_is_404() {
    let emulator = start(config());
    assert_eq!(control(&emulator, "GET", "/nothing", None).status, 404);
    assert_eq!(control(&emulator, "POST", "/state", None).status, 404);
}

#[test]
fn state_file_follows_every_change() {
    let directory =
        std::env::temp_dir().join(format!("runcloud-emulator-state-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let path = directory.join("state.json");
    let emulator = start(EmulatorConfig {
        state_file: Some(path.clone()),
        ..config()
    });
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state file")).expect("json")
    };
    assert_eq!(read(), emulator.state());
    v3(
        &emulator,
        "POST",
        "/servers/1/webapps/1/domains",
        Some(new_domain("c.example.com")),
    );
    assert_eq!(read()["apps"][0]["domains"][0]["name"], "c.example.com");
    emulator.reset();
    assert_eq!(read()["apps"][0]["domains"], json!([]));
    drop(emulator);
    let _ = std::fs::remove_dir_all(&directory);
}

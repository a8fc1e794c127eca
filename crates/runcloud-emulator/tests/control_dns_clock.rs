//! The control plane's DNS table and emulator clock, and what reset does to them.

mod common;

use common::*;
use runcloud_emulator::{EmulatorConfig, SslMode};
use serde_json::{json, Value};

/// A control-plane POST with a raw body (for bodies that are not JSON).
fn control_raw(emulator: &runcloud_emulator::Emulator, path: &str, body: &[u8]) -> HttpResponse {
    Connection::open(emulator)
        .request(
            "POST",
            &format!("/__emulator{path}"),
            None,
            Some(("application/json", body)),
        )
        .expect("a response")
}

fn error_of(response: &HttpResponse) -> String {
    response.json()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {}", response.text()))
        .to_string()
}

#[test]
fn dns_names_are_set_normalised_and_listed() {
    let emulator = start(config());
    assert_eq!(
        control(&emulator, "GET", "/dns", None).json(),
        json!({"names": {}})
    );
    let response = control(
        &emulator,
        "POST",
        "/dns",
        Some(json!({"name": "Shop.Example.COM.", "points_here": false})),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.json(),
        json!({"names": {"shop.example.com": false}})
    );
    // `www.<name>` and a wildcard are names of their own; true is listed once set.
    for (name, points_here) in [("www.shop.example.com", true), ("*.example.org", false)] {
        let response = control(
            &emulator,
            "POST",
            "/dns",
            Some(json!({"name": name, "points_here": points_here})),
        );
        assert_eq!(response.status, 200, "{}", response.text());
    }
    emulator
        .set_dns("xn--mnchen-3ya.de", false)
        .expect("the library twin");
    let expected = json!({
        "*.example.org": false,
        "shop.example.com": false,
        "www.shop.example.com": true,
        "xn--mnchen-3ya.de": false,
    });
    assert_eq!(
        control(&emulator, "GET", "/dns", None).json(),
        json!({ "names": expected })
    );
    assert_eq!(emulator.state()["dns"], expected);
    // Setting a name again replaces its value.
    emulator.set_dns("shop.example.com", true).expect("valid");
    assert_eq!(
        control(&emulator, "GET", "/dns", None).json()["names"]["shop.example.com"],
        true
    );
}

#[test]
fn dns_bodies_that_cannot_be_used_are_refused_clearly() {
    let emulator = start(config());
    for (body, status, needle) in [
        (&b"name=shop.example.com"[..], 400, "not JSON"),
        (&b"[]"[..], 400, "JSON object"),
        (&b""[..], 400, "not JSON"),
    ] {
        let response = control_raw(&emulator, "/dns", body);
        assert_eq!(response.status, status, "{}", response.text());
        assert!(error_of(&response).contains(needle), "{}", response.text());
    }
    for (body, needle) in [
        (json!({"points_here": false}), "\"name\" is required"),
        (
            json!({"name": 7, "points_here": false}),
            "\"name\" must be a string",
        ),
        (
            json!({"name": "not a name", "points_here": false}),
            "not a valid domain name",
        ),
        (
            json!({"name": "localhost", "points_here": false}),
            "not a valid domain name",
        ),
        (
            json!({"name": "münchen.de", "points_here": false}),
            "punycode",
        ),
        (
            json!({"name": "shop.example.com", "points_here": true, "extra": 1}),
            "unknown field \"extra\"",
        ),
        (
            json!({"name": "shop.example.com"}),
            "\"points_here\" is required",
        ),
        (
            json!({"name": "shop.example.com", "points_here": "no"}),
            "\"points_here\" must be true or false",
        ),
    ] {
        let response = control(&emulator, "POST", "/dns", Some(body.clone()));
        assert_eq!(response.status, 422, "{body}: {}", response.text());
        assert!(
            error_of(&response).contains(needle),
            "{body}: {}",
            response.text()
        );
    }
    assert!(emulator.set_dns("bad name", false).is_err());
    assert_eq!(
        control(&emulator, "GET", "/dns", None).json(),
        json!({"names": {}}),
        "nothing refused was stored"
    );
    assert_eq!(control(&emulator, "DELETE", "/dns", None).status, 404);
}

fn unix(clock: &Value) -> u64 {
    clock["unix"].as_u64().expect("unix")
}

#[test]
fn the_clock_moves_forward_on_request_only() {
    let emulator = start(config());
    let before = control(&emulator, "GET", "/clock", None).json();
    assert_eq!(before["offset_seconds"], 0);
    assert!(before["now"].as_str().is_some_and(|now| now.len() == 19));
    let week = 7 * 86_400;
    let response = control(
        &emulator,
        "POST",
        "/clock",
        Some(json!({"advance_seconds": week})),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    let after = response.json();
    assert_eq!(after["offset_seconds"], week);
    assert!(unix(&after) >= unix(&before) + week);
    assert_eq!(
        control(&emulator, "GET", "/clock", None).json()["offset_seconds"],
        week
    );
    let twin = emulator.advance_clock(60).expect("the library twin");
    assert_eq!(twin["offset_seconds"], week + 60);

    for (body, needle) in [
        (json!({}), "\"advance_seconds\" is required"),
        (json!({"advance_seconds": -1}), "non-negative integer"),
        (json!({"advance_seconds": "60"}), "non-negative integer"),
        (json!({"advance_seconds": 1.5}), "non-negative integer"),
        (json!({"advance_seconds": 10_000_000_000_u64}), "at most"),
    ] {
        let response = control(&emulator, "POST", "/clock", Some(body.clone()));
        assert_eq!(response.status, 422, "{body}: {}", response.text());
        assert!(
            error_of(&response).contains(needle),
            "{body}: {}",
            response.text()
        );
    }
    assert_eq!(control_raw(&emulator, "/clock", b"soon").status, 400);
    assert_eq!(
        control(&emulator, "GET", "/clock", None).json()["offset_seconds"],
        week + 60,
        "refused requests leave the clock alone"
    );
}

#[test]
fn reset_clears_dns_clock_and_issuance_history() {
    let emulator = start(EmulatorConfig {
        ssl: SslMode::LetsEncrypt,
        seed_domains: 1,
        ..config()
    });
    let id = v3(&emulator, "GET", "/servers/1/webapps/1/ssl", None).json()["id"]
        .as_u64()
        .expect("id");
    let redeploy = format!("/servers/1/webapps/1/ssl/{id}");
    assert_eq!(v3(&emulator, "PUT", &redeploy, None).status, 200);
    emulator
        .set_dns("site-1.example.test", false)
        .expect("valid");
    assert_eq!(v3(&emulator, "PUT", &redeploy, None).status, 422);
    emulator.advance_clock(3_600).expect("advance");
    let issuance = emulator.state()["issuance"].clone();
    assert_eq!(
        (
            issuance["issued_count"].clone(),
            issuance["failed_count"].clone()
        ),
        (json!(1), json!(1))
    );

    assert_eq!(control(&emulator, "POST", "/reset", None).status, 200);
    let state = emulator.state();
    assert_eq!(state["dns"], json!({}));
    assert_eq!(
        state["issuance"],
        json!({"issued_count": 0, "failed_count": 0, "issued": [], "failed": []})
    );
    assert_eq!(
        control(&emulator, "GET", "/dns", None).json(),
        json!({"names": {}})
    );
    assert_eq!(
        control(&emulator, "GET", "/clock", None).json()["offset_seconds"],
        0
    );
    // The name points here again: the redeploy goes through.
    assert_eq!(v3(&emulator, "PUT", &redeploy, None).status, 200);
}

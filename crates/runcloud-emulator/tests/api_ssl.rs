//! Basic (web app) and advanced (per-domain) SSL.

mod common;

use common::*;
use runcloud_emulator::{EmulatorConfig, SslMode};
use serde_json::{json, Value};

const APP: &str = "/servers/1/webapps/1";

fn with_ssl(ssl: SslMode, seed_domains: usize) -> runcloud_emulator::Emulator {
    start(EmulatorConfig {
        ssl,
        seed_domains,
        ..config()
    })
}

fn letsencrypt_install() -> Value {
    json!({"provider": "letsencrypt", "enableHttp": false, "enableHsts": false, "ssl_protocol_id": 2,
           "authorizationMethod": "http-01", "externalApi": null, "environment": "live"})
}

fn basic_state(emulator: &runcloud_emulator::Emulator) -> Value {
    emulator.state()["apps"][0]["ssl"]["basic"].clone()
}

#[test]
fn no_certificate_is_ssl_not_installed() {
    let emulator = with_ssl(SslMode::None, 1);
    for response in [
        v3(&emulator, "GET", &format!("{APP}/ssl"), None),
        v2(&emulator, "GET", &format!("{APP}/ssl"), None),
    ] {
        assert_eq!(response.status, 404);
        assert_eq!(response.json(), json!({"message": "SSL not installed!"}));
    }
    assert_eq!(basic_state(&emulator), Value::Null);
}

#[test]
fn install_redeploy_update_delete_letsencrypt() {
    let emulator = with_ssl(SslMode::None, 2);
    let installed = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(letsencrypt_install()),
    );
    assert_eq!(installed.status, 200, "{}", installed.text());
    let certificate = installed.json();
    assert_eq!(certificate["method"], "letsencrypt");
    for field in [
        "id",
        "method_humanize",
        "enableHttp",
        "enableHsts",
        "authorizationMethod",
        "staging",
        "api_id",
        "ssl_protocol_id",
        "validUntil",
        "renewal_date",
        "created_at",
    ] {
        assert!(certificate.get(field).is_some(), "missing {field}");
    }
    let id = certificate["id"].as_u64().expect("id");
    assert_eq!(
        basic_state(&emulator)["covered_domains"],
        json!(["site-1.example.test", "site-2.example.test"])
    );
    assert_eq!(
        v2(&emulator, "GET", &format!("{APP}/ssl"), None).json(),
        certificate
    );
    let second = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(letsencrypt_install()),
    );
    assert_eq!(second.status, 422);

    v3(
        &emulator,
        "POST",
        &format!("{APP}/domains"),
        Some(new_domain("new.example.com")),
    );
    assert_eq!(
        basic_state(&emulator)["covered_domains"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let redeployed = v3(&emulator, "PUT", &format!("{APP}/ssl/{id}"), None);
    assert_eq!(redeployed.status, 200, "{}", redeployed.text());
    let state = basic_state(&emulator);
    assert_eq!(state["redeploy_count"], 1);
    assert_eq!(
        state["covered_domains"],
        json!([
            "site-1.example.test",
            "site-2.example.test",
            "new.example.com"
        ])
    );
    assert_eq!(
        v3(&emulator, "PUT", &format!("{APP}/ssl/{}", id + 1), None).status,
        404
    );
    assert_eq!(
        v3(&emulator, "PUT", &format!("{APP}/ssl/abc"), None).status,
        404
    );

    let updated = v2(
        &emulator,
        "PATCH",
        &format!("{APP}/ssl/{id}"),
        Some(json!({"enableHsts": true})),
    );
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["enableHsts"], true);
    let bad = v2(
        &emulator,
        "PATCH",
        &format!("{APP}/ssl/{id}"),
        Some(json!({"enableHsts": "maybe"})),
    );
    assert_eq!(bad.status, 422);

    let deleted = v3(&emulator, "DELETE", &format!("{APP}/ssl/{id}"), None);
    assert_eq!(deleted.status, 200);
    assert_eq!(
        v3(&emulator, "GET", &format!("{APP}/ssl"), None).status,
        404
    );
    assert_eq!(
        v3(&emulator, "DELETE", &format!("{APP}/ssl/{id}"), None).status,
        404
    );
}

#[test]
fn initial_letsencrypt_covers_seeded_domains() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 3);
    let certificate = v3(&emulator, "GET", &format!("{APP}/ssl"), None);
    assert_eq!(certificate.status, 200);
    assert_eq!(
        basic_state(&emulator)["covered_domains"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(basic_state(&emulator)["redeploy_count"], 0);
}

#[test]
fn install_validation_and_preconditions() {
    let emulator = with_ssl(SslMode::None, 0);
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(json!({"provider": "acme"})),
    );
    assert_eq!(response.status, 422);
    assert!(response.json()["errors"]["provider"].is_array());
    let response = v3(&emulator, "POST", &format!("{APP}/ssl"), Some(json!({})));
    assert_eq!(response.status, 422);
    // Let's Encrypt needs at least one domain [assumed].
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(letsencrypt_install()),
    );
    assert_eq!(response.status, 422);
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(json!({"provider": "custom"})),
    );
    assert_eq!(response.status, 422);
    let errors = response.json()["errors"].clone();
    assert!(errors["privateKey"].is_array() && errors["certificate"].is_array());
}

#[test]
fn custom_certificates_cannot_be_redeployed() {
    let emulator = with_ssl(SslMode::Custom, 1);
    let certificate = v3(&emulator, "GET", &format!("{APP}/ssl"), None).json();
    assert_eq!(certificate["method"], "custom");
    let id = certificate["id"].as_u64().expect("id");
    let response = v3(&emulator, "PUT", &format!("{APP}/ssl/{id}"), None);
    assert_eq!(response.status, 422);
    assert_eq!(basic_state(&emulator)["redeploy_count"], 0);
}

#[test]
fn advanced_mode_get_and_switch() {
    let emulator = with_ssl(SslMode::None, 1);
    let path = format!("{APP}/ssl/advanced");
    assert_eq!(
        v3(&emulator, "GET", &path, None).json(),
        json!({"advancedSSL": false, "autoSSL": false})
    );
    let response = v3(
        &emulator,
        "POST",
        &path,
        Some(json!({"advancedSSL": true, "autoSSL": false})),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        v2(&emulator, "GET", &path, None).json()["advancedSSL"],
        true
    );
    // No basic certificate while in advanced mode [assumed].
    assert_eq!(
        v3(
            &emulator,
            "POST",
            &format!("{APP}/ssl"),
            Some(letsencrypt_install())
        )
        .status,
        422
    );
    let response = v3(
        &emulator,
        "POST",
        &path,
        Some(json!({"advancedSSL": false, "autoSSL": true})),
    );
    assert_eq!(response.status, 422);
    let response = v3(&emulator, "POST", &path, Some(json!({"autoSSL": true})));
    assert_eq!(response.status, 422);

    // Turning autoSSL on issues the missing per-domain certificates.
    let response = v3(
        &emulator,
        "POST",
        &path,
        Some(json!({"advancedSSL": true, "autoSSL": true})),
    );
    assert_eq!(response.status, 200);
    let state = emulator.state();
    assert!(state["apps"][0]["ssl"]["domains"]["site-1.example.test"]["id"].is_u64());
}

#[test]
fn per_domain_certificates() {
    let emulator = with_ssl(SslMode::Advanced, 1);
    let domain = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains"),
        Some(new_domain("shop.example.com")),
    )
    .json();
    let domain_id = domain["id"].as_u64().expect("id");
    let ssl_path = format!("{APP}/domains/{domain_id}/ssl");
    assert_eq!(v3(&emulator, "GET", &ssl_path, None).status, 404);

    let install = json!({"advancedSSL": true, "autoSSL": false, "provider": "letsencrypt", "enableHttp": false,
                         "enableHsts": false, "authorizationMethod": "http-01", "environment": "live"});
    let response = v3(&emulator, "POST", &ssl_path, Some(install.clone()));
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json(), json!({}));
    assert_eq!(
        v3(&emulator, "POST", &ssl_path, Some(install.clone())).status,
        422
    );

    let certificate = v2(&emulator, "GET", &ssl_path, None);
    assert_eq!(certificate.status, 200);
    let certificate_id = certificate.json()["id"].as_u64().expect("id");
    let redeploy = v3(
        &emulator,
        "PUT",
        &format!("{ssl_path}/{certificate_id}"),
        None,
    );
    assert_eq!((redeploy.status, redeploy.json()), (200, json!({})));
    let state = emulator.state();
    let domain_certificate = &state["apps"][0]["ssl"]["domains"]["shop.example.com"];
    assert_eq!(domain_certificate["redeploy_count"], 1);
    assert_eq!(domain_certificate["domain_id"], domain_id);

    let patch = v3(
        &emulator,
        "PATCH",
        &format!("{ssl_path}/{certificate_id}"),
        Some(json!({"enableHttp": true})),
    );
    assert_eq!((patch.status, patch.json()), (200, json!({})));
    assert_eq!(
        v3(
            &emulator,
            "PUT",
            &format!("{ssl_path}/{}", certificate_id + 7),
            None
        )
        .status,
        404
    );
    let delete = v3(
        &emulator,
        "DELETE",
        &format!("{ssl_path}/{certificate_id}"),
        None,
    );
    assert_eq!((delete.status, delete.json()), (200, json!({})));
    assert_eq!(v3(&emulator, "GET", &ssl_path, None).status, 404);
    assert_eq!(
        v3(
            &emulator,
            "POST",
            &format!("{APP}/domains/999/ssl"),
            Some(install)
        )
        .status,
        404
    );
}

#[test]
fn per_domain_install_needs_advanced_mode() {
    let emulator = with_ssl(SslMode::None, 1);
    let domain_id = emulator.state()["apps"][0]["domains"][0]["id"]
        .as_u64()
        .expect("id");
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains/{domain_id}/ssl"),
        Some(json!({"provider": "letsencrypt"})),
    );
    assert_eq!(response.status, 422);
}

#[test]
fn auto_ssl_issues_certificates_for_new_domains() {
    let emulator = with_ssl(SslMode::AdvancedAuto, 2);
    let state = emulator.state();
    assert_eq!(
        state["apps"][0]["ssl"]["advanced"],
        json!({"advancedSSL": true, "autoSSL": true})
    );
    assert_eq!(
        state["apps"][0]["ssl"]["domains"]
            .as_object()
            .map(|m| m.len()),
        Some(2)
    );
    v3(
        &emulator,
        "POST",
        &format!("{APP}/domains"),
        Some(new_domain("auto.example.com")),
    );
    assert!(emulator.state()["apps"][0]["ssl"]["domains"]["auto.example.com"].is_object());
    // Deleting the domain removes its certificate too.
    let id = emulator.state()["apps"][0]["domains"][2]["id"]
        .as_u64()
        .expect("id");
    v3(&emulator, "DELETE", &format!("{APP}/domains/{id}"), None);
    assert!(emulator.state()["apps"][0]["ssl"]["domains"]
        .get("auto.example.com")
        .is_none());
}

#[test]
fn per_domain_patch_takes_the_documented_mode_body() {
    let emulator = with_ssl(SslMode::Advanced, 2);
    let state = emulator.state();
    let domain_id = state["apps"][0]["domains"][0]["id"].as_u64().expect("id");
    let ssl_path = format!("{APP}/domains/{domain_id}/ssl");
    let install = json!({"advancedSSL": true, "autoSSL": false, "provider": "letsencrypt"});
    assert_eq!(v3(&emulator, "POST", &ssl_path, Some(install)).status, 200);
    let certificate_id = v3(&emulator, "GET", &ssl_path, None).json()["id"]
        .as_u64()
        .expect("id");
    let patch_path = format!("{ssl_path}/{certificate_id}");
    let mode = || v3(&emulator, "GET", &format!("{APP}/ssl/advanced"), None).json();

    // The documented request [doc], over v3 and v2.
    let documented = json!({"advancedSSL": true, "autoSSL": false});
    for response in [
        v3(&emulator, "PATCH", &patch_path, Some(documented.clone())),
        v2(&emulator, "PATCH", &patch_path, Some(documented)),
    ] {
        assert_eq!((response.status, response.json()), (200, json!({})));
    }
    assert_eq!(mode(), json!({"advancedSSL": true, "autoSSL": false}));

    // Form-encoded, truthy spellings: autoSSL on issues the other domain's certificate.
    let form = |body: &str| {
        Connection::open(&emulator)
            .request(
                "PATCH",
                &format!("/api/v3{patch_path}"),
                Some(BEARER),
                Some(("application/x-www-form-urlencoded", body.as_bytes())),
            )
            .expect("a response")
    };
    let response = form("advancedSSL=1&autoSSL=true");
    assert_eq!((response.status, response.json()), (200, json!({})));
    assert_eq!(mode(), json!({"advancedSSL": true, "autoSSL": true}));
    assert!(emulator.state()["apps"][0]["ssl"]["domains"]["site-2.example.test"].is_object());
    let response = form("autoSSL=0");
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(mode()["autoSSL"], false);

    // An empty body, and the settings this route took before, still pass.
    assert_eq!(v3(&emulator, "PATCH", &patch_path, None).status, 200);
    let response = v3(
        &emulator,
        "PATCH",
        &patch_path,
        Some(json!({"enableHsts": true, "advancedSSL": "true"})),
    );
    assert_eq!((response.status, response.json()), (200, json!({})));
    assert_eq!(
        v3(&emulator, "GET", &ssl_path, None).json()["enableHsts"],
        true
    );

    // Not booleans, or leaving advanced mode while this certificate exists [assumed]: 422.
    let before = emulator.state();
    for body in [
        json!({"autoSSL": "maybe"}),
        json!({"advancedSSL": 2}),
        json!({"advancedSSL": false, "autoSSL": false}),
    ] {
        let response = v3(&emulator, "PATCH", &patch_path, Some(body.clone()));
        assert_eq!(response.status, 422, "{body}: {}", response.text());
        assert!(response.json()["message"].is_string());
    }
    assert_eq!(emulator.state(), before, "a refused PATCH changes nothing");
    assert_eq!(
        v3(
            &emulator,
            "PATCH",
            &format!("{ssl_path}/{}", certificate_id + 100),
            Some(json!({"advancedSSL": true, "autoSSL": false}))
        )
        .status,
        404
    );
}

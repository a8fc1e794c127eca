//! The SSL step of add_domain() and redeploy_ssl(), in every SSL mode of the emulator.

mod common;

use common::*;
use runcloud::api;
use runcloud_emulator::SslMode;

fn app_ssl(emu: &runcloud_emulator::Emulator) -> serde_json::Value {
    emu.state()["apps"][0]["ssl"].clone()
}

#[test]
fn letsencrypt_is_redeployed() {
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 1;
    });
    let cert_id = app_ssl(&emu)["basic"]["id"].as_u64().unwrap();
    let added = api::add_domain(&v3(&emu), b"le.example.com").unwrap();
    assert_eq!(added.ssl.action, "redeployed", "{:?}", added.ssl);
    assert_eq!(added.ssl.certificate_id, Some(cert_id));
    let basic = &app_ssl(&emu)["basic"];
    assert_eq!(basic["redeploy_count"], 1);
    assert!(basic["covered_domains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "le.example.com"));

    let again = api::redeploy_ssl(&v2(&emu)).unwrap();
    assert_eq!(again.action, "redeployed");
    assert_eq!(app_ssl(&emu)["basic"]["redeploy_count"], 2);
}

#[test]
fn no_certificate_is_none() {
    let emu = start(|c| c.ssl = SslMode::None);
    let added = api::add_domain(&v3(&emu), b"none.example.com").unwrap();
    assert_eq!(added.ssl.action, "none");
    assert_eq!(added.ssl.certificate_id, None);
}

#[test]
fn custom_certificate_is_skipped() {
    let emu = start(|c| {
        c.ssl = SslMode::Custom;
        c.seed_domains = 1;
    });
    let added = api::add_domain(&v3(&emu), b"custom.example.com").unwrap();
    assert_eq!(added.ssl.action, "skipped");
    assert!(added.ssl.message.unwrap().contains("custom"));
    assert!(!emu.requests().iter().any(|r| r.method == "PUT"));
    assert_eq!(api::redeploy_ssl(&v3(&emu)).unwrap().action, "skipped");
}

#[test]
fn advanced_mode_issues_per_domain() {
    let emu = start(|c| c.ssl = SslMode::Advanced);
    let added = api::add_domain(&v3(&emu), b"adv.example.com").unwrap();
    assert_eq!(added.ssl.action, "issued", "{:?}", added.ssl);
    let domains = &app_ssl(&emu)["domains"];
    assert!(domains.get("adv.example.com").is_some(), "{domains}");
    assert!(emu.requests().iter().any(|r| r.method == "POST"
        && r.path
            .ends_with(&format!("/domains/{}/ssl", added.domain.id))));
}

#[test]
fn advanced_auto_is_auto() {
    let emu = start(|c| c.ssl = SslMode::AdvancedAuto);
    let added = api::add_domain(&v3(&emu), b"auto.example.com").unwrap();
    assert_eq!(added.ssl.action, "auto");
    assert!(!emu
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path.contains("/ssl")));
}

#[test]
fn ssl_failure_after_add_does_not_throw() {
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 1;
    });
    emu.add_fault(serde_json::json!({"method":"PUT","path":"/api/v3/servers/*/webapps/*/ssl/*","status":500,"body":"{\"message\":\"Let's Encrypt said no\"}"}))
        .unwrap();
    let added = api::add_domain(&v3(&emu), b"fail.example.com").unwrap();
    assert!(added.created);
    assert_eq!(added.ssl.action, "failed");
    let msg = added.ssl.message.unwrap();
    assert!(
        msg.contains("PUT /servers/1/webapps/1/ssl/") && msg.contains("Let's Encrypt said no"),
        "{msg}"
    );
}

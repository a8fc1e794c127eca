//! Let's Encrypt issuance: DNS blocks the whole order, 100 names, 5 certificates per set per
//! week on the emulator clock, and a refusal changes nothing.

mod common;

use common::*;
use runcloud_emulator::{Emulator, EmulatorConfig, SslMode};
use serde_json::{json, Value};

const APP: &str = "/servers/1/webapps/1";
const WEEK: u64 = 7 * 86_400;

fn with_ssl(ssl: SslMode, seed_domains: usize) -> Emulator {
    start(EmulatorConfig {
        ssl,
        seed_domains,
        ..config()
    })
}

fn add_domain(emulator: &Emulator, name: &str, www: bool) -> u64 {
    let body = json!({"name": name, "www": www, "redirection": "none", "type": "alias"});
    let response = v3(emulator, "POST", &format!("{APP}/domains"), Some(body));
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["id"].as_u64().expect("id")
}

fn basic_certificate_id(emulator: &Emulator) -> u64 {
    v3(emulator, "GET", &format!("{APP}/ssl"), None).json()["id"]
        .as_u64()
        .expect("a basic certificate")
}

fn redeploy_basic(emulator: &Emulator) -> HttpResponse {
    let id = basic_certificate_id(emulator);
    v3(emulator, "PUT", &format!("{APP}/ssl/{id}"), None)
}

fn app_state(emulator: &Emulator) -> Value {
    emulator.state()["apps"][0].clone()
}

fn issuance(emulator: &Emulator) -> Value {
    emulator.state()["issuance"].clone()
}

fn set_dns(emulator: &Emulator, name: &str, points_here: bool) {
    let response = control(
        emulator,
        "POST",
        "/dns",
        Some(json!({"name": name, "points_here": points_here})),
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

/// A 422 whose `message` is the DNS problem for exactly `name`.
fn assert_dns_refusal(response: &HttpResponse, name: &str) {
    assert_eq!(response.status, 422, "{}", response.text());
    let body = response.json();
    let message = body["message"].as_str().expect("message");
    assert_eq!(
        message,
        format!(
            "Failed to issue the SSL certificate: Let's Encrypt could not validate {name}. DNS problem: {name} does not point to this server; check that its A/AAAA records resolve to the server's IP address."
        )
    );
}

fn letsencrypt_install() -> Value {
    json!({"provider": "letsencrypt", "enableHttp": false, "enableHsts": false, "ssl_protocol_id": 2,
           "authorizationMethod": "http-01", "externalApi": null, "environment": "live"})
}

fn per_domain_install() -> Value {
    json!({"advancedSSL": true, "autoSSL": false, "provider": "letsencrypt", "enableHttp": false,
           "enableHsts": false, "authorizationMethod": "http-01", "environment": "live"})
}

#[test]
fn basic_redeploy_is_blocked_by_the_first_name_not_pointing_here() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 2);
    add_domain(&emulator, "shop.example.com", false);
    add_domain(&emulator, "other.example.com", false);
    set_dns(&emulator, "other.example.com", false);
    set_dns(&emulator, "shop.example.com", false);

    let before = app_state(&emulator);
    let certificate_before = v3(&emulator, "GET", &format!("{APP}/ssl"), None).json();
    // shop.example.com comes first on the order (creation order), whatever order DNS was set in.
    assert_dns_refusal(&redeploy_basic(&emulator), "shop.example.com");
    assert_eq!(app_state(&emulator), before, "a refusal changes nothing");
    assert_eq!(
        v3(&emulator, "GET", &format!("{APP}/ssl"), None).json(),
        certificate_before
    );
    let log = issuance(&emulator);
    assert_eq!(
        (log["issued_count"].clone(), log["failed_count"].clone()),
        (json!(0), json!(1))
    );
    let failure = &log["failed"][0];
    assert_eq!(failure["reason"], "dns");
    assert_eq!(failure["name"], "shop.example.com");
    assert_eq!(failure["kind"], "basic");
    assert_eq!(failure["trigger"], "redeploy");
    assert_eq!(
        failure["names"],
        json!([
            "site-1.example.test",
            "site-2.example.test",
            "shop.example.com",
            "other.example.com"
        ])
    );

    set_dns(&emulator, "shop.example.com", true);
    assert_dns_refusal(&redeploy_basic(&emulator), "other.example.com");
    assert_eq!(app_state(&emulator), before);

    set_dns(&emulator, "other.example.com", true);
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 200, "{}", response.text());
    let basic = app_state(&emulator)["ssl"]["basic"].clone();
    assert_eq!(basic["redeploy_count"], 1);
    assert_eq!(
        basic["covered_domains"],
        json!([
            "site-1.example.test",
            "site-2.example.test",
            "shop.example.com",
            "other.example.com"
        ])
    );
    let log = issuance(&emulator);
    assert_eq!(
        (log["issued_count"].clone(), log["failed_count"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(log["issued"][0]["certificate_id"], basic["id"]);
    assert_eq!(log["issued"][0]["names"], basic["names"]);
}

#[test]
fn basic_install_is_blocked_too_and_a_refusal_is_in_the_state_file() {
    let directory =
        std::env::temp_dir().join(format!("runcloud-emulator-issuance-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    let path = directory.join("state.json");
    let emulator = start(EmulatorConfig {
        seed_domains: 1,
        state_file: Some(path.clone()),
        ..config()
    });
    emulator
        .set_dns("site-1.example.test", false)
        .expect("valid name");
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(letsencrypt_install()),
    );
    assert_dns_refusal(&response, "site-1.example.test");
    assert_eq!(
        v3(&emulator, "GET", &format!("{APP}/ssl"), None).status,
        404
    );
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state file")).expect("json");
    assert_eq!(file["issuance"]["failed_count"], 1);
    assert_eq!(file["issuance"]["failed"][0]["certificate_id"], Value::Null);
    assert_eq!(file["issuance"]["failed"][0]["trigger"], "install");

    // A custom certificate is uploaded, not issued: DNS does not matter.
    let custom = v3(
        &emulator,
        "POST",
        &format!("{APP}/ssl"),
        Some(json!({"provider": "custom", "privateKey": "KEY", "certificate": "CERT"})),
    );
    assert_eq!(custom.status, 200, "{}", custom.text());
    assert_eq!(issuance(&emulator)["issued_count"], 0);
    drop(emulator);
    let _ = std::fs::remove_dir_all(&directory);
}

#[test]
fn www_is_a_name_of_its_own() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 1);
    add_domain(&emulator, "with-www.example.com", true);
    add_domain(&emulator, "without-www.example.com", false);
    // The www name of a domain without www is not on the order.
    set_dns(&emulator, "www.without-www.example.com", false);
    assert_eq!(redeploy_basic(&emulator).status, 200);
    let basic = app_state(&emulator)["ssl"]["basic"].clone();
    assert_eq!(
        basic["names"],
        json!([
            "site-1.example.test",
            "with-www.example.com",
            "www.with-www.example.com",
            "without-www.example.com"
        ])
    );
    assert_eq!(
        basic["covered_domains"],
        json!([
            "site-1.example.test",
            "with-www.example.com",
            "without-www.example.com"
        ]),
        "covered_domains keeps listing domain records"
    );

    set_dns(&emulator, "www.with-www.example.com", false);
    assert_dns_refusal(&redeploy_basic(&emulator), "www.with-www.example.com");
    assert_eq!(app_state(&emulator)["ssl"]["basic"], basic);
}

#[test]
fn a_wildcard_record_is_validated_under_its_own_name() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 1);
    let body = json!({"name": "*.wild.example.com", "www": true, "redirection": "none",
                      "type": "alias", "wildcard": true});
    let response = v3(&emulator, "POST", &format!("{APP}/domains"), Some(body));
    assert_eq!(response.status, 200, "{}", response.text());
    set_dns(&emulator, "wild.example.com", false);
    assert_eq!(
        redeploy_basic(&emulator).status,
        200,
        "the bare name is not on the order"
    );
    assert_eq!(
        app_state(&emulator)["ssl"]["basic"]["names"],
        json!(["site-1.example.test", "*.wild.example.com"]),
        "no www name next to a wildcard"
    );
    set_dns(&emulator, "*.wild.example.com", false);
    assert_dns_refusal(&redeploy_basic(&emulator), "*.wild.example.com");
}

#[test]
fn a_per_domain_certificate_is_blocked_only_by_its_own_names() {
    let emulator = with_ssl(SslMode::Advanced, 0);
    let blocked = add_domain(&emulator, "blocked.example.com", true);
    let fine = add_domain(&emulator, "fine.example.com", false);
    set_dns(&emulator, "www.blocked.example.com", false);

    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains/{blocked}/ssl"),
        Some(per_domain_install()),
    );
    assert_dns_refusal(&response, "www.blocked.example.com");
    assert_eq!(
        v3(
            &emulator,
            "GET",
            &format!("{APP}/domains/{blocked}/ssl"),
            None
        )
        .status,
        404
    );
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains/{fine}/ssl"),
        Some(per_domain_install()),
    );
    assert_eq!((response.status, response.json()), (200, json!({})));
    let certificates = app_state(&emulator)["ssl"]["domains"].clone();
    assert_eq!(
        certificates["fine.example.com"]["names"],
        json!(["fine.example.com"])
    );
    assert!(certificates.get("blocked.example.com").is_none());

    // Redeploying the fine domain's certificate is blocked by its own name only.
    let certificate_id = certificates["fine.example.com"]["id"].as_u64().expect("id");
    let redeploy = format!("{APP}/domains/{fine}/ssl/{certificate_id}");
    assert_eq!(v3(&emulator, "PUT", &redeploy, None).status, 200);
    set_dns(&emulator, "fine.example.com", false);
    let before = app_state(&emulator);
    assert_dns_refusal(&v3(&emulator, "PUT", &redeploy, None), "fine.example.com");
    assert_eq!(app_state(&emulator), before);
    assert_eq!(
        before["ssl"]["domains"]["fine.example.com"]["redeploy_count"],
        1
    );

    set_dns(&emulator, "www.blocked.example.com", true);
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains/{blocked}/ssl"),
        Some(per_domain_install()),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        app_state(&emulator)["ssl"]["domains"]["blocked.example.com"]["names"],
        json!(["blocked.example.com", "www.blocked.example.com"])
    );
    let log = issuance(&emulator);
    assert_eq!(
        (log["issued_count"].clone(), log["failed_count"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(log["failed"][0]["kind"], "domain");
    assert_eq!(log["failed"][0]["domain_id"], blocked);
}

#[test]
fn auto_ssl_skips_a_domain_whose_name_does_not_point_here() {
    let emulator = with_ssl(SslMode::AdvancedAuto, 0);
    set_dns(&emulator, "later.example.com", false);
    let later = add_domain(&emulator, "later.example.com", false);
    add_domain(&emulator, "now.example.com", false);
    let certificates = app_state(&emulator)["ssl"]["domains"].clone();
    assert!(certificates.get("later.example.com").is_none());
    assert!(certificates["now.example.com"].is_object());
    let log = issuance(&emulator);
    assert_eq!(log["failed"][0]["trigger"], "auto");
    assert_eq!(log["issued"][0]["trigger"], "auto");

    set_dns(&emulator, "later.example.com", true);
    let response = v3(
        &emulator,
        "POST",
        &format!("{APP}/domains/{later}/ssl"),
        Some(per_domain_install()),
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

#[test]
fn a_certificate_holds_at_most_100_names() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 99);
    add_domain(&emulator, "hundredth.example.com", false);
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 200, "100 names: {}", response.text());
    assert_eq!(
        app_state(&emulator)["ssl"]["basic"]["names"]
            .as_array()
            .map(Vec::len),
        Some(100)
    );

    // www counts twice: one more domain with www makes 102, one without 101.
    let with_www = add_domain(&emulator, "extra.example.com", true);
    let before = app_state(&emulator);
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 422, "{}", response.text());
    assert_eq!(
        response.json()["message"],
        "Failed to issue the SSL certificate: Let's Encrypt allows at most 100 names per certificate and this one would hold 102 (a domain with www counts twice)."
    );
    assert_eq!(app_state(&emulator), before);
    let patch = v3(
        &emulator,
        "PATCH",
        &format!("{APP}/domains/{with_www}/meta"),
        Some(json!({"type": "alias", "redirection": "none", "www": false})),
    );
    assert_eq!(patch.status, 200);
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 422);
    let message = response.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("at most 100 names") && message.contains("would hold 101"),
        "{message}"
    );
    let log = issuance(&emulator);
    assert_eq!(log["failed"][1]["reason"], "too_many_names");
    assert_eq!(
        log["failed"][1]["names"].as_array().map(Vec::len),
        Some(101)
    );
    assert_eq!(app_state(&emulator)["ssl"]["basic"]["redeploy_count"], 1);
}

#[test]
fn a_sixth_certificate_for_the_same_names_waits_seven_days_of_emulator_clock() {
    let emulator = with_ssl(SslMode::LetsEncrypt, 2);
    // The initial certificate (--ssl) is not an issuance: five redeploys go through.
    for _ in 0..5 {
        let response = redeploy_basic(&emulator);
        assert_eq!(response.status, 200, "{}", response.text());
    }
    let first_at = issuance(&emulator)["issued"][0]["at_unix"]
        .as_u64()
        .expect("at_unix");
    let before = app_state(&emulator);
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 422, "{}", response.text());
    let message = response.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.starts_with("Failed to issue the SSL certificate: Let's Encrypt rate limit: too many certificates (5) already issued for this exact set of names in the last 7 days, retry after "),
        "{message}"
    );
    let failure = issuance(&emulator)["failed"][0].clone();
    assert_eq!(failure["reason"], "duplicate_certificates");
    assert_eq!(failure["retry_after_unix"], first_at + WEEK);
    let retry_after = failure["retry_after"].as_str().expect("retry_after");
    assert!(
        message.ends_with(&format!(" {retry_after} UTC.")),
        "{message}"
    );
    assert_eq!(app_state(&emulator), before);
    assert_eq!(before["ssl"]["basic"]["redeploy_count"], 5);
    assert_eq!(
        issuance(&emulator)["failed"][0]["reason"],
        "duplicate_certificates"
    );

    // A different set is not limited: the same app with one more domain.
    let extra = add_domain(&emulator, "extra.example.com", false);
    assert_eq!(redeploy_basic(&emulator).status, 200);
    assert_eq!(
        v3(&emulator, "DELETE", &format!("{APP}/domains/{extra}"), None).status,
        200
    );

    // Six days later the original set is still limited; seven days after the first, it is not.
    emulator.advance_clock(6 * 86_400).expect("advance");
    assert_eq!(redeploy_basic(&emulator).status, 422);
    let clock = emulator.advance_clock(86_400).expect("advance");
    assert!(clock["unix"].as_u64().expect("unix") >= first_at + WEEK);
    let valid_until_before = app_state(&emulator)["ssl"]["basic"]["validUntil"].clone();
    let response = redeploy_basic(&emulator);
    assert_eq!(response.status, 200, "{}", response.text());
    let basic = app_state(&emulator)["ssl"]["basic"].clone();
    assert_eq!(basic["redeploy_count"], 7);
    // The certificate's dates follow the emulator clock.
    assert!(
        basic["validUntil"].as_str() > valid_until_before.as_str(),
        "{} after {}",
        basic["validUntil"],
        valid_until_before
    );
    let log = issuance(&emulator);
    assert_eq!(
        (log["issued_count"].clone(), log["failed_count"].clone()),
        (json!(7), json!(2))
    );
}

#[test]
fn the_duplicate_limit_counts_per_domain_certificates_too() {
    let emulator = with_ssl(SslMode::Advanced, 0);
    let domain = add_domain(&emulator, "one.example.com", false);
    let ssl = format!("{APP}/domains/{domain}/ssl");
    assert_eq!(
        v3(&emulator, "POST", &ssl, Some(per_domain_install())).status,
        200
    );
    let id = v3(&emulator, "GET", &ssl, None).json()["id"]
        .as_u64()
        .expect("id");
    for _ in 0..4 {
        assert_eq!(
            v3(&emulator, "PUT", &format!("{ssl}/{id}"), None).status,
            200
        );
    }
    let response = v3(&emulator, "PUT", &format!("{ssl}/{id}"), None);
    assert_eq!(response.status, 422, "{}", response.text());
    assert!(response.json()["message"]
        .as_str()
        .is_some_and(|message| message.contains("too many certificates (5)")));
    emulator.advance_clock(WEEK).expect("advance");
    assert_eq!(
        v3(&emulator, "PUT", &format!("{ssl}/{id}"), None).status,
        200
    );
}

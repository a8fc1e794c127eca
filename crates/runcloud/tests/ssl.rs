//! The SSL step of add_domain() and redeploy_ssl(), in every SSL mode of the emulator.

mod common;

use common::*;
use runcloud::api;
use runcloud_emulator::SslMode;
use serde_json::json;

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

#[test]
fn an_answer_without_id_is_no_certificate_and_other_shapes_fail_naming_the_endpoint() {
    let emu = start(|_| {});
    let ssl = "/api/v3/servers/*/webapps/*/ssl";
    emu.add_fault(serde_json::json!({"method":"GET","path":ssl,"status":200,"body":r#"{"message":"SSL not installed!","foo":1}"#}))
        .unwrap();
    let added = api::add_domain(&v3(&emu), b"noid.example.com").unwrap();
    assert_eq!(added.ssl.action, "none", "{:?}", added.ssl);
    for body in ["[1]", "\"SSL not installed!\"", r#"{"id":"abc"}"#, "null"] {
        emu.add_fault(serde_json::json!({"method":"GET","path":ssl,"status":200,"body":body}))
            .unwrap();
        let added =
            api::add_domain(&v3(&emu), format!("f{}.example.com", body.len()).as_bytes()).unwrap();
        assert_eq!(added.ssl.action, "failed", "{body}");
        let msg = added.ssl.message.unwrap_or_default();
        assert!(
            msg.starts_with("GET /servers/1/webapps/1/ssl: "),
            "{body}: {msg}"
        );
        emu.add_fault(serde_json::json!({"method":"GET","path":ssl,"status":200,"body":body}))
            .unwrap();
        let e = api::redeploy_ssl(&v3(&emu)).unwrap_err();
        assert!(
            e.to_string().starts_with("GET /servers/1/webapps/1/ssl: "),
            "{e}"
        );
    }
    // A 404 that blames the web app is not "no certificate".
    emu.add_fault(serde_json::json!({"method":"GET","path":ssl,"status":404,"body":r#"{"message":"Web application not found."}"#}))
        .unwrap();
    let e = api::redeploy_ssl(&v3(&emu)).unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(
        e.to_string()
            .contains("web app 1 was not found on server 1"),
        "{e}"
    );
    // A 200 without id, for the redeploy too.
    emu.add_fault(serde_json::json!({"method":"GET","path":ssl,"status":200,"body":r#"{"message":"SSL not installed!","foo":1}"#}))
        .unwrap();
    assert_eq!(api::redeploy_ssl(&v3(&emu)).unwrap().action, "none");
}

fn with_domain(emu: &runcloud_emulator::Emulator, domain: &str) -> runcloud::CallInput {
    with_options(v3(emu), &[("domain", domain.into())])
}

#[test]
fn redeploy_for_one_domain_in_every_mode() {
    // Basic Let's Encrypt: redeploy the app's certificate (GET domains, GET ssl, PUT).
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 2;
    });
    let out = api::redeploy_ssl(&with_domain(&emu, "SITE-2.example.test.")).unwrap();
    assert_eq!(out.action, "redeployed");
    assert_eq!(out.certificate_id, app_ssl(&emu)["basic"]["id"].as_u64());
    let reqs = emu.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert_eq!(
        count(
            &reqs,
            "PUT",
            &format!("/ssl/{}", out.certificate_id.unwrap())
        ),
        1
    );

    let emu = start(|c| {
        c.ssl = SslMode::Custom;
        c.seed_domains = 1;
    });
    assert_eq!(
        api::redeploy_ssl(&with_domain(&emu, "site-1.example.test"))
            .unwrap()
            .action,
        "skipped"
    );
    let emu = start(|c| {
        c.ssl = SslMode::AdvancedAuto;
        c.seed_domains = 1;
    });
    assert_eq!(
        api::redeploy_ssl(&with_domain(&emu, "site-1.example.test"))
            .unwrap()
            .action,
        "auto"
    );
    let emu = start(|c| c.seed_domains = 1);
    assert_eq!(
        api::redeploy_ssl(&with_domain(&emu, "site-1.example.test"))
            .unwrap()
            .action,
        "none"
    );
}

#[test]
fn redeploy_for_one_advanced_domain_issues_then_redeploys_its_own_certificate() {
    let emu = start(|c| {
        c.ssl = SslMode::Advanced;
        c.seed_domains = 1;
    });
    let input = with_domain(&emu, "site-1.example.test");
    let first = api::redeploy_ssl(&input).unwrap();
    assert_eq!(first.action, "issued", "{first:?}");
    let own = &app_ssl(&emu)["domains"]["site-1.example.test"];
    let own_id = own["id"].as_u64().unwrap();
    emu.clear_requests();
    let second = api::redeploy_ssl(&input).unwrap();
    assert_eq!(second.action, "redeployed", "{second:?}");
    assert_eq!(second.certificate_id, Some(own_id));
    let reqs = emu.requests();
    assert_eq!(
        count(&reqs, "PUT", &format!("/ssl/{own_id}")),
        1,
        "{reqs:?}"
    );
    assert_eq!(count(&reqs, "POST", "/ssl"), 0);
    assert_eq!(
        app_ssl(&emu)["domains"]["site-1.example.test"]["redeploy_count"],
        1
    );
}

#[test]
fn redeploy_for_one_domain_throws_runclouds_errors_and_names_a_missing_domain() {
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 1;
    });
    emu.add_fault(
        serde_json::json!({"method":"PUT","path":"/api/v3/servers/*/webapps/*/ssl/*","status":422,
        "body":r#"{"message":"DNS problem: NXDOMAIN looking up A for blocked.example.com"}"#}),
    )
    .unwrap();
    let e = api::redeploy_ssl(&with_domain(&emu, "site-1.example.test")).unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert!(e.to_string().contains("blocked.example.com"), "{e}");

    emu.clear_requests();
    let e = api::redeploy_ssl(&with_domain(&emu, "elsewhere.example.com")).unwrap_err();
    assert!(
        matches!(e, runcloud::Error::Api { status: 404, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("elsewhere.example.com") && e.to_string().contains("1:1"),
        "{e}"
    );
    assert!(!emu.requests().iter().any(|r| r.path.contains("/ssl")));

    emu.clear_requests();
    for bad in [
        runcloud::PhpValue::from("http://x.example.com"),
        runcloud::PhpValue::from("a b.com"),
        runcloud::PhpValue::Int(5),
        runcloud::PhpValue::Bool(true),
    ] {
        let input = with_options(v3(&emu), &[("domain", bad.clone())]);
        let e = api::redeploy_ssl(&input).unwrap_err();
        assert!(
            matches!(e, runcloud::Error::Validation { ref field, .. } if field == "domain"),
            "{bad:?}: {e:?}"
        );
    }
    assert!(emu.requests().is_empty());
}

/// A request to the emulator's API as the RunCloud panel would make it (to delete or install
/// a certificate behind the client's back); the answer's JSON.
fn panel(
    emu: &runcloud_emulator::Emulator,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{}/v3/servers/1/webapps/1{path}", emu.base_url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Content-Type", "application/json")
        .body(body.to_string().into_bytes())
        .unwrap();
    let mut response = agent.run(request).unwrap();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {text}"
    );
    serde_json::from_str(&text).unwrap()
}

/// `(method, path)` of every request the emulator saw since its log was cleared, paths cut
/// after the web app.
fn seen(emu: &runcloud_emulator::Emulator) -> Vec<String> {
    emu.requests()
        .iter()
        .map(|r| {
            let path = r.path.split("/webapps/1").nth(1).unwrap_or(&r.path);
            format!("{} {path}", r.method)
        })
        .collect()
}

/// A Let's Encrypt web app whose certificate this process learned with a first add (of
/// `one.example.com`); its id.
fn known_certificate() -> (runcloud_emulator::Emulator, u64) {
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 1;
    });
    let id = app_ssl(&emu)["basic"]["id"].as_u64().unwrap();
    api::add_domain(&v3(&emu), b"one.example.com").unwrap();
    (emu, id)
}

#[test]
fn a_known_certificate_makes_an_add_two_requests() {
    let emu = start(|c| {
        c.ssl = SslMode::LetsEncrypt;
        c.seed_domains = 1;
    });
    let cert_id = app_ssl(&emu)["basic"]["id"].as_u64().unwrap();
    let first = api::add_domain(&v3(&emu), b"one.example.com").unwrap();
    assert_eq!(first.ssl.action, "redeployed");
    assert_eq!(
        seen(&emu),
        ["POST /domains", "GET /ssl", &format!("PUT /ssl/{cert_id}")]
    );
    emu.clear_requests();
    let second = api::add_domain(&v3(&emu), b"two.example.com").unwrap();
    assert_eq!(second.ssl.action, "redeployed");
    assert_eq!(second.ssl.certificate_id, Some(cert_id));
    assert_eq!(
        seen(&emu),
        ["POST /domains", &format!("PUT /ssl/{cert_id}")]
    );
    let basic = &app_ssl(&emu)["basic"];
    assert_eq!(basic["redeploy_count"], 2);
    assert!(basic["covered_domains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "two.example.com"));
    // Another credential is another configuration: it looks for itself.
    emu.clear_requests();
    api::add_domain(&v2(&emu), b"three.example.com").unwrap();
    assert_eq!(emu.requests().len(), 3, "{:?}", seen(&emu));
}

#[test]
fn a_replaced_certificate_is_found_again_in_the_same_call() {
    let (emu, old_id) = known_certificate();
    // Replaced in the panel: deleted, and a new Let's Encrypt certificate installed.
    panel(&emu, "DELETE", &format!("/ssl/{old_id}"), json!({}));
    let new_id = panel(&emu, "POST", "/ssl", json!({"provider": "letsencrypt"}))["id"]
        .as_u64()
        .unwrap();
    assert_ne!(old_id, new_id);
    emu.clear_requests();
    let added = api::add_domain(&v3(&emu), b"two.example.com").unwrap();
    assert_eq!(added.ssl.action, "redeployed", "{:?}", added.ssl);
    assert_eq!(added.ssl.certificate_id, Some(new_id));
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("PUT /ssl/{old_id}"),
            "GET /ssl".to_string(),
            format!("PUT /ssl/{new_id}"),
        ]
    );
    assert!(app_ssl(&emu)["basic"]["covered_domains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d == "two.example.com"));
    // The new one is remembered.
    emu.clear_requests();
    api::add_domain(&v3(&emu), b"three.example.com").unwrap();
    assert_eq!(seen(&emu), ["POST /domains", &format!("PUT /ssl/{new_id}")]);
}

#[test]
fn a_certificate_replaced_by_a_custom_one_is_never_redeployed() {
    let (emu, old_id) = known_certificate();
    panel(&emu, "DELETE", &format!("/ssl/{old_id}"), json!({}));
    let custom = panel(
        &emu,
        "POST",
        "/ssl",
        json!({"provider": "custom", "privateKey": "KEY", "certificate": "CERT"}),
    );
    let custom_id = custom["id"].as_u64().unwrap();
    emu.clear_requests();
    let added = api::add_domain(&v3(&emu), b"two.example.com").unwrap();
    assert_eq!(added.ssl.action, "skipped", "{:?}", added.ssl);
    assert_eq!(added.ssl.certificate_id, Some(custom_id));
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("PUT /ssl/{old_id}"),
            "GET /ssl".to_string()
        ]
    );
    // A custom certificate is not remembered: every add looks, none sends it a PUT.
    emu.clear_requests();
    for name in ["three.example.com", "four.example.com"] {
        let added = api::add_domain(&v3(&emu), name.as_bytes()).unwrap();
        assert_eq!(added.ssl.action, "skipped");
    }
    assert!(
        !emu.requests().iter().any(|r| r.method == "PUT"),
        "{:?}",
        seen(&emu)
    );
    assert_eq!(emu.requests().len(), 4, "{:?}", seen(&emu));
}

#[test]
fn a_refused_redeploy_of_the_known_certificate_is_not_repeated() {
    let (emu, cert_id) = known_certificate();
    emu.add_fault(
        json!({"method":"PUT","path":"/api/v3/servers/*/webapps/*/ssl/*","status":422,
        "body":r#"{"message":"DNS problem: NXDOMAIN looking up A for two.example.com"}"#}),
    )
    .unwrap();
    emu.clear_requests();
    let added = api::add_domain(&v3(&emu), b"two.example.com").unwrap();
    assert_eq!(added.ssl.action, "failed");
    assert!(
        added
            .ssl
            .message
            .as_deref()
            .unwrap_or("")
            .contains("NXDOMAIN"),
        "{:?}",
        added.ssl
    );
    // One PUT (refused), one lookup that shows the same certificate: no second order.
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("PUT /ssl/{cert_id}"),
            "GET /ssl".to_string()
        ]
    );
    emu.clear_requests();
    assert_eq!(
        api::add_domain(&v3(&emu), b"three.example.com")
            .unwrap()
            .ssl
            .action,
        "redeployed"
    );
    assert_eq!(
        seen(&emu),
        ["POST /domains", &format!("PUT /ssl/{cert_id}")]
    );
}

#[test]
fn a_known_advanced_mode_issues_at_once() {
    let emu = start(|c| c.ssl = SslMode::Advanced);
    let first = api::add_domain(&v3(&emu), b"a1.example.com").unwrap();
    assert_eq!(first.ssl.action, "issued");
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            "GET /ssl".to_string(),
            "GET /ssl/advanced".to_string(),
            format!("POST /domains/{}/ssl", first.domain.id)
        ]
    );
    emu.clear_requests();
    let second = api::add_domain(&v3(&emu), b"a2.example.com").unwrap();
    assert_eq!(second.ssl.action, "issued");
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("POST /domains/{}/ssl", second.domain.id)
        ]
    );
    // Refused for this domain while the app is still in advanced mode: the error stands,
    // the mode is checked once, nothing is issued twice.
    emu.add_fault(
        json!({"method":"POST","path":"/api/v3/servers/*/webapps/*/domains/*/ssl","status":422,
        "body":r#"{"message":"DNS problem: a3.example.com points elsewhere"}"#}),
    )
    .unwrap();
    emu.clear_requests();
    let third = api::add_domain(&v3(&emu), b"a3.example.com").unwrap();
    assert_eq!(third.ssl.action, "failed");
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("POST /domains/{}/ssl", third.domain.id),
            "GET /ssl/advanced".to_string()
        ]
    );
    // Switched to autoSSL in the panel: the next add sees it (the mode is re-read after the
    // per-domain call is refused as already covered), and later adds keep checking the mode.
    panel(
        &emu,
        "POST",
        "/ssl/advanced",
        json!({"advancedSSL": true, "autoSSL": true}),
    );
    emu.clear_requests();
    let fourth = api::add_domain(&v3(&emu), b"a4.example.com").unwrap();
    assert_eq!(fourth.ssl.action, "auto", "{:?}", fourth.ssl);
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            format!("POST /domains/{}/ssl", fourth.domain.id),
            "GET /ssl/advanced".to_string()
        ]
    );
    emu.clear_requests();
    let fifth = api::add_domain(&v3(&emu), b"a5.example.com").unwrap();
    assert_eq!(fifth.ssl.action, "auto");
    assert_eq!(seen(&emu), ["POST /domains", "GET /ssl/advanced"]);
    // autoSSL switched off again: seen at the next add, which issues.
    panel(
        &emu,
        "POST",
        "/ssl/advanced",
        json!({"advancedSSL": true, "autoSSL": false}),
    );
    emu.clear_requests();
    let sixth = api::add_domain(&v3(&emu), b"a6.example.com").unwrap();
    assert_eq!(sixth.ssl.action, "issued");
    assert_eq!(
        seen(&emu),
        [
            "POST /domains".to_string(),
            "GET /ssl/advanced".to_string(),
            format!("POST /domains/{}/ssl", sixth.domain.id)
        ]
    );
}

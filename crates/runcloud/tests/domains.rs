//! Every domain function on v2 and v3 against the in-process emulator.

mod common;

use common::*;
use runcloud::{api, Error, PhpValue};
use serde_json::json;

fn each_version(emu: &runcloud_emulator::Emulator) -> Vec<(&'static str, runcloud::CallInput)> {
    vec![("v3", v3(emu)), ("v2", v2(emu))]
}

#[test]
fn every_function_on_both_versions() {
    let emu = start(|c| c.seed_domains = 2);
    for (version, input) in each_version(&emu) {
        let report = api::test_connection(&input).unwrap();
        assert!(report.ok);
        assert_eq!(report.api_version, version);
        assert_eq!(report.targets.len(), 1);
        assert_eq!(report.targets[0].webapp.name, "app-1-1");

        let cfg = api::config(&input).unwrap();
        assert_eq!(cfg.api_version, Some(version));
        assert_eq!(cfg.base_url, format!("{}/{version}", emu.base_url()));
        assert!(cfg.missing.is_empty());

        let name = format!("shop-{version}.example.com");
        let added = api::add_domain(&input, name.as_bytes()).unwrap();
        assert!(added.created);
        assert_eq!(added.domain.name, name);
        assert_eq!(added.domain.kind, "alias");
        assert!(!added.domain.www);
        assert_eq!(added.domain.redirection, "none");
        assert_eq!(added.ssl.action, "none");

        let list = api::list_domains(&input).unwrap();
        assert!(list.iter().any(|d| d.name == name));

        let found = api::find_domain(&input, name.to_uppercase().as_bytes()).unwrap();
        assert_eq!(found.as_ref().map(|d| d.id), Some(added.domain.id));

        let removed = api::remove_domain(&input, name.as_bytes()).unwrap();
        assert!(removed.removed);
        assert_eq!(removed.domain.map(|d| d.id), Some(added.domain.id));
        assert_eq!(api::find_domain(&input, name.as_bytes()).unwrap(), None);

        let ssl = api::redeploy_ssl(&input).unwrap();
        assert_eq!(ssl.action, "none");
    }
    // v2 and v3 paths were both used.
    let reqs = emu.requests();
    assert!(reqs.iter().any(|r| r.path.starts_with("/api/v2/")));
    assert!(reqs.iter().any(|r| r.path.starts_with("/api/v3/")));
}

#[test]
fn result_shapes_serialise_as_designed() {
    let emu = start(|_| {});
    let added = api::add_domain(&v3(&emu), b"Shape.Example.com.").unwrap();
    let v = serde_json::to_value(&added).unwrap();
    // Keys in the stubs' order (stubs/wu_runcloud.stubs.php) (serde_json's preserve_order is enabled by this crate).
    let keys: Vec<&str> = v["domain"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec![
            "id",
            "name",
            "type",
            "www",
            "redirection",
            "wildcard",
            "created_at"
        ]
    );
    let top: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, vec!["domain", "created", "ssl"]);
    let cfg = serde_json::to_value(api::config(&v3(&emu)).unwrap()).unwrap();
    let cfg_keys: Vec<&str> = cfg
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        cfg_keys,
        vec![
            "api_version",
            "base_url",
            "auth",
            "targets",
            "timeout",
            "missing"
        ]
    );
    assert_eq!(v["domain"]["name"], "shape.example.com");
    assert_eq!(v["created"], true);
    assert_eq!(v["ssl"]["action"], "none");
    assert_eq!(v["ssl"]["certificate_id"], json!(null));
    assert_eq!(v["ssl"].as_object().unwrap().len(), 3);
    assert_eq!(v.as_object().unwrap().len(), 3);
    let r = api::remove_domain(&v3(&emu), b"nothere.example.com").unwrap();
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        json!({"removed":false,"domain":null})
    );
}

#[test]
fn add_sends_options_and_defaults() {
    let emu = start(|_| {});
    let input = with_options(v3(&emu), &[("www", true.into()), ("ssl", false.into())]);
    let added = api::add_domain(&input, "bücher.example".as_bytes()).unwrap();
    assert_eq!(added.domain.name, "xn--bcher-kva.example");
    assert!(added.domain.www);
    assert_eq!(added.domain.redirection, "non-www");
    assert_eq!(added.ssl.action, "skipped");
    let post = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(
        body,
        json!({"name":"xn--bcher-kva.example","www":true,"redirection":"non-www","type":"alias"})
    );
    // ssl => false: no SSL request at all.
    assert!(!emu.requests().iter().any(|r| r.path.contains("/ssl")));
}

#[test]
fn wildcard_needs_the_option() {
    let emu = start(|_| {});
    let e = api::add_domain(&v3(&emu), b"*.wild.example.com").unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e}");
    let input = with_options(
        v3(&emu),
        &[("wildcard", true.into()), ("ssl", false.into())],
    );
    let added = api::add_domain(&input, b"*.wild.example.com").unwrap();
    assert!(added.domain.wildcard);
    let posts: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 1);
    // The documented body has no `wildcard`: it is sent only for a `*.` name.
    let body: serde_json::Value = serde_json::from_str(&posts[0].body).unwrap_or_default();
    assert_eq!(body["wildcard"], true, "{}", posts[0].body);
}

#[test]
fn invalid_input_sends_nothing() {
    let emu = start(|_| {});
    let input = v3(&emu);
    for bad in [
        &b"http://example.com"[..],
        b"example.com/x",
        b"a b.com",
        b"com",
        b"1.2.3.4",
    ] {
        assert!(matches!(
            api::add_domain(&input, bad),
            Err(Error::Validation { .. })
        ));
        assert!(matches!(
            api::remove_domain(&input, bad),
            Err(Error::Validation { .. })
        ));
        assert!(matches!(
            api::find_domain(&input, bad),
            Err(Error::Validation { .. })
        ));
    }
    let e = api::add_domain(
        &with_options(v3(&emu), &[("wwww", true.into())]),
        b"ok.example.com",
    )
    .unwrap_err();
    assert!(e.to_string().contains("\"wwww\""));
    let e = api::list_domains(&with_options(v3(&emu), &[("www", true.into())])).unwrap_err();
    assert!(matches!(e, Error::Validation { .. }));
    let e = api::add_domain(
        &with_options(v3(&emu), &[("www", "yes".into())]),
        b"ok.example.com",
    )
    .unwrap_err();
    assert!(e.to_string().contains("bool, string given"));
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());
}

#[test]
fn options_override_constants() {
    let emu = start(|c| c.apps = vec![(1, 1), (7, 9)]);
    // Constants say v3 on app 1:1; the options say v2 on app 7:9.
    let input = with_options(
        v3(&emu),
        &[
            ("api_key", KEY.into()),
            ("api_secret", SECRET.into()),
            ("server_id", "7".into()),
            ("app_id", 9.into()),
            ("timeout", PhpValue::Float(5.5)),
        ],
    );
    let cfg = api::config(&input).unwrap();
    assert_eq!(cfg.api_version, Some("v2"));
    assert_eq!(cfg.auth, Some("key_secret"));
    assert_eq!(
        serde_json::to_value(&cfg.targets).unwrap(),
        json!([{"server_id":7,"app_id":9}])
    );
    assert_eq!(serde_json::to_value(cfg.timeout).unwrap(), json!(5.5));
    api::add_domain(&input, b"seven.example.com").unwrap();
    assert_eq!(emu.domain_names(7, 9), vec!["seven.example.com"]);
    assert!(emu.domain_names(1, 1).is_empty());
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.path.starts_with("/api/v2/servers/7/webapps/9")));
}

#[test]
fn extra_targets_in_config_and_test_connection() {
    let emu = start(|c| c.apps = vec![(1, 1), (2, 5)]);
    let mut input = v3(&emu);
    input
        .constants
        .push(("WU_RUNCLOUD_EXTRA_TARGETS".into(), "2:5, 1:1".into()));
    let cfg = api::config(&input).unwrap();
    assert_eq!(
        serde_json::to_value(&cfg.targets).unwrap(),
        json!([{"server_id":1,"app_id":1},{"server_id":2,"app_id":5}])
    );
    let report = api::test_connection(&input).unwrap();
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["targets"][1]["webapp"]["name"], "app-2-5");
    assert_eq!(v["targets"][1]["server_id"], 2);
    // A target that does not exist is an ApiException naming the endpoint.
    input.constants.pop();
    input
        .constants
        .push(("WU_RUNCLOUD_EXTRA_TARGETS".into(), "3:3".into()));
    let e = api::test_connection(&input).unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(
        e.to_string().starts_with("GET /servers/3/webapps/3: 404"),
        "{e}"
    );
}

#[test]
fn forty_five_domains_two_pages() {
    let emu = start(|c| c.seed_domains = 45);
    let input = v3(&emu);
    let all = api::list_domains(&input).unwrap();
    assert_eq!(all.len(), 45);
    let gets: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 2);
    assert!(gets[0].query.contains("perPage=40") && gets[1].query.contains("page=2"));

    emu.clear_requests();
    let found = api::find_domain(&input, b"site-44.example.test")
        .unwrap()
        .unwrap();
    assert_eq!(found.name, "site-44.example.test");
    assert_eq!(emu.requests().len(), 2);

    emu.clear_requests();
    let found = api::find_domain(&input, b"site-3.example.test").unwrap();
    assert!(found.is_some());
    assert_eq!(emu.requests().len(), 1, "stops at the page that has it");

    let removed = api::remove_domain(&input, b"site-45.example.test").unwrap();
    assert!(removed.removed);
    assert_eq!(emu.domain_names(1, 1).len(), 44);
    assert!(!emu
        .domain_names(1, 1)
        .contains(&"site-45.example.test".to_string()));
}

#[test]
fn duplicate_add_is_idempotent() {
    let emu = start(|_| {});
    let input = v3(&emu);
    let first = api::add_domain(&input, b"dup.example.com").unwrap();
    let second = api::add_domain(&input, b"DUP.example.com.").unwrap();
    assert!(first.created);
    assert!(!second.created);
    assert_eq!(second.domain, first.domain);
    assert_eq!(second.ssl.action, "skipped");
    assert_eq!(emu.domain_names(1, 1), vec!["dup.example.com"]);
}

#[test]
fn remove_missing_and_domain_id_rules() {
    let emu = start(|_| {});
    let input = v3(&emu);
    let r = api::remove_domain(&input, b"missing.example.com").unwrap();
    assert!(!r.removed && r.domain.is_none());

    let a = api::add_domain(&input, b"a.example.com").unwrap().domain;
    let b = api::add_domain(&input, b"b.example.com").unwrap().domain;

    // domain_id that holds the name: one GET, one DELETE, no scan.
    emu.clear_requests();
    let with_id = with_options(v3(&emu), &[("domain_id", b.id.to_string().as_str().into())]);
    let r = api::remove_domain(&with_id, b"b.example.com").unwrap();
    assert!(r.removed);
    let reqs = emu.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(count(&reqs, "GET", &format!("/domains/{}", b.id)), 1);
    assert_eq!(count(&reqs, "DELETE", &format!("/domains/{}", b.id)), 1);

    // domain_id that no longer matches (b is gone): falls back to the scan, removes a.
    emu.clear_requests();
    let stale = with_options(v3(&emu), &[("domain_id", PhpValue::Int(b.id as i64))]);
    let r = api::remove_domain(&stale, b"a.example.com").unwrap();
    assert!(r.removed);
    assert_eq!(r.domain.unwrap().id, a.id);
    assert_eq!(
        count(&emu.requests(), "GET", "/domains"),
        1,
        "scanned the list"
    );

    // domain_id of another domain: not deleted.
    let c = api::add_domain(&input, b"c.example.com").unwrap().domain;
    let d = api::add_domain(&input, b"d.example.com").unwrap().domain;
    let wrong = with_options(v3(&emu), &[("domain_id", PhpValue::Int(d.id as i64))]);
    let r = api::remove_domain(&wrong, b"c.example.com").unwrap();
    assert_eq!(r.domain.unwrap().id, c.id);
    assert_eq!(emu.domain_names(1, 1), vec!["d.example.com"]);

    let e = api::remove_domain(
        &with_options(v3(&emu), &[("domain_id", 0.into())]),
        b"d.example.com",
    )
    .unwrap_err();
    assert!(matches!(e, Error::Validation { .. }));
}

#[test]
fn missing_configuration_is_reported() {
    let input = runcloud::CallInput::default();
    let cfg = api::config(&input).unwrap();
    assert_eq!(cfg.api_version, None);
    assert_eq!(cfg.auth, None);
    assert_eq!(cfg.base_url, "https://manage.runcloud.io/api");
    assert_eq!(
        cfg.missing,
        vec![
            "WU_RUNCLOUD_API_TOKEN",
            "WU_RUNCLOUD_SERVER_ID",
            "WU_RUNCLOUD_APP_ID"
        ]
    );
    let v = serde_json::to_value(&cfg).unwrap();
    assert_eq!(v["timeout"], json!(30));
    assert_eq!(v["targets"], json!([]));
    let e = api::list_domains(&input).unwrap_err();
    assert!(matches!(e, Error::Config { ref name, .. } if name == "WU_RUNCLOUD_API_TOKEN"));
    let info = api::info(&input);
    assert!(!info.configured);
    assert_eq!(info.tls_roots, "system");
}

#[test]
fn info_never_shows_secrets() {
    let emu = start(|_| {});
    let info = api::info(&v3(&emu));
    assert!(info.configured);
    assert_eq!(info.api_version, Some("v3"));
    assert_eq!(info.api_root, emu.base_url());
    assert_eq!(info.targets, 1);
    let text = format!("{info:?} {}", serde_json::to_string(&info).unwrap());
    assert!(!text.contains(TOKEN));
}

/// RunCloud's real duplicate reply is undocumented: any 4xx to the POST is followed by a
/// lookup; a name on the app is `created => false` with no SSL step, else the error stands.
#[test]
fn any_client_error_to_the_add_is_idempotent_when_the_name_is_there() {
    let emu = start(|c| c.ssl = runcloud_emulator::SslMode::LetsEncrypt);
    let input = v3(&emu);
    let first = api::add_domain(&input, b"there.example.com").unwrap();
    let post = "/api/v3/servers/*/webapps/*/domains";
    for (status, body) in [
        (422, r#"{"message":"The given data was invalid."}"#),
        (409, "{}"),
        (400, "<html><body>Bad Request</body></html>"),
        (403, r#"{"message":"Domain exists"}"#),
        (404, r#"{"message":"Not Found"}"#),
    ] {
        emu.clear_requests();
        emu.add_fault(json!({"method":"POST","path":post,"status":status,"body":body}))
            .unwrap();
        let again = api::add_domain(&input, b"There.Example.com").unwrap();
        assert!(!again.created, "{status}");
        assert_eq!(again.domain, first.domain, "{status}");
        assert_eq!(again.ssl.action, "skipped", "{status}");
        let reqs = emu.requests();
        assert_eq!(count(&reqs, "POST", "/domains"), 1, "{status}");
        assert_eq!(count(&reqs, "GET", "/domains"), 1, "{status}: the lookup");
        assert!(
            !reqs.iter().any(|r| r.path.contains("/ssl")),
            "{status}: no SSL step"
        );
    }
    // Not there: RunCloud's error stands, nothing added.
    emu.add_fault(json!({"method":"POST","path":post,"status":422,"body":r#"{"message":"The given data was invalid."}"#}))
        .unwrap();
    let e = api::add_domain(&input, b"absent.example.com").unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert!(
        e.to_string().ends_with("422 The given data was invalid."),
        "{e}"
    );
    assert_eq!(emu.domain_names(1, 1), vec!["there.example.com"]);
    // The lookup failing too: whether the name is there is unknown, so the lookup's (transient)
    // error is thrown, to be retried, and it names RunCloud's refusal.
    emu.add_fault(
        json!({"method":"POST","path":post,"status":422,"body":r#"{"message":"Nope."}"#}),
    )
    .unwrap();
    emu.add_fault(json!({"method":"GET","path":post,"status":500,"body":"{}","times":3}))
        .unwrap();
    let e = api::add_domain(&input, b"absent.example.com").unwrap_err();
    assert_eq!(e.status(), Some(500), "{e}");
    assert!(e.is_transient(), "{e}");
    let message = e.to_string();
    assert!(
        message.contains("looking absent.example.com up after RunCloud refused the add failed"),
        "{message}"
    );
    assert!(message.ends_with("422 Nope.)"), "{message}");
}

/// A server that pages in 50s whatever is asked (a production plugin asks for 50 [seen]).
#[test]
fn a_list_served_in_pages_of_fifty_is_read_whole() {
    let emu = start(|_| {});
    let record = |n: usize| {
        json!({"id": 100 + n, "name": format!("p{n}.example.com"), "type": "alias", "www": 0,
            "redirection": "none", "wildcard": 0, "dns_integration": "none", "status": null,
            "created_at": "2024-07-09 07:02:13"})
    };
    let page = |range: std::ops::Range<usize>, current: usize| {
        json!({"data": range.clone().map(record).collect::<Vec<_>>(),
            "meta": {"pagination": {"total": 60, "count": range.len(), "per_page": 50,
                "current_page": current, "total_pages": 2, "links": {}}}})
        .to_string()
    };
    let list = "/api/v3/servers/*/webapps/*/domains";
    for (range, current) in [(0..50, 1), (50..60, 2)] {
        emu.add_fault(json!({"method":"GET","path":list,"status":200,"body":page(range, current)}))
            .unwrap();
    }
    let all = api::list_domains(&v3(&emu)).unwrap();
    assert_eq!(all.len(), 60);
    assert_eq!(all[59].name, "p59.example.com");
    // Without meta a full page (50 >= 40) is not the last either.
    for range in [0..50, 50..60] {
        let body = json!({"data": range.map(record).collect::<Vec<_>>()}).to_string();
        emu.add_fault(json!({"method":"GET","path":list,"status":200,"body":body}))
            .unwrap();
    }
    assert_eq!(api::list_domains(&v3(&emu)).unwrap().len(), 60);
}

#[test]
fn registrable_domain_per_the_public_suffix_list() {
    for (name, expected) in [
        ("example.org.uk", Some("example.org.uk")),
        ("shop.example.org.uk", Some("example.org.uk")),
        ("shop.example.co.uk", Some("example.co.uk")),
        ("foo.bar.example.com", Some("example.com")),
        ("co.uk", None),
        ("Bücher.example", Some("xn--bcher-kva.example")),
    ] {
        assert_eq!(
            api::registrable_domain(name.as_bytes()).unwrap().as_deref(),
            expected,
            "{name}"
        );
    }
    let e = api::registrable_domain(b"http://example.com").unwrap_err();
    assert!(matches!(e, Error::Validation { ref field, .. } if field == "domain"));
}

/// `removed => true` only when this call's DELETE removed the domain: a 404 after a retry is
/// ours only when the earlier attempt may have been processed (its answer lost, or a 502),
/// not when it was refused (429, 503: nothing was done).
#[test]
fn a_removal_is_ours_only_when_an_earlier_attempt_may_have_done_it() {
    let emu = start(|_| {});
    let delete = "/api/v3/servers/*/webapps/*/domains/*";
    let not_found = r#"{"message":"Domain not found."}"#;
    for (case, (first, ours)) in [
        (
            json!({"status": 429, "body": r#"{"message":"Too Many Attempts."}"#}),
            false,
        ),
        (
            json!({"status": 503, "body": r#"{"message":"Service Unavailable"}"#}),
            false,
        ),
        (json!({"status": 502, "html": true}), true),
        // The connection dropped after the domain was removed: the retry meets a 404.
        (json!({"drop": true}), true),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("gone-{case}.example.com");
        let added = api::add_domain(&v3(&emu), name.as_bytes()).unwrap();
        let mut rule = first.clone();
        rule["method"] = json!("DELETE");
        rule["path"] = json!(delete);
        emu.add_fault(rule).unwrap();
        // Then RunCloud says it is gone (someone else removed it meanwhile, or our first try).
        emu.add_fault(
            json!({"method": "DELETE", "path": delete, "status": 404, "body": not_found}),
        )
        .unwrap();
        let input = with_options(
            v3(&emu),
            &[("domain_id", PhpValue::Int(added.domain.id as i64))],
        );
        let removed = api::remove_domain(&input, name.as_bytes()).unwrap();
        assert_eq!(removed.removed, ours, "{first}");
        assert_eq!(removed.domain.is_some(), ours, "{first}");
        emu.clear_faults();
        // What is left of it (the refused cases removed nothing) goes now.
        api::remove_domain(&v3(&emu), name.as_bytes()).unwrap();
        assert!(!emu.domain_names(1, 1).contains(&name));
    }
}

/// A name another web app of the same server has: RunCloud's 422 "taken" says why [assumed
/// scope: the server], the message adds that it is not on the app asked for.
#[test]
fn a_name_taken_by_another_web_app_of_the_server_is_explained() {
    let emu = start(|c| c.apps = vec![(1, 1), (1, 2)]);
    let other = with_options(v3(&emu), &[("app_id", 2.into())]);
    api::add_domain(&other, b"taken.example.com").unwrap();
    let e = api::add_domain(&v3(&emu), b"taken.example.com").unwrap_err();
    assert_eq!(e.status(), Some(422));
    let message = e.to_string();
    assert!(
        message.contains("The name has already been taken."),
        "{message}"
    );
    assert!(
        message.contains("taken.example.com is not on web app 1; RunCloud refuses a name another web app on server 1 already has"),
        "{message}"
    );
    assert_eq!(
        e.field_errors().get("name").map(Vec::len),
        Some(1),
        "field errors kept"
    );
}

/// A 2xx whose record is of another name (the web app object, a proxy's page, a bug) is not
/// believed: the name is looked up; on the app → its own record, else an error naming both.
#[test]
fn an_add_answered_with_another_names_record_is_checked() {
    let emu = start(|c| c.seed_domains = 1);
    let input = v3(&emu);
    let post = "/api/v3/servers/*/webapps/*/domains";
    let foreign = r#"{"id":100001,"name":"site-1.example.test","type":"alias","www":0,"redirection":"none","wildcard":0,"dns_integration":"none","status":null,"created_at":"2024-07-09 07:02:13"}"#;

    // Not processed (the answer came from elsewhere): not on the app, so an error.
    emu.add_fault(json!({"method":"POST","path":post,"status":200,"body":foreign,"process":false}))
        .unwrap();
    let e = api::add_domain(&input, b"q1.example.com").unwrap_err();
    let message = e.to_string();
    assert!(
        message.contains("the new domain record of q1.example.com, not one of site-1.example.test"),
        "{message}"
    );
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(emu.domain_names(1, 1), vec!["site-1.example.test"]);

    // The add took effect (here: the name is there) but the answer carries a foreign record:
    // the lookup finds the real one. (A status fault never reaches the API, so the name is
    // put there first.)
    let real = api::add_domain(&input, b"q2.example.com").unwrap().domain;
    emu.add_fault(json!({"method":"POST","path":post,"status":200,"body":foreign}))
        .unwrap();
    let added = api::add_domain(&input, b"q2.example.com").unwrap();
    assert_eq!(added.domain, real);
    assert_ne!(added.domain.id, 100001);
}

//! Request for request, what real clients sent RunCloud (docs/RUNCLOUD_API.md §4) and the v3
//! documentation's request examples: every one must succeed. The emulator may never be
//! stricter than RunCloud, and these clients ran in production.
//!
//! Requests are written raw, with exactly the headers those clients sent: WordPress's HTTP API
//! sends no `Accept: application/json` and form-encodes an array body.

mod common;

use common::*;
use runcloud_emulator::{Emulator, EmulatorConfig, SslMode};
use serde_json::{json, Value};

const FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";

/// One request on a fresh connection with only the given headers (plus Host and, with a body,
/// Content-Length).
fn raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n",
        emulator.local_addr()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    let mut connection = Connection::open(emulator);
    connection.send_raw(&bytes);
    connection
        .read_response()
        .unwrap_or_else(|error| panic!("{method} {path}: {error:?}"))
}

fn ok(response: &HttpResponse, what: &str) -> Value {
    assert_eq!(response.status, 200, "{what}: {}", response.text());
    response.json()
}

/// WordPress's HTTP API as WP Ultimo and Ultimate Multisite 2.4 used it: Basic auth, a
/// WordPress user agent, no JSON `Accept` [seen].
const WP_HEADERS: [(&str, &str); 2] = [
    ("Authorization", BASIC),
    ("User-Agent", "WordPress/6.4; https://network.example"),
];

fn wp_form(emulator: &Emulator, method: &str, path: &str, form: &str) -> HttpResponse {
    let mut headers = WP_HEADERS.to_vec();
    headers.push(("Content-Type", FORM));
    raw(emulator, method, path, &headers, form.as_bytes())
}

fn wp_bare(emulator: &Emulator, method: &str, path: &str) -> HttpResponse {
    raw(emulator, method, path, &WP_HEADERS, b"")
}

fn domain_id(emulator: &Emulator, app: &str, name: &str) -> u64 {
    let list = ok(
        &wp_bare(emulator, "GET", &format!("{app}/domains")),
        "GET domains",
    );
    list["data"]
        .as_array()
        .and_then(|domains| domains.iter().find(|domain| domain["name"] == name))
        .and_then(|domain| domain["id"].as_u64())
        .unwrap_or_else(|| panic!("{name} is not listed: {list}"))
}

#[test]
fn wp_ultimo_1_and_2_0_only_name_form_encoded_plus_a_www_record() {
    let emulator = start(EmulatorConfig {
        ssl: SslMode::LetsEncrypt,
        seed_domains: 1,
        ..config()
    });
    let app = "/api/v2/servers/1/webapps/1";
    for name in ["client.example.com", "www.client.example.com"] {
        let added = ok(
            &wp_form(
                &emulator,
                "POST",
                &format!("{app}/domains"),
                &format!("name={name}"),
            ),
            "POST name only",
        );
        assert_eq!(
            (
                &added["name"],
                &added["type"],
                &added["www"],
                &added["redirection"]
            ),
            (&json!(name), &json!("alias"), &json!(0), &json!("none"))
        );
        assert_eq!(added["dns_integration"], "none");
    }
    // Then the certificate: GET ssl, PUT ssl/{id} with an empty body.
    let certificate = ok(&wp_bare(&emulator, "GET", &format!("{app}/ssl")), "GET ssl");
    let id = certificate["id"].as_u64().expect("certificate id");
    ok(
        &wp_bare(&emulator, "PUT", &format!("{app}/ssl/{id}")),
        "PUT ssl",
    );
    // Removal: list, then DELETE each record.
    for name in ["client.example.com", "www.client.example.com"] {
        let id = domain_id(&emulator, app, name);
        let deleted = ok(
            &wp_bare(&emulator, "DELETE", &format!("{app}/domains/{id}")),
            "DELETE",
        );
        assert_eq!(deleted["dns_integration"], "none");
    }
    assert_eq!(emulator.domain_names(1, 1), vec!["site-1.example.test"]);
}

#[test]
fn ultimate_multisite_2_4_3_name_www_redirection_without_type() {
    let emulator = start(EmulatorConfig {
        ssl: SslMode::LetsEncrypt,
        ..config()
    });
    let app = "/api/v2/servers/1/webapps/1";
    // test_connection(): GET domains without a query.
    ok(
        &wp_bare(&emulator, "GET", &format!("{app}/domains")),
        "test",
    );
    // on_add_domain(): `'www' => true` is form-encoded as "1" by http_build_query.
    let added = ok(
        &wp_form(
            &emulator,
            "POST",
            &format!("{app}/domains"),
            "name=mapped.example.com&www=1&redirection=non-www",
        ),
        "POST without type",
    );
    assert_eq!(
        (&added["type"], &added["www"], &added["redirection"]),
        (&json!("alias"), &json!(1), &json!("non-www"))
    );
    let certificate = ok(&wp_bare(&emulator, "GET", &format!("{app}/ssl")), "GET ssl");
    let id = certificate["id"].as_u64().expect("certificate id");
    ok(
        &wp_bare(&emulator, "PUT", &format!("{app}/ssl/{id}")),
        "PUT ssl",
    );
    let covered = &emulator.state()["apps"][0]["ssl"]["basic"]["covered_domains"];
    assert!(
        covered
            .as_array()
            .is_some_and(|names| names.contains(&json!("mapped.example.com"))),
        "{covered}"
    );
    // on_remove_domain(): list, DELETE.
    let id = domain_id(&emulator, app, "mapped.example.com");
    ok(
        &wp_bare(&emulator, "DELETE", &format!("{app}/domains/{id}")),
        "DELETE",
    );
    assert!(emulator.domain_names(1, 1).is_empty());
}

#[test]
fn other_spellings_real_clients_may_send_are_accepted() {
    let emulator = start(config());
    let domains = "/api/v3/servers/1/webapps/1/domains";
    let bearer = ("Authorization", BEARER);
    // Only `name`, as JSON, with and without Accept.
    for (index, accept) in [None, Some("application/json"), Some("*/*")]
        .into_iter()
        .enumerate()
    {
        let mut headers = vec![bearer, ("Content-Type", "application/json")];
        headers.extend(accept.map(|accept| ("Accept", accept)));
        let body = json!({"name": format!("json{index}.example.com")}).to_string();
        let added = ok(
            &raw(&emulator, "POST", domains, &headers, body.as_bytes()),
            "JSON name only",
        );
        assert_eq!(
            (&added["type"], &added["www"]),
            (&json!("alias"), &json!(0))
        );
    }
    // Truthy spellings in form and JSON bodies; empty form values count as not given.
    for (index, www) in ["1", "true"].into_iter().enumerate() {
        let form = format!("name=form{index}.example.com&www={www}&type=&redirection=");
        let added = ok(
            &raw(
                &emulator,
                "POST",
                domains,
                &[bearer, ("Content-Type", FORM)],
                form.as_bytes(),
            ),
            "form",
        );
        assert_eq!(
            (&added["www"], &added["type"], &added["redirection"]),
            (&json!(1), &json!("alias"), &json!("none"))
        );
    }
    for (index, www) in [json!(true), json!(1), json!("1"), json!("true")]
        .into_iter()
        .enumerate()
    {
        let body = json!({"name": format!("truthy{index}.example.com"), "www": www}).to_string();
        let added = ok(
            &raw(
                &emulator,
                "POST",
                domains,
                &[bearer, ("Content-Type", "application/json; charset=utf-8")],
                body.as_bytes(),
            ),
            "truthy",
        );
        assert_eq!(added["www"], 1);
    }
    // A production WordPress plugin pages with perPage=50 [seen]: clamped, not refused.
    let page = ok(
        &raw(
            &emulator,
            "GET",
            &format!("{domains}?page=1&perPage=50"),
            &[bearer],
            b"",
        ),
        "perPage=50",
    );
    assert_eq!(page["meta"]["pagination"]["per_page"], 40);
    assert_eq!(page["meta"]["pagination"]["total"], 9);
}

/// The v3 documentation's request examples (and the SDK's route map where the docs show no
/// body), JSON with `Accept: application/json` as documented. The per-domain SSL `PATCH`
/// (`{advancedSSL, autoSSL}`) is covered with the SSL routes' own tests.
#[test]
fn the_v3_documentation_examples_succeed() {
    let emulator = start(EmulatorConfig {
        apps: vec![(1, 1), (1, 2)],
        ..config()
    });
    let basic = "/servers/1/webapps/1";
    ok(&v3(&emulator, "GET", "/ping", None), "ping");
    ok(&v3(&emulator, "GET", basic, None), "web app");
    let added = ok(
        &v3(
            &emulator,
            "POST",
            &format!("{basic}/domains"),
            Some(
                json!({"name": "shop.example.com", "www": false, "redirection": "none", "type": "alias"}),
            ),
        ),
        "POST domains",
    );
    assert_eq!(added["dns_integration"], "none");
    let id = added["id"].as_u64().expect("id");
    ok(
        &v3(
            &emulator,
            "GET",
            &format!("{basic}/domains?page=1&perPage=20"),
            None,
        ),
        "list",
    );
    ok(
        &v3(&emulator, "GET", &format!("{basic}/domains/{id}"), None),
        "GET domain",
    );
    ok(
        &v3(
            &emulator,
            "PATCH",
            &format!("{basic}/domains/{id}/meta"),
            Some(json!({"type": "alias", "redirection": "www", "www": true})),
        ),
        "PATCH meta",
    );
    ok(
        &v3(
            &emulator,
            "POST",
            &format!("{basic}/ssl"),
            Some(
                json!({"provider": "letsencrypt", "enableHttp": false, "enableHsts": false,
                "ssl_protocol_id": 2, "authorizationMethod": "http-01", "externalApi": null,
                "environment": "live"}),
            ),
        ),
        "POST ssl",
    );
    let certificate = ok(
        &v3(&emulator, "GET", &format!("{basic}/ssl"), None),
        "GET ssl",
    );
    let ssl_id = certificate["id"].as_u64().expect("certificate id");
    ok(
        &v3(&emulator, "PUT", &format!("{basic}/ssl/{ssl_id}"), None),
        "PUT ssl",
    );
    ok(
        &v3(&emulator, "DELETE", &format!("{basic}/domains/{id}"), None),
        "DELETE domain",
    );

    // Per-domain ("advanced") SSL on the second app.
    let advanced = "/servers/1/webapps/2";
    ok(
        &v3(
            &emulator,
            "POST",
            &format!("{advanced}/ssl/advanced"),
            Some(json!({"advancedSSL": true, "autoSSL": false})),
        ),
        "POST ssl/advanced",
    );
    ok(
        &v3(&emulator, "GET", &format!("{advanced}/ssl/advanced"), None),
        "mode",
    );
    let domain = ok(
        &v3(
            &emulator,
            "POST",
            &format!("{advanced}/domains"),
            Some(
                json!({"name": "tenant.example.com", "www": false, "redirection": "none", "type": "alias"}),
            ),
        ),
        "POST domains",
    );
    let domain_id = domain["id"].as_u64().expect("id");
    let issued = ok(
        &v3(
            &emulator,
            "POST",
            &format!("{advanced}/domains/{domain_id}/ssl"),
            Some(
                json!({"advancedSSL": true, "autoSSL": false, "provider": "letsencrypt",
                "enableHttp": false, "enableHsts": false, "authorizationMethod": "http-01",
                "environment": "live"}),
            ),
        ),
        "POST domains/{D}/ssl",
    );
    assert_eq!(issued, json!({}));
    let own = ok(
        &v3(
            &emulator,
            "GET",
            &format!("{advanced}/domains/{domain_id}/ssl"),
            None,
        ),
        "GET domains/{D}/ssl",
    );
    let own_id = own["id"].as_u64().expect("certificate id");
    let redeployed = ok(
        &v3(
            &emulator,
            "PUT",
            &format!("{advanced}/domains/{domain_id}/ssl/{own_id}"),
            None,
        ),
        "PUT domains/{D}/ssl/{id}",
    );
    assert_eq!(redeployed, json!({}));
}

/// What a Laravel app accepts though no recorded client sent it: a multipart form (PHP cURL
/// with an array `CURLOPT_POSTFIELDS`), padded values (`TrimStrings`), the name in the query
/// string (`$request->input()` merges it; the body wins) [assumed: RunCloud runs Laravel].
#[test]
fn what_laravel_accepts_is_accepted() {
    let emulator = start(config());
    let path = "/api/v2/servers/1/webapps/1/domains";
    let multipart = "--WUboundary\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmp.example.com\r\n\
                     --WUboundary\r\nContent-Disposition: form-data; name=\"www\"\r\n\r\n1\r\n--WUboundary--\r\n";
    let mut headers = WP_HEADERS.to_vec();
    headers.push(("Content-Type", "multipart/form-data; boundary=WUboundary"));
    let added = ok(
        &raw(&emulator, "POST", path, &headers, multipart.as_bytes()),
        "multipart",
    );
    assert_eq!(
        (&added["name"], &added["www"]),
        (&json!("mp.example.com"), &json!(1))
    );

    let added = ok(
        &wp_form(
            &emulator,
            "POST",
            path,
            "name=+ws.example.com+&redirection=+none+",
        ),
        "padded values",
    );
    assert_eq!(added["name"], "ws.example.com");

    let added = ok(
        &wp_form(
            &emulator,
            "POST",
            &format!("{path}?name=qs.example.com"),
            "",
        ),
        "name in the query string",
    );
    assert_eq!(added["name"], "qs.example.com");
    let added = ok(
        &wp_form(
            &emulator,
            "POST",
            &format!("{path}?name=query.example.com"),
            "name=body.example.com",
        ),
        "the body wins",
    );
    assert_eq!(added["name"], "body.example.com");
    assert_eq!(
        emulator.domain_names(1, 1),
        vec![
            "mp.example.com",
            "ws.example.com",
            "qs.example.com",
            "body.example.com"
        ]
    );
}

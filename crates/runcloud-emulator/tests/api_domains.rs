//! Web app and domain endpoints on both versions: success and error paths, pagination edges.

mod common;

use std::collections::BTreeSet;

use common::*;
use runcloud_emulator::EmulatorConfig;
use serde_json::{json, Value};

const DOMAINS: &str = "/servers/1/webapps/1/domains";

fn seeded(count: usize) -> runcloud_emulator::Emulator {
    start(EmulatorConfig {
        seed_domains: count,
        ..config()
    })
}

#[test]
fn web_app_is_a_bare_object_with_documented_fields() {
    let emulator = start(EmulatorConfig {
        apps: vec![(7, 9), (8, 3)],
        ..config()
    });
    for response in [
        v3(&emulator, "GET", "/servers/7/webapps/9", None),
        v2(&emulator, "GET", "/servers/7/webapps/9", None),
    ] {
        assert_eq!(response.status, 200);
        let app = response.json();
        assert_eq!(app["id"], 9);
        assert!(app.get("data").is_none());
        for field in [
            "server_user_id",
            "name",
            "rootPath",
            "publicPath",
            "phpVersion",
            "stack",
            "stackMode",
            "type",
            "defaultApp",
            "alias",
            "pullKey1",
            "pullKey2",
            "created_at",
        ] {
            assert!(app.get(field).is_some(), "missing {field}");
        }
    }
}

#[test]
fn unknown_ids_are_404() {
    let emulator = start(EmulatorConfig {
        apps: vec![(7, 9), (8, 3)],
        ..config()
    });
    for path in [
        "/servers/1/webapps/9",  // unknown server
        "/servers/7/webapps/3",  // app of another server
        "/servers/7/webapps/10", // unknown app
        "/servers/x/webapps/9",  // not numeric
        "/servers/7/webapps/-9",
        "/servers/0/webapps/9",
        "/servers/7/webapps/9.0",
        "/servers/99999999999999999999999/webapps/9",
        "/servers/7/webapps/9/domains/abc",
        "/servers/7/webapps/9/domains/424242",
        "/servers/8/webapps/9/domains",
    ] {
        let response = v3(&emulator, "GET", path, None);
        assert_eq!(response.status, 404, "{path}: {}", response.text());
        assert!(response.json()["message"].is_string());
    }
    assert_eq!(
        v3(&emulator, "GET", "/servers/8/webapps/3", None).status,
        200
    );
}

fn list_page(emulator: &runcloud_emulator::Emulator, query: &str) -> Value {
    let response = v3(emulator, "GET", &format!("{DOMAINS}?{query}"), None);
    assert_eq!(response.status, 200, "{query}: {}", response.text());
    response.json()
}

/// Lists every page at `per_page` and checks `meta.pagination` on each.
fn list_all(emulator: &runcloud_emulator::Emulator, per_page: usize) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut page = 1;
    loop {
        let body = list_page(emulator, &format!("page={page}&perPage={per_page}"));
        let pagination = &body["meta"]["pagination"];
        let data = body["data"].as_array().expect("data array");
        assert_eq!(pagination["count"], data.len());
        assert_eq!(pagination["per_page"], per_page);
        assert_eq!(pagination["current_page"], page);
        names.extend(
            data.iter()
                .map(|domain| domain["name"].as_str().unwrap_or("").to_string()),
        );
        let total_pages = pagination["total_pages"].as_u64().expect("total_pages") as usize;
        if page >= total_pages {
            assert_eq!(pagination["total"], names.len());
            return (names, total_pages);
        }
        assert_eq!(data.len(), per_page);
        page += 1;
    }
}

#[test]
fn pagination_edges() {
    for (count, expected_pages) in [(0, 1), (1, 1), (40, 1), (41, 2)] {
        let emulator = seeded(count);
        let (names, pages) = list_all(&emulator, 40);
        assert_eq!(pages, expected_pages, "{count} domains");
        assert_eq!(names.len(), count);
        assert_eq!(names, emulator.domain_names(1, 1));
    }
}

#[test]
fn a_thousand_domains_are_25_pages_of_40_whose_union_is_exact() {
    let emulator = seeded(1000);
    let (names, pages) = list_all(&emulator, 40);
    assert_eq!(pages, 25);
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), 1000);
    let expected: BTreeSet<String> = (1..=1000)
        .map(|n| format!("site-{n}.example.test"))
        .collect();
    assert_eq!(names.iter().cloned().collect::<BTreeSet<_>>(), expected);
}

#[test]
fn pagination_defaults_links_and_limits() {
    let emulator = seeded(45);
    let body = list_page(&emulator, "");
    let pagination = &body["meta"]["pagination"];
    assert_eq!(pagination["per_page"], 20);
    assert_eq!(pagination["total"], 45);
    assert_eq!(pagination["total_pages"], 3);
    let next = pagination["links"]["next"].as_str().expect("next link");
    assert!(
        next.ends_with("/api/v3/servers/1/webapps/1/domains?page=2&perPage=20"),
        "{next}"
    );
    assert!(pagination["links"].get("previous").is_none());

    let past_end = list_page(&emulator, "page=9&perPage=20");
    assert_eq!(past_end["data"], json!([]));
    assert_eq!(past_end["meta"]["pagination"]["current_page"], 9);

    // [assumed] over 40 is clamped, not refused: a production plugin sends perPage=50 [seen].
    for asked in ["perPage=41", "perPage=50", "perPage=1000"] {
        let body = list_page(&emulator, asked);
        assert_eq!(body["meta"]["pagination"]["per_page"], 40, "{asked}");
        assert_eq!(body["data"].as_array().map(Vec::len), Some(40), "{asked}");
        assert_eq!(body["meta"]["pagination"]["total_pages"], 2, "{asked}");
    }
    // [assumed] not a positive integer: Laravel's fallback (page 1, 20 per page), not a 422.
    for bad in ["perPage=0", "page=0", "page=abc"] {
        let body = list_page(&emulator, bad);
        assert_eq!(body["meta"]["pagination"]["current_page"], 1, "{bad}");
        assert_eq!(body["meta"]["pagination"]["per_page"], 20, "{bad}");
        assert_eq!(body["data"].as_array().map(Vec::len), Some(20), "{bad}");
    }
    let v2_list = v2(&emulator, "GET", &format!("{DOMAINS}?perPage=40"), None);
    assert_eq!(v2_list.status, 200);
    assert_eq!(v2_list.json()["meta"]["pagination"]["total_pages"], 2);
}

#[test]
fn adds_a_domain_and_returns_the_documented_object() {
    let emulator = start(config());
    let response = v3(
        &emulator,
        "POST",
        DOMAINS,
        Some(
            json!({"name": "shop.example.com", "www": true, "redirection": "non-www", "type": "alias"}),
        ),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    let domain = response.json();
    assert_eq!(domain["name"], "shop.example.com");
    assert_eq!(domain["www"], 1);
    assert_eq!(domain["wildcard"], 0);
    assert_eq!(domain["type"], "alias");
    assert_eq!(domain["redirection"], "non-www");
    assert!(domain["id"].as_u64().is_some_and(|id| id > 0));
    let created_at = domain["created_at"].as_str().expect("created_at");
    assert_eq!(created_at.len(), 19);
    assert_eq!(&created_at[4..5], "-");
    assert_eq!(&created_at[10..11], " ");

    let id = domain["id"].as_u64().unwrap_or(0);
    let fetched = v2(&emulator, "GET", &format!("{DOMAINS}/{id}"), None);
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json(), domain);
    assert_eq!(emulator.domain_names(1, 1), vec!["shop.example.com"]);
}

#[test]
fn ids_are_unique_and_increasing_across_apps() {
    let emulator = start(EmulatorConfig {
        apps: vec![(1, 1), (2, 1)],
        ..config()
    });
    let mut last = 0;
    for (index, server) in [1, 2, 1, 2].iter().enumerate() {
        let response = v3(
            &emulator,
            "POST",
            &format!("/servers/{server}/webapps/1/domains"),
            Some(new_domain(&format!("d{index}.example.com"))),
        );
        let id = response.json()["id"].as_u64().expect("id");
        assert!(id > last);
        last = id;
    }
}

#[test]
fn form_encoded_bodies_and_truthy_spellings_are_accepted() {
    let emulator = start(config());
    for (index, www) in ["1", "true", "0", "false"].iter().enumerate() {
        let body =
            format!("name=f{index}.example.com&www={www}&redirection=none&type=alias&wildcard=0");
        let response = Connection::open(&emulator)
            .request(
                "POST",
                &format!("/api/v2{DOMAINS}"),
                Some(BASIC),
                Some(("application/x-www-form-urlencoded", body.as_bytes())),
            )
            .expect("response");
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["www"], u8::from(index < 2));
    }
    for (index, www) in [json!(1), json!("1"), json!("true"), json!(true)]
        .into_iter()
        .enumerate()
    {
        let response = v3(
            &emulator,
            "POST",
            DOMAINS,
            Some(
                json!({"name": format!("j{index}.example.com"), "www": www, "redirection": "www", "type": "primary"}),
            ),
        );
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.json()["www"], 1);
    }
}

fn add_errors(emulator: &runcloud_emulator::Emulator, body: Value) -> Value {
    let response = v3(emulator, "POST", DOMAINS, Some(body.clone()));
    assert_eq!(response.status, 422, "{body}: {}", response.text());
    let json = response.json();
    assert!(json["message"].is_string());
    json["errors"].clone()
}

#[test]
fn invalid_domains_are_422_with_field_errors() {
    let emulator = start(config());
    for name in [
        json!(""),
        json!("localhost"),
        json!("1.2.3.4"),
        json!("https://example.com"),
        json!("example.com:8080"),
        json!("example.com/path"),
        json!("a b.example.com"),
        json!("user@example.com"),
        json!("-x.example.com"),
        json!("münchen.de"),
        json!(12),
        json!(null),
    ] {
        let mut body = new_domain("x");
        body["name"] = name.clone();
        let errors = add_errors(&emulator, body);
        assert!(errors["name"].is_array(), "{name}: {errors}");
    }
    // Only `name` is required (real clients sent no `type`, or nothing but `name` [seen]).
    assert_eq!(
        add_errors(&emulator, json!({}))
            .as_object()
            .map(|errors| errors.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["name".to_string()])
    );
    let mut bad_fields = new_domain("ok.example.com");
    bad_fields["www"] = json!("yes");
    bad_fields["redirection"] = json!("both");
    bad_fields["type"] = json!("main");
    bad_fields["wildcard"] = json!(2);
    let errors = add_errors(&emulator, bad_fields);
    for field in ["www", "redirection", "type", "wildcard"] {
        assert!(errors[field].is_array(), "{field}: {errors}");
    }
    assert!(emulator.domain_names(1, 1).is_empty());

    // [assumed] A `*.` name is a wildcard domain with or without `wildcard` (the documented
    // request has no such field).
    let response = v3(
        &emulator,
        "POST",
        DOMAINS,
        Some(new_domain("*.example.com")),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["wildcard"], 1);
    let mut wildcard = new_domain("*.example.org");
    wildcard["wildcard"] = json!(true);
    let response = v3(&emulator, "POST", DOMAINS, Some(wildcard));
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["wildcard"], 1);
    let response = v3(
        &emulator,
        "POST",
        DOMAINS,
        Some(new_domain("xn--mnchen-3ya.de")),
    );
    assert_eq!(response.status, 200);
}

/// [assumed] Host names are case-insensitive: a name with capitals or a trailing dot is stored
/// lower-case without the dot (not refused: the emulator must not be stricter than RunCloud),
/// and it is the same name for the duplicate check.
#[test]
fn names_are_stored_lower_case_without_the_trailing_dot() {
    let emulator = start(config());
    let response = v3(
        &emulator,
        "POST",
        DOMAINS,
        Some(new_domain("Shop.Example.COM.")),
    );
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["name"], "shop.example.com");
    let errors = add_errors(&emulator, new_domain("shop.example.com"));
    assert!(errors["name"].is_array(), "{errors}");
    assert_eq!(
        emulator.domain_names(1, 1),
        vec!["shop.example.com".to_string()]
    );
}

#[test]
fn duplicates_are_422_name_taken() {
    let emulator = start(EmulatorConfig {
        apps: vec![(1, 1), (1, 2), (2, 1)],
        ..config()
    });
    assert_eq!(
        v3(
            &emulator,
            "POST",
            DOMAINS,
            Some(new_domain("dup.example.com"))
        )
        .status,
        200
    );
    for path in [DOMAINS, "/servers/1/webapps/2/domains"] {
        let response = v2(&emulator, "POST", path, Some(new_domain("dup.example.com")));
        assert_eq!(response.status, 422, "{path}");
        assert_eq!(
            response.json()["errors"]["name"],
            json!(["The name has already been taken."])
        );
    }
    // Another server (an extra target behind a load balancer) may serve the same name.
    let response = v3(
        &emulator,
        "POST",
        "/servers/2/webapps/1/domains",
        Some(new_domain("dup.example.com")),
    );
    assert_eq!(response.status, 200);
}

/// A body Laravel cannot read gives no fields (never a 415 or 400 of its own): the name is
/// then missing (422), or comes from the query string [assumed: Laravel].
#[test]
fn bodies_laravel_cannot_read_give_no_fields() {
    let emulator = start(config());
    let path = format!("/api/v3{DOMAINS}");
    let cases: &[(&str, &[u8])] = &[
        ("application/json", b"{not json"),
        ("application/json", b"[1,2]"),
        (
            "application/json",
            b"\xEF\xBB\xBF{\"name\":\"bom.example.com\"}",
        ),
        ("text/plain", b"name=a.example.com"),
        ("application/octet-stream", b"\x00\x01"),
        ("multipart/form-data", b"no boundary"),
    ];
    for (content_type, body) in cases {
        let response = Connection::open(&emulator)
            .request("POST", &path, Some(BEARER), Some((content_type, body)))
            .expect("response");
        assert_eq!(response.status, 422, "{content_type}: {}", response.text());
        assert_eq!(
            response.json()["errors"]["name"][0],
            "The name field is required.",
            "{content_type}"
        );
        let with_query = Connection::open(&emulator)
            .request(
                "POST",
                &format!("{path}?name=q{}.example.com", body.len()),
                Some(BEARER),
                Some((content_type, body)),
            )
            .expect("response");
        assert_eq!(
            with_query.status,
            200,
            "{content_type}: {}",
            with_query.text()
        );
    }
    // No body at all: the fields are missing.
    let response = Connection::open(&emulator)
        .request("POST", &path, Some(BEARER), None)
        .expect("response");
    assert_eq!(response.status, 422);
}

#[test]
fn deletes_and_returns_the_deleted_object() {
    let emulator = seeded(2);
    let first = list_page(&emulator, "")["data"][0].clone();
    let id = first["id"].as_u64().expect("id");
    let response = v3(&emulator, "DELETE", &format!("{DOMAINS}/{id}"), None);
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), first);
    assert_eq!(emulator.domain_names(1, 1), vec!["site-2.example.test"]);
    let again = v2(&emulator, "DELETE", &format!("{DOMAINS}/{id}"), None);
    assert_eq!(again.status, 404);
    assert_eq!(
        v3(&emulator, "GET", &format!("{DOMAINS}/{id}"), None).status,
        404
    );
}

#[test]
fn patch_meta_updates_settings() {
    let emulator = seeded(1);
    let id = list_page(&emulator, "")["data"][0]["id"]
        .as_u64()
        .expect("id");
    let path = format!("{DOMAINS}/{id}/meta");
    let response = v3(
        &emulator,
        "PATCH",
        &path,
        Some(json!({"type": "primary", "redirection": "www", "www": true})),
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json(),
        json!({"message": "Domain settings have been successfully updated."})
    );
    let domain = v3(&emulator, "GET", &format!("{DOMAINS}/{id}"), None).json();
    assert_eq!(
        (
            domain["type"].clone(),
            domain["redirection"].clone(),
            domain["www"].clone()
        ),
        (json!("primary"), json!("www"), json!(1))
    );

    let response = v2(
        &emulator,
        "PATCH",
        &path,
        Some(json!({"type": "nope", "redirection": "www"})),
    );
    assert_eq!(response.status, 422);
    let errors = response.json()["errors"].clone();
    assert!(errors["type"].is_array() && errors["www"].is_array());
    assert_eq!(
        v3(
            &emulator,
            "PATCH",
            &format!("{DOMAINS}/999/meta"),
            Some(json!({"type": "alias", "redirection": "none", "www": false}))
        )
        .status,
        404
    );
}

#[test]
fn search_filters_domain_names() {
    let emulator = seeded(12);
    let body = list_page(&emulator, "search=site-1");
    // site-1, site-10, site-11, site-12
    assert_eq!(body["meta"]["pagination"]["total"], 4);
}

//! No credential ever appears in an error message or Debug output.

mod common;

use common::*;
use runcloud::{api, CallInput, Error, PhpValue};

fn all_errors(input: &CallInput) -> Vec<Error> {
    let mut out = Vec::new();
    out.extend(api::config(input).err());
    out.extend(api::test_connection(input).err());
    out.extend(api::list_domains(input).err());
    out.extend(api::find_domain(input, b"x.example.com").err());
    out.extend(api::add_domain(input, b"x.example.com").err());
    out.extend(api::remove_domain(input, b"x.example.com").err());
    out.extend(api::redeploy_ssl(input).err());
    out
}

#[test]
fn wrong_token_is_401_without_the_token() {
    let emu = start(|_| {});
    let input = with_options(v3(&emu), &[("api_token", "tok-WRONG-but-secret".into())]);
    let errors = all_errors(&input);
    assert_eq!(errors.len(), 6); // config() does not talk to RunCloud
    for e in &errors {
        assert_eq!(e.status(), Some(401), "{e}");
        assert!(matches!(e, Error::Api { .. }));
        let text = format!("{e} {e:?}");
        assert!(!text.contains("tok-WRONG-but-secret"), "{text}");
        assert_no_secret(e);
    }
}

#[test]
fn wrong_v2_secret_is_401_without_credentials() {
    let emu = start(|_| {});
    let input = with_options(
        v2(&emu),
        &[
            ("api_key", KEY.into()),
            ("api_secret", "sec-WRONG-xyz".into()),
        ],
    );
    for e in all_errors(&input) {
        assert_eq!(e.status(), Some(401));
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains("sec-WRONG-xyz") && !text.contains(KEY),
            "{text}"
        );
    }
}

#[test]
fn config_errors_and_debug_never_show_secrets() {
    let emu = start(|_| {});
    // Invalid values next to valid secrets.
    for bad in [
        ("server_id", PhpValue::from("abc")),
        ("api_url", PhpValue::from("http://example.com/api")),
        ("timeout", PhpValue::from("soon")),
        ("api_secret", PhpValue::from("")),
        ("ca_file", PhpValue::from("/nonexistent")),
        ("api_token", PhpValue::from("has space")),
    ] {
        let input = with_options(v3(&emu), std::slice::from_ref(&bad));
        for e in all_errors(&input) {
            assert_no_secret(&e);
            assert!(!format!("{e:?}").contains("has space"));
        }
    }
    let input = v3(&emu);
    assert!(!format!("{input:?}").contains(TOKEN));
    let cfg = api::config(&input).unwrap();
    let text = format!("{cfg:?} {}", serde_json::to_string(&cfg).unwrap());
    assert_no_secret_text(&text);
}

fn assert_no_secret_text(text: &str) {
    for s in [TOKEN, KEY, SECRET] {
        assert!(!text.contains(s), "{text}");
    }
}

/// 401/403/404 messages guide the operator by names and ids, never by values.
#[test]
fn error_guidance_names_kinds_and_ids_never_values() {
    let emu = start(|c| c.apps = vec![(1, 1), (9, 4)]);
    let wrong_token = with_options(v3(&emu), &[("api_token", "tok-WRONG-but-secret".into())]);
    let e = api::test_connection(&wrong_token).unwrap_err();
    let text = e.to_string();
    assert_eq!(e.status(), Some(401));
    for part in [
        "GET /ping: 401 ",
        "RunCloud rejected the v3 API token (option api_token)",
        "Workspace > Settings > API Management, with the \"RunCloud API\" toggle on",
        "profile menu > Settings > API Key",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    let e = api::list_domains(&v2_with_wrong_secret(&emu)).unwrap_err();
    assert!(
        e.to_string().contains(
            "RunCloud rejected the v2 API key and secret (options api_key and api_secret)"
        ),
        "{e}"
    );
    let mut constants_v2 = v2(&emu);
    constants_v2
        .constants
        .retain(|(n, _)| n != "WU_RUNCLOUD_API_SECRET");
    constants_v2
        .constants
        .push(("WU_RUNCLOUD_API_SECRET".into(), "sec-WRONG-xyz".into()));
    let e = api::list_domains(&constants_v2).unwrap_err();
    assert!(
        e.to_string()
            .contains("(WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET)"),
        "{e}"
    );

    emu.add_fault(
        serde_json::json!({"path":"/api/v3/servers/*/webapps/*/domains","status":403,
        "body":format!("{{\"message\":\"API access is turned off for {TOKEN}.\"}}")}),
    )
    .unwrap();
    let e = api::list_domains(&v3(&emu)).unwrap_err();
    let text = e.to_string();
    assert_eq!(e.status(), Some(403));
    assert!(
        text.contains("refused the v3 API token access to server 1"),
        "{text}"
    );
    assert!(text.contains("Business or Enterprise plan"), "{text}");
    assert!(text.contains("outside the token's workspace"), "{text}");

    let e = api::list_domains(&with_options(v3(&emu), &[("app_id", 7.into())])).unwrap_err();
    assert!(
        e.to_string()
            .contains("web app 7 was not found on server 1"),
        "{e}"
    );
    let e = api::test_connection(&with_options(v3(&emu), &[("server_id", 5.into())])).unwrap_err();
    assert!(e.to_string().contains("server 5 was not found"), "{e}");

    for e in [
        api::test_connection(&wrong_token).unwrap_err(),
        api::list_domains(&v2_with_wrong_secret(&emu)).unwrap_err(),
        api::list_domains(&constants_v2).unwrap_err(),
    ] {
        assert_no_secret(&e);
        let text = format!("{e} {e:?}");
        assert!(
            !text.contains("tok-WRONG-but-secret") && !text.contains("sec-WRONG-xyz"),
            "{text}"
        );
    }
}

fn v2_with_wrong_secret(emu: &runcloud_emulator::Emulator) -> CallInput {
    with_options(
        v2(emu),
        &[
            ("api_key", KEY.into()),
            ("api_secret", "sec-WRONG-xyz".into()),
        ],
    )
}

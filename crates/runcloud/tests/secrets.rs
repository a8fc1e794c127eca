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

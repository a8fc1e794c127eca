//! The decoders of replies RunCloud never documented, called directly (no HTTP), and the
//! registrable-domain lookup. The first byte picks the decoder; the rest is its input.
//! Properties: never a panic; a `GET ssl` body is "none" exactly when it is a JSON object
//! (after a `data` object is unwrapped) without `id` (or with `id: null`), a certificate only
//! with a positive integer id; a wait hint from `Retry-After` equals its digits; a registrable
//! domain is its own registrable domain and a label-suffix of an ASCII input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runcloud::{api, fuzzing};
use serde_json::Value;

const NOW: u64 = 1_764_439_671;

fn certificate(body: &[u8]) {
    let decoded = fuzzing::certificate_answer(body);
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let Some(v) = parsed else {
        return;
    };
    let v = match v.get("data") {
        Some(inner @ Value::Object(_)) => inner.clone(),
        _ => v,
    };
    match (&v, decoded) {
        (Value::Object(o), Some(None)) => {
            assert!(
                o.get("id").is_none_or(Value::is_null),
                "{v}: id taken for none"
            );
        }
        (Value::Object(_), Some(Some(id))) => assert!(id > 0, "{v}"),
        (Value::Object(o), None) => {
            assert!(
                o.get("id").is_some_and(|id| !id.is_null()),
                "{v}: no id but an error"
            );
        }
        (other, result) => assert_eq!(result, None, "{other}: not an object"),
    }
}

fn wait_hint(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (retry_after, reset) = text.split_once('\n').unwrap_or((&text, ""));
    let (retry_after, reset) = (Some(retry_after), Some(reset));
    let secs = fuzzing::server_wait_secs(retry_after, reset, NOW);
    let ra = retry_after.unwrap_or("").trim();
    if !ra.is_empty() && ra.len() <= 12 && ra.bytes().all(|b| b.is_ascii_digit()) {
        assert_eq!(secs, ra.parse().ok(), "{ra:?}");
    }
    assert_eq!(
        secs,
        fuzzing::server_wait_secs(retry_after, reset, NOW),
        "deterministic"
    );
}

fn registrable(raw: &[u8]) {
    match api::registrable_domain(raw) {
        Ok(Some(r)) => {
            assert!(r.is_ascii() && !r.starts_with("*."), "{r}");
            assert_eq!(
                api::registrable_domain(r.as_bytes())
                    .ok()
                    .flatten()
                    .as_deref(),
                Some(r.as_str()),
                "not its own registrable domain"
            );
            if let Ok(text) = std::str::from_utf8(raw) {
                if text.is_ascii() {
                    let lower = text.to_ascii_lowercase();
                    let name = lower.strip_suffix('.').unwrap_or(&lower);
                    assert!(
                        name == r || name.ends_with(&format!(".{r}")),
                        "{name} -> {r}"
                    );
                }
            }
        }
        Ok(None) => {}
        Err(runcloud::Error::Validation { field, message }) => {
            assert_eq!(field, "domain", "{message}");
            assert!(!message.contains(['\n', '\r', '\0']), "{message:?}");
        }
        Err(other) => panic!("{other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => certificate(rest),
        1 => wait_hint(rest),
        _ => registrable(rest),
    }
});

//! Bounded property runs (CI-sized) over domain validation and the response decoders, through
//! the public facade. The long runs are the cargo-fuzz targets in fuzz/ (docs/RELIABILITY.md).
//!
//! - Domain validation, ASCII: for random ASCII strings the accept/reject decision equals an
//!   independent oracle written from docs/RUNCLOUD_API.md §5; accepted names are already canonical.
//! - Domain validation, anything: for random bytes (Unicode, invalid UTF-8, controls) the
//!   decision is a Validation error or acceptance, never a panic; every accepted name is
//!   accepted by the (strict) emulator, and normalising it again changes nothing.
//! - Decoders: random statuses and bodies served by the emulator end in `Ok` or the error
//!   class the status calls for, never a panic; the message names the endpoint.
//! - Certificate answers (`GET ssl`): a 2xx object without `id` is "no certificate", any
//!   other 2xx shape an error naming `/ssl`, per an oracle written from docs/RUNCLOUD_API.md §2/§4;
//!   `add_domain` never throws for them (its SSL step says `failed`).
//! - Refused adds: a random 4xx (but 429) to the POST of a name already on the app is
//!   `created => false`; of a name not there, the error with RunCloud's status.
//! - Wait hints: random `Retry-After`/`X-RateLimit-Reset` on a 429 with `max_wait` 1 s: the
//!   call waits only when the hint fits, else ends at once with a 429 saying when to retry.
//! - Registrable domains: for random bytes, `registrable_domain` accepts exactly what
//!   `add_domain` (with wildcard) accepts; an answer is canonical, a label-suffix of the
//!   normalised name, and its own registrable domain.
//!
//! Validity is probed without any request: the facade checks the domain before missing
//! configuration (api.rs), so with no server/app id a valid name is `Error::Config` and an
//! invalid one `Error::Validation`. Seeds are fixed (`RELIABILITY_SEED` overrides) so a
//! failure reproduces; `RELIABILITY_CASES` scales the runs up locally.

use runcloud::{api, CallInput, Error, PhpValue};
use runcloud_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

const TOKEN: &str = "tok-SECRET-props-1234";

fn cases(default: usize) -> usize {
    std::env::var("RELIABILITY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rng(salt: u64) -> fastrand::Rng {
    let seed = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2026_u64);
    fastrand::Rng::with_seed(seed ^ salt)
}

/// Options with credentials but no server/app id: nothing can be sent.
fn offline(wildcard: bool) -> CallInput {
    CallInput {
        constants: vec![],
        options: vec![
            ("api_token".into(), PhpValue::from(TOKEN)),
            ("wildcard".into(), PhpValue::Bool(wildcard)),
            ("ssl".into(), PhpValue::Bool(false)),
        ],
    }
}

fn online(emulator: &Emulator, extra: Vec<(&str, PhpValue)>) -> CallInput {
    let mut options = vec![
        (
            "api_url".to_string(),
            PhpValue::from(emulator.base_url().as_str()),
        ),
        ("api_token".to_string(), PhpValue::from(TOKEN)),
        ("server_id".to_string(), PhpValue::Int(1)),
        ("app_id".to_string(), PhpValue::Int(1)),
        ("timeout".to_string(), PhpValue::Int(5)),
    ];
    options.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    CallInput {
        constants: vec![],
        options,
    }
}

fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig {
        token: Some(TOKEN.into()),
        ..EmulatorConfig::default()
    })
    .expect("emulator")
}

/// `Ok(true)` valid, `Ok(false)` invalid (Validation naming `domain`), `Err` anything else.
fn accepted(raw: &[u8], wildcard: bool) -> Result<bool, String> {
    match api::add_domain(&offline(wildcard), raw) {
        Err(Error::Config { .. }) => Ok(true),
        Err(Error::Validation { field, message }) => {
            if field != "domain" {
                return Err(format!("validation of field {field:?}: {message}"));
            }
            if message.contains('\n') || message.contains('\r') || message.contains('\0') {
                return Err(format!("raw control character in the message {message:?}"));
            }
            Ok(false)
        }
        other => Err(format!("unexpected outcome {other:?}")),
    }
}

/// docs/RUNCLOUD_API.md §5 for ASCII input, written independently of src/domain_name.rs.
fn oracle_ascii(input: &str, wildcard: bool) -> Option<String> {
    let lower = input.to_ascii_lowercase();
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    let (prefix, rest) = match name.strip_prefix("*.") {
        Some(rest) if wildcard => ("*.", rest),
        Some(_) => return None,
        None => ("", name),
    };
    let labels: Vec<&str> = rest.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return None;
        }
    }
    if labels.last()?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let full = format!("{prefix}{rest}");
    (full.len() <= 253).then_some(full)
}

fn random_ascii_name(rng: &mut fastrand::Rng) -> String {
    // Mostly domain-like, with every kind of mistake mixed in.
    const ALPHABET: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-------.......";
    const ODD: &[u8] = b" _*@:/\\?#%!$\"'<>,;=~+\t\n\x00\x7f[]";
    let labels = rng.usize(1..=5);
    let mut s = String::new();
    if rng.u8(..) < 20 {
        s.push_str("*.");
    }
    for i in 0..labels {
        if i > 0 {
            s.push('.');
        }
        let len = match rng.u8(..) {
            0..=5 => rng.usize(60..=66),
            6..=10 => 0,
            _ => rng.usize(1..=12),
        };
        for _ in 0..len {
            let b = if rng.u8(..) < 6 {
                ODD[rng.usize(..ODD.len())]
            } else {
                ALPHABET[rng.usize(..ALPHABET.len() - 7)]
            };
            s.push(b as char);
        }
        if rng.u8(..) < 25 {
            // an all-digit label
            s.push_str(&rng.u32(..).to_string());
        }
    }
    match rng.u8(..) {
        0..=15 => s.push('.'),
        16..=20 => s.push_str(".."),
        21..=25 => s.insert(0, '.'),
        26..=28 => s = format!("{}.{}", "a".repeat(rng.usize(230..260)), s),
        _ => {}
    }
    // No xn-- labels here: their A-label validity is the Unicode run's business.
    s.replace("xn--", "xn-x")
}

#[test]
fn ascii_names_match_the_oracle() {
    let mut rng = rng(1);
    let (mut valid, mut invalid) = (0, 0);
    for _ in 0..cases(20_000) {
        let input = random_ascii_name(&mut rng);
        if input.to_ascii_lowercase().contains("xn--") {
            continue;
        }
        for wildcard in [false, true] {
            let got =
                accepted(input.as_bytes(), wildcard).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            let want = oracle_ascii(&input, wildcard);
            assert_eq!(
                got,
                want.is_some(),
                "{input:?} (wildcard {wildcard}): client says {got}, §5 says {want:?}"
            );
            if got {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
    }
    // The generator must exercise both sides.
    assert!(
        valid > 1000 && invalid > 1000,
        "valid {valid}, invalid {invalid}"
    );
}

fn random_bytes(rng: &mut fastrand::Rng) -> Vec<u8> {
    const PIECES: &[&str] = &[
        "bücher",
        "例え",
        "テスト",
        "straße",
        "пример",
        "ñ",
        "é",
        "\u{0301}",
        "\u{200b}",
        "\u{200d}",
        "\u{fe0f}",
        "ＥＸＡＭＰＬＥ",
        "．",
        "。",
        "\u{ff61}",
        "xn--",
        "xn--bcher-kva",
        "xn--zz",
        "ß",
        "ς",
        "İ",
        "ǅ",
        "\u{2126}",
        "ﬁ",
        "⒈",
        "\u{00ad}",
        "-",
        ".",
        "*.",
        "a",
        "z9",
        "example",
        "com",
        "\u{1f600}",
        "\u{0644}\u{0627}",
        "\u{05d0}",
        "1",
        "\u{0660}",
        "\u{06f0}",
        "\u{e000}",
        " ",
    ];
    let mut out = Vec::new();
    for _ in 0..rng.usize(1..=8) {
        match rng.u8(..) {
            0..=200 => out.extend_from_slice(PIECES[rng.usize(..PIECES.len())].as_bytes()),
            201..=230 => out.push(b'.'),
            _ => out.push(rng.u8(..)),
        }
    }
    out
}

fn check_canonical(name: &str) {
    assert!(name.is_ascii(), "{name:?} is not ASCII");
    assert!(name.len() <= 253, "{name:?} is longer than 253");
    let rest = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = rest.split('.').collect();
    assert!(labels.len() >= 2, "{name:?} has fewer than two labels");
    for l in &labels {
        assert!(!l.is_empty() && l.len() <= 63, "{name:?}: label {l:?}");
        assert!(
            l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{name:?}: label {l:?}"
        );
        assert!(
            !l.starts_with('-') && !l.ends_with('-'),
            "{name:?}: label {l:?}"
        );
    }
}

#[test]
fn any_bytes_are_refused_or_canonical_and_the_emulator_agrees() {
    let emulator = emulator();
    let mut rng = rng(2);
    let mut sent = 0;
    for _ in 0..cases(5_000) {
        let raw = random_bytes(&mut rng);
        let wildcard = raw.starts_with(b"*.");
        match accepted(&raw, wildcard) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(e) => panic!("{:?}: {e}", String::from_utf8_lossy(&raw)),
        }
        // Cap the requests: a few hundred names through the emulator.
        if sent >= 300 {
            continue;
        }
        sent += 1;
        let input = online(
            &emulator,
            vec![
                ("ssl", PhpValue::Bool(false)),
                ("wildcard", PhpValue::Bool(wildcard)),
            ],
        );
        let added = api::add_domain(&input, &raw).unwrap_or_else(|e| {
            panic!(
                "{:?} passed the client's validation but the emulator refused it: {e}",
                String::from_utf8_lossy(&raw)
            )
        });
        let name = added.domain.name.clone();
        check_canonical(&name);
        // Normalising the canonical form again changes nothing; it is the same domain.
        let again = api::add_domain(&input, name.as_bytes()).expect("canonical name accepted");
        assert_eq!(again.domain.id, added.domain.id, "{name}");
        assert!(!again.created, "{name}: added twice");
        let found = api::find_domain(&online(&emulator, vec![]), &raw).expect("find");
        assert_eq!(found.map(|d| d.name), Some(name.clone()));
        let removed = api::remove_domain(&online(&emulator, vec![]), &raw).expect("remove");
        assert!(removed.removed, "{name}");
    }
    assert!(sent > 20, "too few valid names generated: {sent}");
    assert!(emulator.domain_names(1, 1).is_empty());
}

fn random_body(rng: &mut fastrand::Rng) -> String {
    let domain = |rng: &mut fastrand::Rng| {
        let mut d = serde_json::Map::new();
        let fields = [
            "id",
            "name",
            "type",
            "www",
            "redirection",
            "wildcard",
            "created_at",
            "data",
        ];
        for f in fields {
            if rng.u8(..) < 200 {
                d.insert(f.into(), random_json(rng, 2));
            }
        }
        serde_json::Value::Object(d)
    };
    match rng.u8(..) {
        0..=60 => {
            let items: Vec<_> = (0..rng.usize(0..4)).map(|_| domain(rng)).collect();
            json!({"data": items, "meta": {"pagination": {"total_pages": random_json(rng, 1), "current_page": random_json(rng, 1)}}}).to_string()
        }
        61..=100 => domain(rng).to_string(),
        101..=140 => {
            json!({"message": random_json(rng, 2), "errors": random_json(rng, 3)}).to_string()
        }
        141..=200 => random_json(rng, 4).to_string(),
        _ => {
            let len = rng.usize(0..64);
            (0..len).map(|_| rng.char(..)).collect()
        }
    }
}

fn random_json(rng: &mut fastrand::Rng, depth: u32) -> serde_json::Value {
    use serde_json::Value;
    match rng.u8(..) % if depth == 0 { 6 } else { 8 } {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!(rng.i64(-3..100)),
        3 => [
            json!(u64::MAX),
            json!(i64::MIN),
            json!(0),
            json!(1),
            json!(1.5),
            json!(-0.0),
            json!(1e300),
        ][rng.usize(..7)]
        .clone(),
        4 => json!(
            [
                "",
                "1",
                "0",
                "true",
                "site.example.com",
                "x".repeat(rng.usize(0..300)).as_str(),
                "\u{0}\n\u{202e}"
            ][rng.usize(..7)]
        ),
        5 => json!(rng.u64(..)),
        6 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "id", "name", "message", "errors", "data", "meta", "www", "x",
            ];
            Value::Object(
                (0..rng.usize(0..4))
                    .map(|_| {
                        (
                            keys[rng.usize(..keys.len())].to_string(),
                            random_json(rng, depth - 1),
                        )
                    })
                    .collect(),
            )
        }
    }
}

#[test]
fn random_answers_end_in_ok_or_the_right_error() {
    let emulator = emulator();
    let mut rng = rng(3);
    let statuses = [
        200, 200, 200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 409, 418, 422, 429, 500,
        502, 503, 504, 520,
    ];
    for _ in 0..cases(400) {
        emulator.clear_faults();
        let status: u16 = statuses[rng.usize(..statuses.len())];
        let body = random_body(&mut rng);
        let (method, path, which) = match rng.u8(..) % 3 {
            0 => ("GET", "/api/v3/servers/*/webapps/*/domains", "list"),
            1 => ("POST", "/api/v3/servers/*/webapps/*/domains", "add"),
            _ => ("GET", "/api/v3/servers/*/webapps/*", "test"),
        };
        // Retry-After: 0 keeps the retried statuses from sleeping through the run.
        let mut rule = json!({"method": method, "path": path, "status": status, "body": body, "times": 3, "headers": {"Retry-After": "0"}});
        if (300..400).contains(&status) {
            rule = json!({"method": method, "path": path, "status": if status == 304 { 302 } else { status }, "redirect_to": "http://127.0.0.1:9", "times": 3});
        }
        emulator.add_fault(rule).expect("fault rule");
        let input = online(&emulator, vec![("timeout", PhpValue::Int(3))]);
        let add_input = online(
            &emulator,
            vec![
                ("timeout", PhpValue::Int(3)),
                ("ssl", PhpValue::Bool(false)),
            ],
        );
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match which {
            "list" => api::list_domains(&input).map(|_| ()),
            "add" => api::add_domain(&add_input, b"prop.example.com").map(|_| ()),
            _ => api::test_connection(&input).map(|_| ()),
        }));
        let outcome = outcome.unwrap_or_else(|_| panic!("panic on {status} {body:?} ({which})"));
        if let Err(e) = outcome {
            let text = e.to_string();
            assert!(
                text.contains("/servers/1/webapps/1"),
                "{which} {status} {body:?}: {text}"
            );
            assert!(
                !text.contains('\n'),
                "{which} {status}: raw newline in {text:?}"
            );
            assert!(!text.contains(TOKEN));
            match &e {
                Error::Api { status: s, .. } => {
                    assert!(*s >= 400, "{which}: Api error for status {s}");
                }
                Error::Transport { .. } => {}
                other => panic!("{which} {status} {body:?}: {other:?}"),
            }
        }
        // A later clean call still works (no poisoned pooled connection, no stuck pacer).
        emulator.clear_faults();
        api::list_domains(&online(&emulator, vec![])).expect("clean call after a hostile answer");
    }
}

/// What `redeploy_ssl()` must do with a `GET ssl` answer when the emulator holds no
/// certificate: `Some(true)` "none", `Some(false)` an error, `None` either is fine (an id that
/// the emulator then refuses, a certificate left to its owner).
fn certificate_oracle(status: u16, body: &str) -> Option<bool> {
    // A 204 carries no body on the wire, whatever the rule said.
    let body = if status == 204 { "" } else { body };
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    if !(200..300).contains(&status) {
        let message = parsed.as_ref().and_then(|v| v.as_object()).map(|o| {
            o.get("message")
                .and_then(|m| m.as_str())
                .unwrap_or("")
                .to_lowercase()
        });
        return match message {
            None => Some(false),
            Some(m) if m.contains("not installed") => Some(true),
            Some(m) if status == 404 && !m.contains("server") && !m.contains("app") => Some(true),
            Some(_) if status == 404 => None,
            Some(_) => Some(false),
        };
    }
    // Not JSON, or empty (`null`): not an object, an error.
    let Some(v) = parsed else {
        return Some(false);
    };
    let v = match v.get("data") {
        Some(inner @ serde_json::Value::Object(_)) => inner.clone(),
        _ => v,
    };
    let obj = v.as_object()?;
    match obj.get("id") {
        None | Some(serde_json::Value::Null) => Some(true),
        Some(serde_json::Value::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => None,
        Some(serde_json::Value::String(t))
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && t != "0" =>
        {
            None
        }
        Some(_) => Some(false),
    }
}

fn random_certificate_body(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..) % 4 {
        0 => {
            let mut o = serde_json::Map::new();
            for key in ["message", "foo", "method", "data", "id"] {
                if rng.bool() {
                    o.insert(key.into(), random_json(rng, 2));
                }
            }
            serde_json::Value::Object(o).to_string()
        }
        1 => json!({"message": "SSL not installed!", "x": random_json(rng, 1)}).to_string(),
        _ => random_body(rng),
    }
}

#[test]
fn random_certificate_answers_are_none_or_an_error_naming_the_endpoint() {
    let emulator = emulator();
    let mut rng = rng(4);
    let statuses = [200, 200, 200, 201, 204, 403, 404, 404, 422, 500];
    let ssl = "/api/v3/servers/*/webapps/*/ssl";
    let mut nones = 0;
    for case in 0..cases(300) {
        emulator.clear_faults();
        let status: u16 = statuses[rng.usize(..statuses.len())];
        let body = random_certificate_body(&mut rng);
        let rule = json!({"method": "GET", "path": ssl, "status": status, "body": body});
        emulator.add_fault(rule.clone()).expect("fault rule");
        let outcome = api::redeploy_ssl(&online(&emulator, vec![]));
        match (certificate_oracle(status, &body), &outcome) {
            (Some(true), Ok(o)) => {
                assert_eq!(o.action, "none", "{status} {body}");
                nones += 1;
            }
            (Some(false), Err(e)) | (None, Err(e)) => {
                let text = e.to_string();
                assert!(
                    text.contains("/servers/1/webapps/1/ssl"),
                    "{status} {body}: {text}"
                );
                assert!(!text.contains('\n') && !text.contains(TOKEN), "{text:?}");
            }
            (None, Ok(_)) => {}
            (expected, got) => panic!("{status} {body}: expected none={expected:?}, got {got:?}"),
        }
        // add_domain never throws for its SSL step.
        emulator.add_fault(rule).expect("fault rule");
        let name = format!("cert{case}.example.com");
        let added = api::add_domain(&online(&emulator, vec![]), name.as_bytes())
            .unwrap_or_else(|e| panic!("{status} {body}: add threw {e}"));
        assert!(added.created);
        assert!(
            ["none", "failed", "skipped", "redeployed"].contains(&added.ssl.action),
            "{:?}",
            added.ssl
        );
    }
    assert!(nones > 20, "too few 'none' cases: {nones}");
}

#[test]
fn random_refusals_of_an_add_are_idempotent_when_the_name_is_there() {
    let emulator = emulator();
    let mut rng = rng(5);
    let add = online(&emulator, vec![("ssl", PhpValue::Bool(false))]);
    api::add_domain(&add, b"present.example.com").expect("first add");
    let post = "/api/v3/servers/*/webapps/*/domains";
    for _ in 0..cases(200) {
        emulator.clear_faults();
        let status = loop {
            let s = rng.u16(400..500);
            if s != 429 {
                break s;
            }
        };
        let body = random_body(&mut rng);
        emulator
            .add_fault(json!({"method": "POST", "path": post, "status": status, "body": body}))
            .expect("fault rule");
        let again = api::add_domain(&add, b"present.example.com")
            .unwrap_or_else(|e| panic!("{status} {body}: {e}"));
        assert!(!again.created, "{status} {body}");
        emulator
            .add_fault(json!({"method": "POST", "path": post, "status": status, "body": body}))
            .expect("fault rule");
        let e = api::add_domain(&add, b"absent.example.com").expect_err("not there");
        assert_eq!(e.status(), Some(status), "{body}: {e}");
    }
    assert_eq!(emulator.domain_names(1, 1), vec!["present.example.com"]);
}

#[test]
fn random_wait_hints_are_honoured_only_within_max_wait() {
    let emulator = emulator();
    let mut rng = rng(6);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let list = "/api/v3/servers/*/webapps/*/domains";
    for _ in 0..cases(16) {
        emulator.clear_faults();
        let value = |rng: &mut fastrand::Rng| match rng.u8(..) % 6 {
            0 => rng.u64(0..=1).to_string(),
            1 => rng.u64(2..100_000).to_string(),
            2 => (now + rng.u64(0..=1)).to_string(),
            3 => (now + rng.u64(5..100_000)).to_string(),
            4 => [
                "",
                "-1",
                "1.5",
                "soon",
                "Wed, 21 Oct 2015 07:28:00 GMT",
                "99999999999999999999",
            ][rng.usize(..6)]
            .to_string(),
            _ => (now.saturating_sub(rng.u64(0..1000))).to_string(),
        };
        let mut headers = serde_json::Map::new();
        if rng.bool() {
            headers.insert("Retry-After".into(), json!(value(&mut rng)));
        }
        if rng.bool() {
            headers.insert("X-RateLimit-Reset".into(), json!(value(&mut rng)));
        }
        emulator
            .add_fault(json!({"method": "GET", "path": list, "status": 429, "headers": headers}))
            .expect("fault rule");
        let started = std::time::Instant::now();
        let outcome = api::list_domains(&online(&emulator, vec![("max_wait", PhpValue::Int(1))]));
        let elapsed = started.elapsed();
        assert!(
            elapsed < std::time::Duration::from_secs(4),
            "{headers:?}: {elapsed:?}"
        );
        if let Err(e) = outcome {
            assert_eq!(e.status(), Some(429), "{headers:?}: {e}");
            assert!(e.to_string().contains("max_wait = 1 s"), "{headers:?}: {e}");
        }
    }
}

#[test]
fn registrable_domains_agree_with_validation_and_are_canonical() {
    let mut rng = rng(7);
    let mut answers = 0;
    for _ in 0..cases(5_000) {
        let raw = random_bytes(&mut rng);
        let valid = accepted(&raw, true).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        match api::registrable_domain(&raw) {
            Err(Error::Validation { field, .. }) => {
                assert!(
                    !valid,
                    "{:?}: add accepts it",
                    String::from_utf8_lossy(&raw)
                );
                assert_eq!(field, "domain");
            }
            Err(other) => panic!("{:?}: {other:?}", String::from_utf8_lossy(&raw)),
            Ok(answer) => {
                // One label (`com`): a public suffix at most, so null, though add refuses it.
                let bare = raw.strip_suffix(b".").unwrap_or(&raw);
                let bare = bare.strip_prefix(b"*.").unwrap_or(bare);
                if answer.is_none() && !bare.is_empty() && !bare.contains(&b'.') {
                    continue;
                }
                assert!(valid, "{:?}: add refuses it", String::from_utf8_lossy(&raw));
                let Some(r) = answer else { continue };
                answers += 1;
                check_canonical(&r);
                if let Ok(text) = std::str::from_utf8(&raw) {
                    if text.is_ascii() {
                        let lower = text.to_ascii_lowercase();
                        let name = lower.strip_suffix('.').unwrap_or(&lower);
                        assert!(
                            name == r || name.ends_with(&format!(".{r}")),
                            "{name} -> {r}"
                        );
                    }
                }
                let again = api::registrable_domain(r.as_bytes()).expect("canonical");
                assert_eq!(again.as_deref(), Some(r.as_str()), "{r}");
            }
        }
    }
    assert!(answers > 50, "too few registrable answers: {answers}");
    // ASCII names from the §5 generator: the answer is a label-suffix of the name.
    for _ in 0..cases(5_000) {
        let input = random_ascii_name(&mut rng);
        if let Ok(Some(r)) = api::registrable_domain(input.as_bytes()) {
            let lower = input.to_ascii_lowercase();
            let name = lower.strip_suffix('.').unwrap_or(&lower);
            assert!(
                name == r || name.ends_with(&format!(".{r}")),
                "{name} -> {r}"
            );
        }
    }
}

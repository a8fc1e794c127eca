//! Bounded time and secrets at the Rust level (the PHP suite checks the same from PHP).
//!
//! - A listener that accepts TCP connections and never answers: every network-facing facade
//!   function gives up with `Error::Transport` within timeout x attempts + backoff cap.
//! - A listener that sends its headers and then drips the body one byte at a time.
//! - Persistent 503 / 429 with Retry-After: bounded by the retry policy.
//! - `Debug` and `Display` of every error and every result hold no secret.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use runcloud::{api, CallInput, Error, PhpValue};
use runcloud_emulator::{Emulator, EmulatorConfig, SslMode};
use serde_json::json;

const TOKEN: &str = "tok-SECRET-bounds-5150";
const KEY: &str = "key-SECRET-bounds-6160";
const SECRET: &str = "sec-SECRET-bounds-7170";

/// The retry policy's documented worst case besides the timeouts: two backoffs of at most
/// 5 s each (crates/runcloud/src/http/retry.rs), plus scheduling slack.
const BACKOFF_CAP: Duration = Duration::from_secs(10);

fn input(url: &str, timeout: f64, extra: Vec<(&str, PhpValue)>) -> CallInput {
    let mut options = vec![
        ("api_url".to_string(), PhpValue::from(url)),
        ("api_token".to_string(), PhpValue::from(TOKEN)),
        ("server_id".to_string(), PhpValue::Int(1)),
        ("app_id".to_string(), PhpValue::Int(1)),
        ("timeout".to_string(), PhpValue::Float(timeout)),
    ];
    options.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
    CallInput {
        constants: vec![],
        options,
    }
}

type Call = fn(&CallInput) -> Result<(), Error>;

fn functions() -> Vec<(&'static str, Call)> {
    vec![
        ("test_connection", |i| api::test_connection(i).map(drop)),
        ("list_domains", |i| api::list_domains(i).map(drop)),
        ("find_domain", |i| {
            api::find_domain(i, b"a.example.com").map(drop)
        }),
        ("add_domain", |i| {
            api::add_domain(i, b"a.example.com").map(drop)
        }),
        ("remove_domain", |i| {
            api::remove_domain(i, b"a.example.com").map(drop)
        }),
        ("redeploy_ssl", |i| api::redeploy_ssl(i).map(drop)),
    ]
}

/// A raw listener on 127.0.0.1: `drip` false never answers; true sends a head announcing a
/// large body and then one byte every 200 ms. Stops when the returned flag is set.
fn hostile_listener(drip: bool) -> (String, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/api", listener.local_addr().expect("addr"));
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let mut held: Vec<TcpStream> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
            if let Ok((mut stream, _)) = listener.accept() {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                if drip {
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
                    );
                }
                held.push(stream);
            }
            if drip {
                for s in &mut held {
                    let _ = s.write_all(b" ");
                }
            }
            std::thread::sleep(Duration::from_millis(if drip { 200 } else { 20 }));
        }
    });
    (url, stop)
}

fn assert_bounded(name: &str, timeout: f64, run: impl FnOnce() -> Result<(), Error>) -> Error {
    let started = Instant::now();
    let result = run();
    let elapsed = started.elapsed();
    let bound = Duration::from_secs_f64(timeout * 3.0) + BACKOFF_CAP;
    assert!(
        elapsed < bound,
        "{name}: blocked {elapsed:?}, bound {bound:?}"
    );
    match result {
        Ok(()) => panic!("{name}: succeeded against a hostile server"),
        Err(e) => {
            assert!(matches!(e, Error::Transport { .. }), "{name}: {e:?}");
            e
        }
    }
}

#[test]
fn a_server_that_never_answers_is_given_up_in_bounded_time() {
    let (url, stop) = hostile_listener(false);
    let handles: Vec<_> = functions()
        .into_iter()
        .map(|(name, call)| {
            let url = url.clone();
            std::thread::spawn(move || {
                let e = assert_bounded(name, 1.0, || call(&input(&url, 1.0, vec![])));
                assert!(e.to_string().contains("timed out"), "{name}: {e}");
            })
        })
        .collect();
    for h in handles {
        h.join().expect("bounded");
    }
    stop.store(true, Ordering::SeqCst);
}

#[test]
fn a_server_that_drips_its_body_is_given_up_in_bounded_time() {
    let (url, stop) = hostile_listener(true);
    for (name, call) in functions().into_iter().take(3) {
        assert_bounded(name, 1.0, || call(&input(&url, 1.0, vec![])));
    }
    stop.store(true, Ordering::SeqCst);
}

#[test]
fn persistent_retryable_answers_are_bounded_by_the_retry_policy() {
    let emulator = Emulator::start(EmulatorConfig {
        token: Some(TOKEN.into()),
        ..EmulatorConfig::default()
    })
    .expect("emulator");
    for rule in [
        json!({"path":"/api/v3/servers/*/webapps/*/domains","status":503,"times":3}),
        json!({"path":"/api/v3/servers/*/webapps/*/domains","status":429,"times":3,"headers":{"Retry-After":"1"}}),
        json!({"path":"/api/v3/servers/*/webapps/*/domains","delay_ms":2500,"times":3}),
        json!({"path":"/api/v3/servers/*/webapps/*/domains","drop":true,"times":3}),
    ] {
        emulator.clear_faults();
        emulator.add_fault(rule.clone()).expect("rule");
        let started = Instant::now();
        let result = api::list_domains(&input(&emulator.base_url(), 1.0, vec![]));
        let elapsed = started.elapsed();
        assert!(result.is_err(), "{rule}");
        assert!(
            elapsed < Duration::from_secs(3) + BACKOFF_CAP,
            "{rule}: {elapsed:?}"
        );
    }
}

fn everything<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}\n{value:#?}")
}

fn assert_no_secret(text: &str, what: &str) {
    for s in [TOKEN, KEY, SECRET, "SECRET"] {
        assert!(!text.contains(s), "{what} leaked {s}: {text}");
    }
}

#[test]
fn no_secret_in_debug_or_display_of_errors_and_results() {
    let emulator = Emulator::start(EmulatorConfig {
        token: Some(TOKEN.into()),
        api_key: Some(KEY.into()),
        api_secret: Some(SECRET.into()),
        ssl: SslMode::LetsEncrypt,
        seed_domains: 2,
        ..EmulatorConfig::default()
    })
    .expect("emulator");
    let url = emulator.base_url();
    let v2 = |extra: Vec<(&str, PhpValue)>| {
        let mut i = input(&url, 5.0, extra);
        i.options.retain(|(k, _)| k != "api_token");
        i.options.push(("api_key".into(), PhpValue::from(KEY)));
        i.options
            .push(("api_secret".into(), PhpValue::from(SECRET)));
        i
    };
    // Results.
    for i in [input(&url, 5.0, vec![]), v2(vec![])] {
        assert_no_secret(&everything(&i), "CallInput");
        assert_no_secret(&everything(&api::config(&i)), "config");
        assert_no_secret(&everything(&api::test_connection(&i)), "test_connection");
        assert_no_secret(&everything(&api::list_domains(&i)), "list_domains");
        assert_no_secret(&everything(&api::redeploy_ssl(&i)), "redeploy_ssl");
        assert_no_secret(&everything(&api::info(&i)), "info");
        let added = api::add_domain(&i, b"debug.example.com");
        assert_no_secret(&everything(&added), "add_domain");
        assert_no_secret(
            &serde_json::to_string(&added.expect("add")).expect("json"),
            "add_domain JSON",
        );
        assert_no_secret(
            &everything(&api::remove_domain(&i, b"debug.example.com")),
            "remove_domain",
        );
    }
    // Errors: config, validation, api, transport, with the secrets in the input.
    let mut errors: Vec<Error> = Vec::new();
    for make in [
        |u: &str| input(u, 5.0, vec![("server_id", PhpValue::Int(0))]),
        |u: &str| input(u, 5.0, vec![("app_id", PhpValue::Int(99))]),
        |u: &str| {
            input(
                u,
                5.0,
                vec![("api_token", PhpValue::from("tok-SECRET-wrong"))],
            )
        },
        |_: &str| input("http://127.0.0.1:1/api", 1.0, vec![]),
        |u: &str| input(u, 5.0, vec![("wwww", PhpValue::from(TOKEN))]),
        |u: &str| input(u, 5.0, vec![("api_token", PhpValue::from(""))]),
        |u: &str| input(u, 5.0, vec![("api_url", PhpValue::from("ftp://x/api"))]),
        |u: &str| input(u, 5.0, vec![("timeout", PhpValue::from(TOKEN))]),
        |u: &str| input(u, 5.0, vec![("server_id", PhpValue::from(TOKEN))]),
    ] {
        let i = make(&url);
        if let Err(e) = api::test_connection(&i) {
            errors.push(e);
        }
        if let Err(e) = api::add_domain(&i, b"bad domain") {
            errors.push(e);
        }
    }
    emulator
        .add_fault(json!({"path":"/api/v3/servers/*/webapps/*/domains","malformed_json":true}))
        .expect("rule");
    errors.push(api::list_domains(&input(&url, 5.0, vec![])).expect_err("malformed"));
    assert!(errors.len() >= 15, "{}", errors.len());
    for e in &errors {
        assert_no_secret(
            &format!("{e}\n{e:?}\n{e:#?}\n{:?}", e.field_errors()),
            "error",
        );
    }
}

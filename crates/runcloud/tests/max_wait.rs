//! `max_wait`: one call's waiting on the pacer, RunCloud's `Retry-After`/`X-RateLimit-Reset`
//! and backoff is bounded by it; a wait that does not fit is not started and the 429 comes at
//! once, saying when to retry. The time bounds below are bounds on behaviour (far below the
//! waits RunCloud asks for), not benchmarks.

mod common;

use std::time::{Duration, Instant};

use common::*;
use runcloud::{api, Error, PhpValue};
use serde_json::json;

const DOMAINS: &str = "/api/v3/servers/*/webapps/*/domains";

#[test]
fn a_429_storm_asking_for_45_s_ends_at_once_with_max_wait_3() {
    let emu = start(|_| {});
    emu.add_fault(json!({"path":DOMAINS,"status":429,"times":100,
        "headers":{"Retry-After":"45"},"body":"{\"message\":\"Too Many Attempts.\"}"}))
        .unwrap();
    let input = with_options(v3(&emu), &[("max_wait", 3.into())]);
    for (name, call) in [
        (
            "list",
            (|i| api::list_domains(i).map(drop)) as fn(&runcloud::CallInput) -> _,
        ),
        ("add", |i| {
            api::add_domain(i, b"storm.example.com").map(drop)
        }),
        ("find", |i| {
            api::find_domain(i, b"storm.example.com").map(drop)
        }),
    ] {
        emu.clear_requests();
        let started = Instant::now();
        let e = call(&input).unwrap_err();
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(6), "{name}: {elapsed:?}");
        assert!(matches!(e, Error::Api { status: 429, .. }), "{name}: {e:?}");
        let text = e.to_string();
        assert!(text.contains("429 Too Many Attempts."), "{text}");
        assert!(
            text.ends_with(
                "429 Too Many Attempts. (retry after 45 s; not waited: this call waits at most max_wait = 3 s)"
            ),
            "{text}"
        );
        // One request: the wait was never started, and a 429 is not followed by a lookup.
        assert_eq!(emu.requests().len(), 1, "{name}");
    }
}

#[test]
fn a_wait_that_fits_is_honoured_in_full() {
    let emu = start(|_| {});
    let input = v3(&emu); // default max_wait: 60 s
    emu.add_fault(
        json!({"method":"GET","path":DOMAINS,"status":429,"headers":{"Retry-After":"2"}}),
    )
    .unwrap();
    let started = Instant::now();
    api::list_domains(&input).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // X-RateLimit-Reset alone (a Unix time) is honoured as well.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"status":429,
        "headers":{"X-RateLimit-Reset": reset.to_string()}}))
        .unwrap();
    let started = Instant::now();
    api::list_domains(&input).unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn the_limiters_own_429_says_when_its_window_ends() {
    let emu = start(|c| c.rate_limit = Some((1, 60_000)));
    let input = with_options(v3(&emu), &[("max_wait", PhpValue::Float(0.5))]);
    api::list_domains(&input).unwrap();
    let started = Instant::now();
    let e = api::list_domains(&input).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.status(), Some(429));
    let text = e.to_string();
    assert!(
        text.contains("retry after 60 s") || text.contains("retry after 59 s"),
        "{text}"
    );
    assert!(text.contains("max_wait = 0.5 s"), "{text}");
}

#[test]
fn max_wait_zero_never_waits_even_for_our_own_backoff() {
    let emu = start(|_| {});
    emu.add_fault(json!({"method":"GET","path":DOMAINS,"status":503,"times":3,"body":"{\"message\":\"down\"}"}))
        .unwrap();
    let input = with_options(v3(&emu), &[("max_wait", 0.into())]);
    let e = api::list_domains(&input).unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert!(
        e.to_string().contains(
            "503 down (retry later; not retried: this call waits at most max_wait = 0 s)"
        ),
        "{e}"
    );
    assert_eq!(emu.requests().len(), 1);
    // An add that cannot back off either: the POST is not repeated.
    emu.clear_requests();
    emu.clear_faults();
    emu.add_fault(json!({"method":"POST","path":DOMAINS,"status":502,"html":true}))
        .unwrap();
    let e = api::add_domain(&input, b"zero.example.com").unwrap_err();
    assert_eq!(e.status(), Some(502));
    assert!(e.to_string().contains("max_wait = 0 s"), "{e}");
    assert_eq!(count(&emu.requests(), "POST", "/domains"), 1);
}

#[test]
fn max_wait_is_validated_strictly_and_nothing_is_sent() {
    let emu = start(|_| {});
    for (value, expected) in [
        (PhpValue::from("three"), "from 0 to 3600"),
        (PhpValue::from("-3"), "from 0 to 3600"),
        (
            PhpValue::Bool(true),
            "must be of type int|float|string, bool given",
        ),
        (PhpValue::Int(-1), "from 0 to 3600"),
        (PhpValue::Int(3601), "from 0 to 3600"),
        (PhpValue::Float(f64::NAN), "from 0 to 3600"),
        (PhpValue::Float(f64::INFINITY), "from 0 to 3600"),
    ] {
        let input = with_options(v3(&emu), &[("max_wait", value.clone())]);
        for e in [
            api::list_domains(&input).unwrap_err(),
            api::config(&input).unwrap_err(),
            api::redeploy_ssl(&input).unwrap_err(),
        ] {
            assert!(
                matches!(e, Error::Validation { ref field, .. } if field == "max_wait"),
                "{value:?}: {e:?}"
            );
            assert!(e.to_string().contains(expected), "{value:?}: {e}");
            assert!(e.to_string().contains("\"max_wait\""), "{e}");
        }
    }
    assert!(emu.requests().is_empty());
    let input = with_options(v3(&emu), &[("max_wait", PhpValue::Float(2.5))]);
    assert!(api::config(&input).is_ok());
    // A numeric string, as `timeout` takes (a value from a form or a setting).
    let input = with_options(v3(&emu), &[("max_wait", PhpValue::from(" 3 "))]);
    assert!(api::config(&input).is_ok());
}

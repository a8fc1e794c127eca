//! Pacing on `X-RateLimit-Remaining` so that bulk work slows down instead of hitting 429.
//!
//! Model [assumed: RunCloud documents the two headers but no window or reset header;
//! community reports suggest about 60 requests per minute, and RunCloud runs on Laravel,
//! whose throttle is a fixed window of one minute]:
//! - After every response we remember `Remaining` (and `Limit`) per API root.
//! - While `Remaining` is above a low-water mark (a tenth of the limit, at least 2) nothing
//!   waits.
//! - Below it, the next request waits `window / (remaining + 1)` after the previous
//!   response: the rest of the budget is spread over the worst-case rest of the window, so a
//!   window reset arrives before the budget runs out. Each wait is capped at 5 s, so a PHP
//!   request is never held for long; if RunCloud still answers 429, the retry policy
//!   (`Retry-After`) takes over.
//! - The wait is measured from the previous response: time the caller spent elsewhere counts.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// [assumed] RunCloud's rate-limit window.
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
const MAX_PACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy)]
struct Seen {
    remaining: u64,
    limit: Option<u64>,
    at: Instant,
}

struct Pacer {
    window: Duration,
    seen: HashMap<String, Seen>,
}

fn pacer() -> &'static Mutex<Pacer> {
    static PACER: OnceLock<Mutex<Pacer>> = OnceLock::new();
    PACER.get_or_init(|| {
        Mutex::new(Pacer {
            window: DEFAULT_WINDOW,
            seen: HashMap::new(),
        })
    })
}

/// Overrides the assumed window (tests against an emulator with a short window).
pub(crate) fn set_window(window: Duration) {
    let mut p = pacer().lock().unwrap_or_else(|e| e.into_inner());
    p.window = window;
}

/// The delay policy, separate from the clock for unit tests.
fn pace(window: Duration, seen: Seen) -> Duration {
    let low_water = seen.limit.map(|l| (l / 10).max(2)).unwrap_or(6);
    if seen.remaining > low_water {
        return Duration::ZERO;
    }
    let spread = window / (seen.remaining.min(u32::MAX as u64 - 1) as u32 + 1);
    spread.min(MAX_PACE)
}

/// Waits, when the budget of `key` (the API root) is low, before the next request.
pub(crate) fn before_request(key: &str) {
    let wait = {
        let p = pacer().lock().unwrap_or_else(|e| e.into_inner());
        match p.seen.get(key) {
            None => Duration::ZERO,
            Some(seen) => {
                let due = seen.at + pace(p.window, *seen);
                due.saturating_duration_since(Instant::now())
            }
        }
    };
    if !wait.is_zero() {
        std::thread::sleep(wait);
    }
}

/// Records the headers of a response.
pub(crate) fn after_response(key: &str, remaining: Option<&str>, limit: Option<&str>) {
    let parse = |v: Option<&str>| v.and_then(|s| s.trim().parse::<u64>().ok());
    let Some(remaining) = parse(remaining) else {
        return;
    };
    let mut p = pacer().lock().unwrap_or_else(|e| e.into_inner());
    p.seen.insert(
        key.to_string(),
        Seen {
            remaining,
            limit: parse(limit),
            at: Instant::now(),
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(remaining: u64, limit: Option<u64>) -> Seen {
        Seen {
            remaining,
            limit,
            at: Instant::now(),
        }
    }

    #[test]
    fn no_wait_while_budget_is_high() {
        let w = Duration::from_secs(60);
        assert_eq!(pace(w, seen(59, Some(60))), Duration::ZERO);
        assert_eq!(pace(w, seen(7, Some(60))), Duration::ZERO);
        assert_eq!(pace(w, seen(7, None)), Duration::ZERO);
    }

    #[test]
    fn spreads_the_rest_of_the_budget_and_caps() {
        let w = Duration::from_secs(60);
        assert_eq!(pace(w, seen(6, Some(60))), MAX_PACE);
        let short = Duration::from_millis(1000);
        assert_eq!(pace(short, seen(1, Some(10))), Duration::from_millis(500));
        assert_eq!(pace(short, seen(0, Some(10))), Duration::from_millis(1000));
        assert_eq!(pace(short, seen(2, Some(10))).as_millis(), 333);
        assert_eq!(pace(short, seen(3, Some(10))), Duration::ZERO);
    }

    #[test]
    fn records_and_waits() {
        let key = "test://pacer";
        after_response(key, Some("junk"), None);
        let t = Instant::now();
        before_request(key);
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}

//! Pacing on `X-RateLimit-Remaining` so that bulk work waits for the next window instead of
//! hitting 429.
//!
//! Model [assumed: RunCloud documents `X-RateLimit-Limit` and `X-RateLimit-Remaining` but no
//! window or reset header; community reports suggest about 60 requests per minute, and
//! RunCloud runs on Laravel, whose throttle is a fixed window that starts with a request]:
//! - Per API root, remember the budget left (`Remaining`), when the current window started
//!   and what is known of the window's length: a proven lower bound (a request still counted
//!   in the window that late) and an upper bound (60 s until two window starts were seen).
//!   A rise of `Remaining` means a new window began.
//! - Estimates err on the safe side: a window's start is taken as the send time of the first
//!   request that saw it (the real start is no later than its arrival), and the upper bound
//!   adds how late the previous start may have been plus one round trip.
//! - While plenty of budget is left, nothing waits: a burst uses a window best. The last few
//!   requests of a window probe for the reset: at four times the time the window has run
//!   while the length is unknown, then halfway between the bounds, which converges in a few windows.
//!   With one request left (kept for other processes sharing the budget) the next request
//!   waits for the upper bound. No wait is longer than the window (at most 120 s).
//! - A 429 after the predicted reset means the window is longer than the upper bound: it
//!   doubles.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// [assumed] RunCloud's rate-limit window before anything is learned.
const DEFAULT_WINDOW: Duration = Duration::from_secs(60);
/// Never assume a longer window than this (and so never wait longer).
const MAX_WINDOW: Duration = Duration::from_secs(120);
/// A learned window is never shorter than this (clock and scheduling noise).
const MIN_WINDOW: Duration = Duration::from_millis(100);
/// Requests kept back for other processes that share the budget.
const RESERVE: u64 = 1;
/// Requests at the end of a window spent probing for its reset.
const PROBES: u64 = 5;
/// The first probe waits at least this long into the window.
const MIN_PROBE: Duration = Duration::from_millis(50);
/// Added to every predicted reset (scheduling noise between client and server clocks).
const MARGIN: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy)]
struct Budget {
    remaining: u64,
    /// Send time of the first request answered in the current window (no earlier than the
    /// window's real start, give or take one trip).
    window_start: Instant,
    /// How much earlier than `window_start` the window may have started; None when unknown
    /// (the first window seen, unless our request opened it).
    start_slack: Option<Duration>,
    /// The window is longer than this (a request was still counted in it that late).
    lower: Duration,
    /// The window is no longer than this.
    upper: Duration,
    /// Whether `upper` was learned from two observed window starts (else it is assumed).
    learned: bool,
    last_response: Instant,
    last_round_trip: Duration,
}

impl Budget {
    /// When the next request may go, given the budget left; None for now.
    fn next_allowed(&self) -> Option<Instant> {
        let reset = self.window_start + self.upper + self.last_round_trip + MARGIN;
        if self.remaining <= RESERVE {
            return Some(reset);
        }
        if self.remaining > PROBES {
            return None;
        }
        let probe = if self.learned {
            self.lower + (self.upper.saturating_sub(self.lower)) / 2
        } else {
            let used = self
                .last_response
                .saturating_duration_since(self.window_start);
            (used * 4).max(MIN_PROBE)
        };
        Some((self.window_start + probe).min(reset))
    }

    /// Takes in one answer (`remaining` left) to a request sent at `sent_at`.
    fn observe(
        &mut self,
        sent_at: Instant,
        now: Instant,
        status: u16,
        remaining: u64,
        limit: Option<u64>,
    ) {
        let round_trip = now.saturating_duration_since(sent_at);
        if remaining > self.remaining {
            // A new window. When our request was its first (one less than the limit left),
            // the window started with it (Laravel's throttle starts a window with the first
            // request after the last one expired [assumed]). Otherwise its real start lies
            // between our previous response and this request's arrival: `sent_at` is late by
            // at most the idle time before it.
            let slack = if opened_window(remaining, limit) {
                Duration::ZERO
            } else {
                sent_at.saturating_duration_since(self.last_response)
            };
            if let Some(previous_slack) = self.start_slack {
                let observed = sent_at.saturating_duration_since(self.window_start)
                    + previous_slack
                    + round_trip;
                self.upper = self.upper.min(observed).max(MIN_WINDOW);
                self.learned = true;
            }
            self.window_start = sent_at;
            self.start_slack = Some(slack);
        } else if status == 429 {
            if now >= self.window_start + self.upper {
                // Refused after the predicted reset: the window is longer than we thought.
                self.upper = (self.upper * 2).min(MAX_WINDOW);
            }
        } else {
            // Still counted in this window: it is longer than the time it has run.
            let ran = sent_at
                .saturating_duration_since(self.window_start)
                .saturating_sub(round_trip);
            self.lower = self.lower.max(ran);
        }
        if self.lower >= self.upper {
            // The bounds crossed: the window changed. Start learning again from here.
            self.upper = (self.lower * 2).clamp(MIN_WINDOW, MAX_WINDOW);
            self.learned = false;
        }
        self.remaining = remaining;
        self.last_response = now;
        self.last_round_trip = round_trip;
    }
}

/// Whether the request that left `remaining` was the first of its window.
fn opened_window(remaining: u64, limit: Option<u64>) -> bool {
    limit.is_some_and(|l| remaining + 1 >= l)
}

struct Pacer {
    default_window: Duration,
    budgets: HashMap<String, Budget>,
}

fn pacer() -> &'static Mutex<Pacer> {
    static PACER: OnceLock<Mutex<Pacer>> = OnceLock::new();
    PACER.get_or_init(|| {
        Mutex::new(Pacer {
            default_window: DEFAULT_WINDOW,
            budgets: HashMap::new(),
        })
    })
}

fn lock() -> std::sync::MutexGuard<'static, Pacer> {
    pacer().lock().unwrap_or_else(|e| e.into_inner())
}

/// Overrides the window assumed before anything is learned (tests with a short window).
pub(crate) fn set_window(window: Duration) {
    lock().default_window = window.clamp(MIN_WINDOW, MAX_WINDOW);
}

/// Waits, when the budget of `key` (the API root) is (nearly) used up, as the model says.
/// Returns the send time to hand to [`after_response`].
pub(crate) fn before_request(key: &str) -> Instant {
    let due = lock().budgets.get(key).and_then(Budget::next_allowed);
    if let Some(due) = due {
        let wait = due.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait.min(MAX_WINDOW));
        }
    }
    Instant::now()
}

/// Records the rate-limit headers of a response to a request sent at `sent_at`.
pub(crate) fn after_response(
    key: &str,
    sent_at: Instant,
    status: u16,
    remaining: Option<&str>,
    limit: Option<&str>,
) {
    let parse = |v: Option<&str>| v.and_then(|s| s.trim().parse::<u64>().ok());
    let Some(remaining) = parse(remaining) else {
        return;
    };
    let limit = parse(limit);
    let now = Instant::now();
    let mut pacer = lock();
    let default_window = pacer.default_window;
    match pacer.budgets.get_mut(key) {
        Some(budget) => budget.observe(sent_at, now, status, remaining, limit),
        None => {
            let opened_by_us = opened_window(remaining, limit);
            pacer.budgets.insert(
                key.to_string(),
                Budget {
                    remaining,
                    window_start: sent_at,
                    start_slack: opened_by_us.then_some(Duration::ZERO),
                    lower: Duration::ZERO,
                    upper: default_window,
                    learned: false,
                    last_response: now,
                    last_round_trip: now.saturating_duration_since(sent_at),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, sent_at: Instant, remaining: u64) {
        after_response(key, sent_at, 200, Some(&remaining.to_string()), Some("10"));
    }

    fn budget(key: &str) -> Budget {
        lock().budgets.get(key).copied().expect("recorded")
    }

    #[test]
    fn no_wait_while_budget_is_left() {
        let key = "test://left";
        record(key, Instant::now(), PROBES + 1);
        let t = Instant::now();
        before_request(key);
        assert!(t.elapsed() < Duration::from_millis(50));
        assert_eq!(budget(key).next_allowed(), None);
    }

    #[test]
    fn unparseable_headers_are_ignored() {
        let key = "test://junk";
        after_response(key, Instant::now(), 200, Some("junk"), None);
        assert!(!lock().budgets.contains_key(key));
    }

    #[test]
    fn the_last_request_waits_for_the_predicted_reset() {
        let key = "test://last";
        let start = Instant::now();
        record(key, start, 9);
        record(key, Instant::now(), 1);
        let due = budget(key).next_allowed().expect("must wait");
        assert!(due >= start + DEFAULT_WINDOW.min(lock().default_window));
    }

    #[test]
    fn the_window_is_learned_as_an_upper_bound() {
        let key = "test://learn";
        let t0 = Instant::now();
        record(key, t0, 9); // opened by us: start known
        record(key, Instant::now(), 2);
        let t1 = t0 + Duration::from_millis(1000);
        // A rise of the budget one second later: a new window began by then.
        after_response(key, t1, 200, Some("9"), Some("10"));
        let learned = budget(key).upper;
        assert!(learned >= Duration::from_millis(1000), "{learned:?}");
        assert!(learned < Duration::from_millis(1200), "{learned:?}");
        assert!(budget(key).learned);
    }

    #[test]
    fn an_unknown_window_is_probed_geometrically() {
        let key = "test://probe";
        let t0 = Instant::now()
            .checked_sub(Duration::from_millis(300))
            .unwrap_or_else(Instant::now);
        record(key, t0, 9);
        record(key, Instant::now(), PROBES);
        let b = budget(key);
        let due = b.next_allowed().expect("probing");
        // Four times the time the window has run (about 300 ms), far before the assumed 60 s.
        assert!(due >= t0 + Duration::from_millis(1150), "{:?}", due - t0);
        assert!(due <= t0 + Duration::from_millis(2000), "{:?}", due - t0);
    }

    #[test]
    fn a_refusal_after_the_predicted_reset_doubles_the_window() {
        let key = "test://refused";
        let long_ago = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        after_response(key, long_ago, 200, Some("9"), Some("10"));
        {
            let mut p = lock();
            if let Some(b) = p.budgets.get_mut(key) {
                b.upper = Duration::from_millis(200);
            }
        }
        after_response(key, Instant::now(), 429, Some("0"), Some("10"));
        assert_eq!(budget(key).upper, Duration::from_millis(400));
    }
}

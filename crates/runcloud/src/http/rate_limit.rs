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
//! - Estimates err on the safe side: a window began between the departure of the first
//!   request that saw it (less the idle time before, unless that request opened it) and the
//!   arrival of its answer. Resets are predicted from the latter, bounds use whichever side
//!   keeps them true, so a predicted reset is never early.
//! - While plenty of budget is left, nothing waits: a burst uses a window best. The last few
//!   requests of a window probe for the reset: at four times the time the window has run
//!   while the length is unknown (then also with the reserve, or nothing, left), then halfway between the bounds, which converges in a few windows.
//!   With one request left (kept for other processes sharing the budget) the next request
//!   waits for the upper bound. No wait is longer than the window (at most 120 s).
//! - A 429 after the predicted reset means the window is longer than the upper bound: it
//!   doubles.
//! - The wait is the caller's to take, within its `max_wait`: a wait that does not fit is
//!   skipped (see wait.rs).

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
const MS: Duration = Duration::from_millis(1);
/// Added to every predicted reset (scheduling noise between client and server clocks).
const MARGIN: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy)]
struct Budget {
    remaining: u64,
    /// Send time of the first request answered in the current window. The window began no
    /// earlier than this, less `start_slack`.
    window_sent: Instant,
    /// Arrival of that request's answer: the window began no later than this, so a reset
    /// predicted from here is never early (a cold connection's set-up does not shift it).
    window_seen: Instant,
    /// How much earlier than `window_sent` the window may have started; None when unknown
    /// (the first window seen, unless our request opened it).
    start_slack: Option<Duration>,
    /// The window is longer than this (a request was still counted in it that late).
    lower: Duration,
    /// The window is no longer than this.
    upper: Duration,
    /// Whether `upper` was learned from two observed window starts (else it is assumed).
    learned: bool,
    last_response: Instant,
}

impl Budget {
    fn new(sent_at: Instant, now: Instant, remaining: u64, opened: bool, window: Duration) -> Self {
        Budget {
            remaining,
            window_sent: sent_at,
            window_seen: now,
            start_slack: opened.then_some(Duration::ZERO),
            lower: Duration::ZERO,
            upper: window,
            learned: false,
            last_response: now,
        }
    }

    /// Whether the window's length is known closely enough that probing would only waste the
    /// end of the budget: within 5 % (at least 20 ms).
    fn converged(&self) -> bool {
        self.learned && self.upper.saturating_sub(self.lower) <= (self.upper / 20).max(20 * MS)
    }

    /// When the next request may go, given the budget left; None for now.
    fn next_allowed(&self) -> Option<Instant> {
        let reset = self.window_seen + self.upper + MARGIN;
        if !self.learned {
            if self.remaining > PROBES {
                return None;
            }
            // Length unknown: probe at four times the time the window has run, with the
            // reserve too and even with nothing left, rather than stall for the assumed 60 s
            // (processes sharing the budget can see it empty before any reset). A refused
            // probe uses no budget [assumed: Laravel counts only accepted requests] and is
            // retried like any 429.
            let used = self
                .last_response
                .saturating_duration_since(self.window_seen);
            return Some((self.window_seen + (used * 4).max(MIN_PROBE)).min(reset));
        }
        if self.remaining <= RESERVE {
            return Some(reset);
        }
        if self.remaining > PROBES || self.converged() {
            return None;
        }
        let probe = self.lower + (self.upper.saturating_sub(self.lower)) / 2;
        Some((self.window_seen + probe).min(reset))
    }

    /// Takes in one answer (`remaining` left), received `now`, to a request sent at `sent_at`.
    fn observe(
        &mut self,
        sent_at: Instant,
        now: Instant,
        status: u16,
        remaining: u64,
        limit: Option<u64>,
    ) {
        if remaining > self.remaining {
            // A new window. It began before this answer; when our request was its first (one
            // less than the limit left) it began with that request (Laravel's throttle starts
            // a window with the first request after the last one expired [assumed]), else
            // at most the idle time before it earlier.
            let slack = if opened_window(remaining, limit) {
                Duration::ZERO
            } else {
                sent_at.saturating_duration_since(self.last_response)
            };
            if let Some(previous_slack) = self.start_slack {
                // Windows are at least one length apart: this start minus the previous one,
                // each taken at its outer bound, bounds the length from above.
                let observed = now.saturating_duration_since(self.window_sent) + previous_slack;
                self.upper = self.upper.min(observed).max(MIN_WINDOW);
                self.learned = true;
            }
            self.window_sent = sent_at;
            self.window_seen = now;
            self.start_slack = Some(slack);
        } else if status == 429 {
            if now >= self.window_seen + self.upper {
                // Refused after the predicted reset: the window is longer than we thought.
                self.upper = (self.upper * 2).min(MAX_WINDOW);
            }
        } else {
            // Still counted in this window, which began no later than `window_seen`: it is
            // longer than the time from there to this request's departure.
            self.lower = self
                .lower
                .max(sent_at.saturating_duration_since(self.window_seen));
        }
        if self.lower >= self.upper {
            // The bounds crossed: the window changed. Start learning again from here.
            self.upper = (self.lower * 2).clamp(MIN_WINDOW, MAX_WINDOW);
            self.learned = false;
        }
        self.remaining = remaining;
        self.last_response = now;
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

/// How long the budget of `key` (the API root) says the next request should wait (zero: go
/// now). The caller waits, within its `max_wait` (wait.rs).
pub(crate) fn wait_before_request(key: &str) -> Duration {
    let due = lock().budgets.get(key).and_then(Budget::next_allowed);
    due.map(|due| {
        due.saturating_duration_since(Instant::now())
            .min(MAX_WINDOW)
    })
    .unwrap_or_default()
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
            let opened = opened_window(remaining, limit);
            let budget = Budget::new(sent_at, now, remaining, opened, default_window);
            pacer.budgets.insert(key.to_string(), budget);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A budget of 10 per window whose first request (ours, opening it) left at `t0` and was
    /// answered 5 ms later.
    fn opened_at(t0: Instant) -> Budget {
        Budget::new(t0, t0 + 5 * MS, 9, true, DEFAULT_WINDOW)
    }

    /// Sends a request at `sent` answered 5 ms later with `remaining` left (limit 10).
    fn answer(b: &mut Budget, sent: Instant, remaining: u64) {
        b.observe(sent, sent + 5 * MS, 200, remaining, Some(10));
    }

    #[test]
    fn no_wait_while_budget_is_left() {
        let mut b = opened_at(Instant::now());
        answer(&mut b, Instant::now(), PROBES + 1);
        assert_eq!(b.next_allowed(), None);
        let key = "test://left";
        after_response(key, Instant::now(), 200, Some("9"), Some("10"));
        assert_eq!(wait_before_request(key), Duration::ZERO);
    }

    #[test]
    fn unparseable_headers_are_ignored() {
        let key = "test://junk";
        after_response(key, Instant::now(), 200, Some("junk"), None);
        assert!(!lock().budgets.contains_key(key));
    }

    #[test]
    fn the_last_request_waits_for_the_predicted_reset_from_the_first_answer() {
        let t0 = Instant::now();
        // A cold connection: the first answer came 300 ms after the request left.
        let mut b = Budget::new(t0, t0 + 300 * MS, 9, true, DEFAULT_WINDOW);
        b.learned = true;
        answer(&mut b, t0 + 400 * MS, 1);
        assert_eq!(
            b.next_allowed(),
            Some(t0 + 300 * MS + DEFAULT_WINDOW + MARGIN)
        );
    }

    #[test]
    fn the_window_is_learned_as_an_upper_bound() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        answer(&mut b, t0 + 10 * MS, 2);
        // The budget rose for a request sent 1 s after the first: a new window began by then.
        answer(&mut b, t0 + 1000 * MS, 9);
        assert!(b.learned);
        assert_eq!(b.upper, 1005 * MS);
        // Requests still counted 800 ms into that window prove it is longer than that.
        let t1 = t0 + 1000 * MS;
        answer(&mut b, t1 + 800 * MS, 8);
        assert_eq!(b.lower, 795 * MS);
    }

    #[test]
    fn probes_converge_between_the_bounds() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.lower = 800 * MS;
        b.upper = 1200 * MS;
        answer(&mut b, t0 + 10 * MS, PROBES);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 1000 * MS));
    }

    #[test]
    fn close_bounds_spend_the_whole_budget_before_waiting() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.lower = 990 * MS;
        b.upper = 1010 * MS;
        answer(&mut b, t0 + 10 * MS, 2);
        assert_eq!(b.next_allowed(), None);
        answer(&mut b, t0 + 20 * MS, RESERVE);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 1010 * MS + MARGIN));
    }

    #[test]
    fn an_unknown_window_is_probed_geometrically() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        answer(&mut b, t0 + 300 * MS, PROBES);
        // Four times the time the window has run (300 ms), far before the assumed 60 s.
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 4 * 300 * MS));
    }

    #[test]
    fn an_unknown_window_is_probed_even_with_the_budget_used_up() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        answer(&mut b, t0 + 200 * MS, 0);
        // Not the assumed 60 s: four times the 200 ms the window has run.
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 4 * 200 * MS));
    }

    #[test]
    fn a_refusal_after_the_predicted_reset_doubles_the_window() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.upper = 200 * MS;
        b.observe(t0 + 300 * MS, t0 + 305 * MS, 429, 0, Some(10));
        assert_eq!(b.upper, 400 * MS);
    }

    #[test]
    fn crossed_bounds_start_learning_again() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.upper = 500 * MS;
        // Still counted 700 ms in: the window is longer than we learned.
        answer(&mut b, t0 + 705 * MS, 3);
        assert!(!b.learned);
        assert_eq!(b.upper, 1400 * MS);
    }
}

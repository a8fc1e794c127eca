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
//!   requests of a window probe for the reset: while the length is unknown at twice the time
//!   the window has run (four times with the reserve, or nothing, left), then spread evenly
//!   between the bounds, which closes them to a few round trips in a few windows.
//! - With one request left (kept for other processes sharing the budget) the next request
//!   waits for the upper bound. The reserve is spent too when the window is known within four
//!   round trips and no one else spent from the budget for two windows: then each window is
//!   used whole. No wait is longer than the window (at most 120 s).
//! - Bench scenario 3 (2,000 requests at 60 per 1 s window) is simulated by a unit test:
//!   within 5 % of its floor, no request refused.
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
/// Windows after another process was seen spending during which the reserve is kept.
const SHARED_WINDOWS: u32 = 2;
/// Requests at the end of a window spent probing for its reset.
const PROBES: u64 = 5;
/// The first probe waits at least this long into the window.
const MIN_PROBE: Duration = Duration::from_millis(50);
const MS: Duration = Duration::from_millis(1);
/// Added to every predicted reset. The bounds are proven (see `Budget`), so this only
/// absorbs timer granularity; it was 20 ms, a fifth of the pacing overhead at 60 per second.
const MARGIN: Duration = Duration::from_millis(2);

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
    /// Until when the reserve is kept because another process spent from the budget.
    shared_until: Option<Instant>,
    /// The shortest round trip seen (the bounds cannot be closer than about two of them).
    rtt: Duration,
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
            shared_until: None,
            rtt: now.saturating_duration_since(sent_at),
        }
    }

    /// Whether the window's length is known closely enough that probing would only waste the
    /// end of the budget: within 1 %, or four round trips (closer than about two the bounds
    /// cannot get: each is taken at the far side of a round trip).
    fn converged(&self) -> bool {
        self.learned
            && self.upper.saturating_sub(self.lower)
                <= (self.upper / 100).max(self.rtt * 4).max(5 * MS)
    }

    /// Requests kept back for other processes: [`RESERVE`], unless this process has had the
    /// budget to itself lately and knows the window closely (then it is spent too).
    fn reserve(&self, now: Instant) -> u64 {
        let alone = self.shared_until.is_none_or(|until| now >= until);
        if alone && self.converged() {
            0
        } else {
            RESERVE
        }
    }

    /// When the next request may go, given the budget left; None for now.
    fn next_allowed(&self) -> Option<Instant> {
        let reset = self.window_seen + self.upper + MARGIN;
        if !self.learned {
            if self.remaining > PROBES {
                return None;
            }
            // Length unknown: probe at twice the time the window has run while the budget
            // lasts (a probe that is counted costs nothing), then at four times with the
            // reserve and even with nothing left, rather than stall for the assumed 60 s
            // (processes sharing the budget can see it empty before any reset). A refused
            // probe uses no budget [assumed: Laravel counts only accepted requests] and is
            // retried like any 429.
            let used = self
                .last_response
                .saturating_duration_since(self.window_seen);
            let factor = if self.remaining > RESERVE { 2 } else { 4 };
            return Some((self.window_seen + (used * factor).max(MIN_PROBE)).min(reset));
        }
        let reserve = self.reserve(self.last_response);
        if self.remaining <= reserve {
            return Some(reset);
        }
        if self.remaining > PROBES || self.converged() {
            return None;
        }
        // The requests left before the reserve probe for the reset, spread evenly between the
        // bounds: the one that opens the next window is at most a step past the reset.
        let left = u32::try_from(self.remaining - reserve).unwrap_or(u32::MAX);
        let step = self.upper.saturating_sub(self.lower) / left.saturating_add(1);
        Some((self.window_seen + self.lower + step).min(reset))
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
            if remaining + 1 < self.remaining {
                // More was spent than this request: someone else shares the budget.
                self.shared_until = Some(now + self.upper * SHARED_WINDOWS);
            }
        }
        if self.lower >= self.upper {
            // The bounds crossed: the window changed. Start learning again from here.
            self.upper = (self.lower * 2).clamp(MIN_WINDOW, MAX_WINDOW);
            self.learned = false;
        }
        self.remaining = remaining;
        self.last_response = now;
        self.rtt = self.rtt.min(now.saturating_duration_since(sent_at));
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
    fn probes_are_spread_between_the_bounds() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.lower = 800 * MS;
        b.upper = 1200 * MS;
        answer(&mut b, t0 + 10 * MS, PROBES);
        // Four requests before the reserve: the first at a fifth of the 400 ms between the bounds.
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 880 * MS));
        // Counted: the window is longer than that; the next probe a quarter further.
        answer(&mut b, t0 + 5 * MS + 880 * MS, PROBES - 1);
        assert_eq!(b.lower, 880 * MS);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 960 * MS));
    }

    /// Answers one request after another from `from` on, one less left each time, down to
    /// `to` (this process alone spends the budget).
    fn spend(b: &mut Budget, from: Instant, to: u64) {
        let mut at = from;
        while b.remaining > to {
            let left = b.remaining - 1;
            answer(b, at, left);
            at += 6 * MS;
        }
    }

    #[test]
    fn close_bounds_spend_the_whole_budget_before_waiting() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.lower = 990 * MS;
        b.upper = 1010 * MS;
        spend(&mut b, t0 + 10 * MS, 1);
        // Alone on the budget and the window known within four round trips: the reserve goes
        // too, then the next request waits for the reset.
        assert_eq!(b.next_allowed(), None);
        spend(&mut b, t0 + 100 * MS, 0);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 1010 * MS + MARGIN));
    }

    #[test]
    fn the_reserve_is_kept_while_another_process_spends() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        b.learned = true;
        b.lower = 990 * MS;
        b.upper = 1010 * MS;
        // 9 left, then 6: three were spent by someone else.
        answer(&mut b, t0 + 10 * MS, 6);
        spend(&mut b, t0 + 20 * MS, RESERVE);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 1010 * MS + MARGIN));
    }

    #[test]
    fn an_unknown_window_is_probed_geometrically() {
        let t0 = Instant::now();
        let mut b = opened_at(t0);
        answer(&mut b, t0 + 300 * MS, PROBES);
        // Twice the time the window has run (300 ms) while the budget lasts, far before the
        // assumed 60 s...
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 2 * 300 * MS));
        // ...four times with only the reserve left.
        answer(&mut b, t0 + 600 * MS, RESERVE);
        assert_eq!(b.next_allowed(), Some(t0 + 5 * MS + 4 * 600 * MS));
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

    /// A fixed-window server (Laravel's throttle, as the emulator models it) and a client
    /// that sends `n` requests one after the other, paced by a [`Budget`], in simulated time.
    /// Returns (total time, requests refused).
    pub(super) fn simulate(
        n: usize,
        limit: u64,
        window: Duration,
        latency: Duration,
        assumed: Duration,
    ) -> (Duration, usize) {
        let t0 = Instant::now();
        let mut now = t0;
        let mut budget: Option<Budget> = None;
        let (mut started, mut used) = (None::<Instant>, 0u64);
        let mut refused = 0;
        let mut done = 0;
        while done < n {
            if let Some(due) = budget.as_ref().and_then(Budget::next_allowed) {
                now = now.max(due);
            }
            let sent = now;
            let at_server = sent + latency / 2;
            if started.is_none_or(|s| at_server.saturating_duration_since(s) >= window) {
                started = Some(at_server);
                used = 0;
            }
            let allowed = used < limit;
            if allowed {
                used += 1;
                done += 1;
            } else {
                refused += 1;
            }
            let status = if allowed { 200 } else { 429 };
            let answered = sent + latency + MS;
            match &mut budget {
                Some(b) => b.observe(sent, answered, status, limit - used, Some(limit)),
                None => {
                    let opened = opened_window(limit - used, Some(limit));
                    budget = Some(Budget::new(sent, answered, limit - used, opened, assumed));
                }
            }
            now = answered + MS / 5;
            if !allowed {
                // The client's retry waits out the refusal (Retry-After: the window's end).
                now = now.max(started.unwrap_or(now) + window);
            }
        }
        (now.saturating_duration_since(t0), refused)
    }

    /// Scenario 3 of bench/ (2,000 requests at 60 per 1 s window) and 3b (75 at 60 per
    /// minute) in simulated time: zero refusals, and within 5 % of the floor (the first request
    /// of the last window cannot go before 33 s, resp. 60 s) at the bench's latency, 10 % at
    /// other latencies.
    #[test]
    fn bulk_work_stays_close_to_the_floor_without_a_refusal() {
        for (latency_ms, bound) in [(2, 1.10), (5, 1.05), (8, 1.10), (12, 1.10)] {
            let (took, refused) = simulate(
                2000,
                60,
                Duration::from_secs(1),
                Duration::from_millis(latency_ms),
                DEFAULT_WINDOW,
            );
            assert_eq!(refused, 0, "latency {latency_ms} ms");
            let ratio = took.as_secs_f64() / 33.0;
            assert!(
                ratio <= bound,
                "latency {latency_ms} ms: {took:?} ({ratio:.3}x)"
            );
        }
        let (took, refused) = simulate(
            75,
            60,
            Duration::from_secs(60),
            Duration::from_millis(5),
            DEFAULT_WINDOW,
        );
        assert_eq!(refused, 0);
        assert!(took.as_secs_f64() <= 60.0 * 1.01, "{took:?}");
    }
}

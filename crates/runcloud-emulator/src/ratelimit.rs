//! The account-wide request budget and its headers.
//!
//! RunCloud sends `X-RateLimit-Limit` and `X-RateLimit-Remaining` on responses [doc], so the
//! emulator sends them on every `/api` response, 429 included. Without `--rate-limit` they
//! describe [`UNLIMITED_BUDGET`] requests per minute, a budget no test or benchmark reaches:
//! a client that paces on `Remaining` then never slows down, and one that needs the headers
//! still finds them. With `--rate-limit N --rate-window-ms MS` the budget is a fixed window
//! that starts with the first request after the previous window ended, shared by every client
//! and both API versions (one account) [assumed: RunCloud documents no window or reset header].
//! Requests answered 429 do not use up more of the budget.

use std::time::{Duration, Instant};

/// Budget advertised when no rate limit is configured.
pub const UNLIMITED_BUDGET: u32 = 1_000_000;
const UNLIMITED_WINDOW: Duration = Duration::from_secs(60);

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
}

/// A fixed-window counter.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    window_started: Option<Instant>,
    used: u32,
}

impl RateLimiter {
    /// `rate_limit` is `(requests, window_ms)`; `None` is the advertised, unreachable budget.
    pub fn new(rate_limit: Option<(u32, u64)>) -> Self {
        let (limit, window) = match rate_limit {
            Some((requests, window_ms)) => (requests, Duration::from_millis(window_ms)),
            None => (UNLIMITED_BUDGET, UNLIMITED_WINDOW),
        };
        RateLimiter {
            limit,
            window,
            window_started: None,
            used: 0,
        }
    }

    /// Counts one request made at `now`.
    pub fn check(&mut self, now: Instant) -> RateDecision {
        let window_over = self
            .window_started
            .is_none_or(|started| now.duration_since(started) >= self.window);
        if window_over {
            self.window_started = Some(now);
            self.used = 0;
        }
        let allowed = self.used < self.limit;
        if allowed {
            self.used += 1;
        }
        RateDecision {
            allowed,
            limit: self.limit,
            remaining: self.limit - self.used,
        }
    }

    /// Forgets the current window (reset).
    pub fn reset(&mut self) {
        self.window_started = None;
        self.used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_and_refills_after_the_window() {
        let mut limiter = RateLimiter::new(Some((2, 1000)));
        let start = Instant::now();
        assert_eq!(
            limiter.check(start),
            RateDecision {
                allowed: true,
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(limiter.check(start).remaining, 0);
        assert!(!limiter.check(start + Duration::from_millis(999)).allowed);
        let refilled = limiter.check(start + Duration::from_millis(1000));
        assert!(refilled.allowed);
        assert_eq!(refilled.remaining, 1);
    }
}

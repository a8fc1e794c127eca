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
//!
//! A 429 from the limiter carries `Retry-After` (whole seconds to the window's end, rounded
//! up) and `X-RateLimit-Reset` (that end as a Unix time), as Laravel's stock throttle does
//! [assumed: RunCloud documents neither, docs/RUNCLOUD_API.md §2]. `--retry-after SECONDS`
//! forces the value of both (Reset = now + SECONDS), for tests of a given wait.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Budget advertised when no rate limit is configured.
pub const UNLIMITED_BUDGET: u32 = 1_000_000;
const UNLIMITED_WINDOW: Duration = Duration::from_secs(60);

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Time left until the current window ends.
    pub resets_in: Duration,
}

impl RateDecision {
    /// `Retry-After` and `X-RateLimit-Reset` for a 429: `forced_seconds` (`--retry-after`)
    /// or the seconds to the window's end, rounded up so that a client is never early.
    pub fn retry_headers(&self, forced_seconds: Option<u64>) -> [(&'static str, String); 2] {
        let seconds = forced_seconds.unwrap_or_else(|| {
            let whole = self.resets_in.as_secs();
            whole + u64::from(self.resets_in.subsec_nanos() > 0)
        });
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_secs())
            .unwrap_or(0);
        [
            ("Retry-After", seconds.to_string()),
            ("X-RateLimit-Reset", (now + seconds).to_string()),
        ]
    }
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
        let ends = self.window_started.unwrap_or(now) + self.window;
        RateDecision {
            allowed,
            limit: self.limit,
            remaining: self.limit - self.used,
            resets_in: ends.saturating_duration_since(now),
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
                remaining: 1,
                resets_in: Duration::from_millis(1000),
            }
        );
        assert_eq!(limiter.check(start).remaining, 0);
        let refused = limiter.check(start + Duration::from_millis(400));
        assert!(!refused.allowed);
        assert_eq!(refused.resets_in, Duration::from_millis(600));
        // 0.6 s left: Retry-After rounds up to 1; a forced value wins.
        assert_eq!(refused.retry_headers(None)[0].1, "1");
        assert_eq!(refused.retry_headers(Some(7))[0].1, "7");
        let reset: u64 = refused.retry_headers(Some(7))[1].1.parse().unwrap_or(0);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_secs())
            .unwrap_or(0);
        assert!((now + 6..=now + 8).contains(&reset), "{reset} vs {now}");
        assert!(!limiter.check(start + Duration::from_millis(999)).allowed);
        let refilled = limiter.check(start + Duration::from_millis(1000));
        assert!(refilled.allowed);
        assert_eq!(refilled.remaining, 1);
    }
}

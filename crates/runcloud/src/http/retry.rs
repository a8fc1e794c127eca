//! Retry policy: which failures are worth another attempt, and how long to wait.
//!
//! - At most [`MAX_ATTEMPTS`] attempts in total for one request.
//! - Retried statuses: 429, 502, 503, 504. Retried transport failures: connect failures
//!   (refused, unreachable, DNS, connect timeout) and failures after the request was sent
//!   (reset, truncated body) — the latter only for idempotent requests.
//! - A response timeout is not retried: the caller's whole time budget is spent, and three
//!   of them would triple the worst case of a PHP request.
//! - Backoff: exponential (300 ms, 600 ms, ... capped at 5 s) with jitter (50–100 % of the
//!   step); a `Retry-After: <seconds>` header wins when present, capped at 10 s. An HTTP-date
//!   `Retry-After` is ignored (RunCloud documents no `Retry-After` at all [assumed]).

use std::time::Duration;

pub(crate) const MAX_ATTEMPTS: u32 = 3;
const BASE: Duration = Duration::from_millis(300);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Statuses that say "try again later".
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Statuses that say the request was not processed [assumed for 503: RunCloud documents
/// nothing; a 503 is "unavailable", before any work]. Safe to repeat even a POST.
pub(crate) fn not_processed_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The wait before attempt `next_attempt` (2 or 3).
pub(crate) fn backoff(next_attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(MAX_RETRY_AFTER);
    }
    let exp = next_attempt.saturating_sub(2).min(10);
    let step = BASE.saturating_mul(1 << exp).min(MAX_BACKOFF);
    // Jitter: 50–100 % of the step, so that parallel workers do not retry in lockstep.
    let millis = step.as_millis() as u64;
    Duration::from_millis(millis / 2 + fastrand::u64(0..=millis / 2))
}

/// `Retry-After` in seconds (`"3"`); `None` for anything else.
pub(crate) fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    let v = value?.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) || v.len() > 6 {
        return None;
    }
    v.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        for _ in 0..100 {
            let a = backoff(2, None);
            assert!(a >= Duration::from_millis(150) && a <= Duration::from_millis(300));
            let b = backoff(3, None);
            assert!(b >= Duration::from_millis(300) && b <= Duration::from_millis(600));
            assert!(backoff(30, None) <= MAX_BACKOFF);
        }
        assert_eq!(
            backoff(2, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(backoff(2, Some(Duration::from_secs(600))), MAX_RETRY_AFTER);
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after(Some("3")), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(Some(" 0 ")), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(parse_retry_after(Some("-1")), None);
        assert_eq!(parse_retry_after(Some("99999999999999999999")), None);
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn statuses() {
        for s in [429, 502, 503, 504] {
            assert!(retryable_status(s));
        }
        for s in [200, 400, 401, 404, 422, 500, 501] {
            assert!(!retryable_status(s));
        }
        assert!(not_processed_status(429) && !not_processed_status(502));
    }
}

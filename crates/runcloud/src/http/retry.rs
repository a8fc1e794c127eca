//! Retries: which failures are worth another attempt, how long to wait, and the loop that
//! paces, sends and repeats one request ([`Client::call`]).
//!
//! - At most [`MAX_ATTEMPTS`] attempts in total for one request.
//! - Retried statuses: 429, 502, 503, 504. Retried transport failures: connect failures
//!   (refused, unreachable, DNS, connect timeout) and failures after the request was sent
//!   (reset, truncated body) — the latter only for idempotent requests.
//! - A response timeout is not retried: the caller's whole time budget is spent, and three
//!   of them would triple the worst case of a PHP request.
//! - Backoff: exponential (300 ms, 600 ms, ... capped at 5 s) with jitter (50–100 % of the
//!   step); a wait RunCloud asked for (`Retry-After`, `X-RateLimit-Reset`: see wait.rs) wins
//!   when present. Every wait must fit in the call's `max_wait` (wait.rs), or it is not taken.

use std::time::{Duration, Instant};

use super::wait::GaveUp;
use super::{rate_limit, with_note, Client, Failed, Method, Reply, Retry};
use crate::error::Error;

pub(crate) const MAX_ATTEMPTS: u32 = 3;
const BASE: Duration = Duration::from_millis(300);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Statuses that say "try again later".
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Statuses that say the request was not processed [assumed for 503: RunCloud documents
/// nothing; a 503 is "unavailable", before any work]. Safe to repeat even a POST.
pub(crate) fn not_processed_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The wait before attempt `next_attempt` (2 or 3): RunCloud's, when it named one.
pub(crate) fn backoff(next_attempt: u32, server_wait: Option<Duration>) -> Duration {
    if let Some(wait) = server_wait {
        return wait;
    }
    let exp = next_attempt.saturating_sub(2).min(10);
    let step = BASE.saturating_mul(1 << exp).min(MAX_BACKOFF);
    // Jitter: 50–100 % of the step, so that parallel workers do not retry in lockstep.
    let millis = step.as_millis() as u64;
    Duration::from_millis(millis / 2 + fastrand::u64(0..=millis / 2))
}

impl Client {
    /// A request with retries and pacing; any HTTP status is an `Ok(Reply)`. Every wait
    /// (pacer, RunCloud's, backoff) must fit in what is left of `max_wait` (wait.rs).
    pub(crate) fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        retry: Retry,
        max_attempts: u32,
    ) -> std::result::Result<Reply, Failed> {
        let max_attempts = max_attempts.clamp(1, MAX_ATTEMPTS);
        let mut attempt = 1;
        let mut earlier_maybe_processed = false;
        loop {
            // The pacer's wait is a prediction: when it does not fit, send now and let
            // RunCloud decide.
            self.budget
                .sleep(rate_limit::wait_before_request(&self.api_root));
            let sent_at = Instant::now();
            let outcome = self.attempt(method, path, query, body, sent_at);
            let (again, server_wait) = match &outcome {
                Ok((reply, server_wait)) => (
                    retryable_status(reply.status)
                        && (retry == Retry::Idempotent || not_processed_status(reply.status)),
                    *server_wait,
                ),
                Err(f) => (
                    f.retryable && (retry == Retry::Idempotent || !f.maybe_processed),
                    None,
                ),
            };
            let mut gave_up = None;
            if again && attempt < max_attempts {
                let wait = backoff(attempt + 1, server_wait.map(|w| w.wait));
                if self.budget.sleep(wait) {
                    earlier_maybe_processed |= match &outcome {
                        Ok((reply, _)) => !not_processed_status(reply.status),
                        Err(f) => f.maybe_processed,
                    };
                    attempt += 1;
                    continue;
                }
                gave_up = Some(GaveUp::MaxWait {
                    server: server_wait,
                    max_wait: self.budget.max(),
                });
            } else if again {
                gave_up = server_wait.map(GaveUp::Attempts);
            }
            return match outcome {
                Ok((mut reply, _)) => {
                    reply.attempts = attempt;
                    reply.earlier_maybe_processed = earlier_maybe_processed;
                    reply.gave_up = gave_up;
                    Ok(reply)
                }
                Err(mut f) => {
                    f.attempts = attempt;
                    if attempt > 1 {
                        if let Error::Transport { message, .. } = &mut f.error {
                            message.push_str(&format!(" (after {attempt} attempts)"));
                        }
                    }
                    if let Some(gave_up) = gave_up {
                        f.out_of_wait = true;
                        f.error = with_note(f.error, &gave_up.note());
                    }
                    Err(f)
                }
            };
        }
    }
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
        assert_eq!(
            backoff(2, Some(Duration::from_secs(600))),
            Duration::from_secs(600)
        );
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

//! How long one call may wait, and how long RunCloud asks it to.
//!
//! - `max_wait` (option, seconds, default 60, 0 to 3600): the most time one call spends
//!   sleeping in all — on the pacer, on a server-asked wait (`Retry-After` or
//!   `X-RateLimit-Reset`) and on backoff between attempts. The rule: **a wait that does not fit
//!   in what is left of `max_wait` is not started.** A retry whose wait does not fit is given
//!   up at once and the call ends with the answer that asked for it (a 429 `ApiException` whose
//!   message says when to retry); a pacer wait that does not fit is skipped and the request
//!   goes now (the pacer's prediction is conservative, RunCloud decides).
//!   A server-asked wait that fits is honoured in full: there is no separate cap any more (it
//!   was 10 s); `max_wait` is the cap, so an admin request passes a few seconds and a
//!   background job may wait for the window to reset.
//! - Server hints [assumed: RunCloud documents neither header; Laravel's throttle sends both
//!   with its 429, docs/RUNCLOUD_API.md §2]: `Retry-After: <seconds>` wins (relative, so no
//!   clock skew); else `X-RateLimit-Reset: <unix time>` minus our clock (a value below
//!   10^9, i.e. before 2001, is taken as seconds to wait, as some APIs send it [assumed]).
//!   An HTTP-date `Retry-After` (RFC 9110 allows it; a proxy in front may send one) is that
//!   date minus our clock; one in the past is no wait.

use std::cell::Cell;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `max_wait` when the call does not give one (README.md, "The native API").
pub(crate) const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
/// Largest `max_wait` accepted (also bounds every hint we could honour).
pub(crate) const MAX_MAX_WAIT_SECS: f64 = 3600.0;
/// An `X-RateLimit-Reset` below this is a number of seconds, not a Unix time.
const UNIX_TIME_FLOOR: u64 = 1_000_000_000;
/// An `X-RateLimit-Reset` from this on is a Unix time in milliseconds (10^12 s is year 33658).
const UNIX_MS_FLOOR: u64 = 1_000_000_000_000;
/// The longest hint read, in seconds (10^15 - 1: past any `max_wait`, far from overflow).
const LONGEST_HINT: u64 = 999_999_999_999_999;

/// The waiting one call may still do. Not shared between threads: one per call.
#[derive(Debug)]
pub(crate) struct WaitBudget {
    max: Duration,
    spent: Cell<Duration>,
}

impl WaitBudget {
    pub(crate) fn new(max: Duration) -> Self {
        WaitBudget {
            max,
            spent: Cell::new(Duration::ZERO),
        }
    }

    pub(crate) fn max(&self) -> Duration {
        self.max
    }

    /// Sleeps `wait` and counts it when it fits in what is left; false (no sleep) otherwise.
    pub(crate) fn sleep(&self, wait: Duration) -> bool {
        let spent = self.spent.get();
        if spent.saturating_add(wait) > self.max {
            return false;
        }
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        self.spent.set(spent + wait);
        true
    }
}

/// The wait RunCloud asked for, from its `Retry-After` and `X-RateLimit-Reset` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServerWait {
    pub wait: Duration,
}

/// Reads the headers of an answer received at `now_unix` (seconds since the epoch).
pub(crate) fn server_wait(
    retry_after: Option<&str>,
    reset: Option<&str>,
    now_unix: u64,
) -> Option<ServerWait> {
    let seconds = parse_seconds(retry_after)
        .or_else(|| until_http_date(retry_after, now_unix))
        .or_else(|| {
            let reset = parse_seconds(reset)?;
            Some(if reset < UNIX_TIME_FLOOR {
                reset
            } else if reset >= UNIX_MS_FLOOR {
                // Milliseconds since the epoch, as some APIs send it [assumed].
                (reset / 1000).saturating_sub(now_unix)
            } else {
                reset.saturating_sub(now_unix)
            })
        })?;
    Some(ServerWait {
        wait: Duration::from_secs(seconds),
    })
}

/// Seconds from `now_unix` to an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT` and the two
/// obsolete forms), 0 when it is past; `None` when it is not a date.
fn until_http_date(value: Option<&str>, now_unix: u64) -> Option<u64> {
    let at = httpdate::parse_http_date(value?.trim()).ok()?;
    let at = at.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(at.saturating_sub(now_unix))
}

/// Whole non-negative seconds (`"3"`); `None` for anything else. A number too long to mean
/// anything but "a very long time" reads as the longest we represent (then no `max_wait` fits:
/// the call ends at once, saying when to retry).
fn parse_seconds(value: Option<&str>) -> Option<u64> {
    let v = value?.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if v.len() > 15 {
        return Some(LONGEST_HINT);
    }
    v.parse().ok().map(|n: u64| n.min(LONGEST_HINT))
}

pub(crate) fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Why a call stopped retrying, appended to the error's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GaveUp {
    /// The attempts were used up; RunCloud's last answer asked for this wait.
    Attempts(ServerWait),
    /// The next wait (RunCloud's, or our backoff when it named none) did not fit in `max_wait`.
    MaxWait {
        server: Option<ServerWait>,
        max_wait: Duration,
    },
}

impl GaveUp {
    /// ` (retry after 45 s; ...)`, with a leading space. Relative seconds only: the plugin's
    /// log lines carry their own time.
    pub(crate) fn note(&self) -> String {
        let when = |w: &ServerWait| format!("retry after {} s", w.wait.as_secs());
        match self {
            GaveUp::Attempts(w) => format!(" ({})", when(w)),
            GaveUp::MaxWait { server, max_wait } => {
                let limit = format!("this call waits at most max_wait = {} s", secs(*max_wait));
                match server {
                    Some(w) => format!(" ({}; not waited: {limit})", when(w)),
                    None => format!(" (retry later; not retried: {limit})"),
                }
            }
        }
    }
}

/// `3`, `2.5`: seconds without trailing zeros.
fn secs(d: Duration) -> String {
    let text = format!("{:.3}", d.as_secs_f64());
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_439_671;

    #[test]
    fn retry_after_wins_then_the_reset_time() {
        let w = server_wait(Some("45"), Some("1"), NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(45));
        let w = server_wait(None, Some(&(NOW + 30).to_string()), NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(30));
        // A reset in the past: no wait.
        let w = server_wait(None, Some(&(NOW - 5).to_string()), NOW).unwrap();
        assert_eq!(w.wait, Duration::ZERO);
        // A small value is seconds to wait.
        let w = server_wait(Some("soon"), Some("12"), NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(12));
        // An HTTP-date: until then; in the past, no wait.
        let w = server_wait(Some("Sat, 29 Nov 2025 18:08:21 GMT"), None, NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(30));
        let w = server_wait(Some("Wed, 21 Oct 2015 07:28:00 GMT"), Some("12"), NOW).unwrap();
        assert_eq!(
            w.wait,
            Duration::ZERO,
            "a date wins over the reset header, past or not"
        );
        // Too long to mean anything but "very long": the longest hint, so no max_wait fits.
        let w = server_wait(Some("99999999999999999999"), None, NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(LONGEST_HINT));
        // A reset in milliseconds.
        let w = server_wait(None, Some(&((NOW + 30) * 1000).to_string()), NOW).unwrap();
        assert_eq!(w.wait, Duration::from_secs(30));
        for junk in ["", "-1", "1.5", "Wed, 32 Oct 2015 07:28:00 GMT", "1e9"] {
            assert_eq!(server_wait(Some(junk), None, NOW), None, "{junk}");
        }
        assert_eq!(server_wait(None, None, NOW), None);
        assert_eq!(
            server_wait(Some(" 0 "), None, NOW).map(|w| w.wait),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn budget_refuses_a_wait_that_does_not_fit() {
        let budget = WaitBudget::new(Duration::from_millis(50));
        assert!(budget.sleep(Duration::from_millis(30)));
        assert!(!budget.sleep(Duration::from_millis(30)));
        assert!(budget.sleep(Duration::from_millis(20)));
        assert!(budget.sleep(Duration::ZERO));
        assert!(!WaitBudget::new(Duration::ZERO).sleep(Duration::from_millis(1)));
    }

    #[test]
    fn notes_say_when_to_retry() {
        let w = ServerWait {
            wait: Duration::from_secs(45),
        };
        assert_eq!(
            GaveUp::MaxWait {
                server: Some(w),
                max_wait: Duration::from_secs(3)
            }
            .note(),
            " (retry after 45 s; not waited: this call waits at most max_wait = 3 s)"
        );
        assert_eq!(GaveUp::Attempts(w).note(), " (retry after 45 s)");
        assert_eq!(
            GaveUp::MaxWait {
                server: None,
                max_wait: Duration::from_millis(2500)
            }
            .note(),
            " (retry later; not retried: this call waits at most max_wait = 2.5 s)"
        );
    }
}

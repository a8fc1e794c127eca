//! Time: the emulator clock, and timestamps in RunCloud's format `YYYY-MM-DD HH:MM:SS` (UTC, no
//! zone), without a date crate.
//!
//! The emulator clock is real time plus an offset that only the control plane moves
//! (`POST /__emulator/clock`), so tests can step over Let's Encrypt's 7-day window without
//! sleeping. It dates certificate issuance (the duplicate-certificate window, the issuance log,
//! a certificate's `created_at`/`validUntil`/`renewal_date`). The API rate limiter stays on real
//! time: it paces real clients that really wait, and advancing a simulated week must not hand
//! them a fresh request budget. Domain and web-app `created_at` also stay on real time.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

pub const SECONDS_PER_DAY: u64 = 86_400;
/// Largest single step (about 100 years): keeps every date formattable and far from overflow.
pub const MAX_ADVANCE_SECONDS: u64 = 100 * 365 * SECONDS_PER_DAY;

/// Real time plus the offset the control plane added.
#[derive(Debug, Clone, Default)]
pub struct EmulatorClock {
    offset_seconds: u64,
}

impl EmulatorClock {
    /// Seconds since the Unix epoch on the emulator clock.
    pub fn now(&self) -> u64 {
        real_now().saturating_add(self.offset_seconds)
    }

    /// Moves the clock forward (never back: the issuance windows assume time only grows).
    pub fn advance(&mut self, seconds: u64) -> Result<(), String> {
        if seconds > MAX_ADVANCE_SECONDS {
            return Err(format!(
                "\"advance_seconds\" must be at most {MAX_ADVANCE_SECONDS} (about 100 years)"
            ));
        }
        let offset = self.offset_seconds.saturating_add(seconds);
        if offset > MAX_ADVANCE_SECONDS {
            return Err(format!(
                "the clock may run at most {MAX_ADVANCE_SECONDS} seconds ahead of real time"
            ));
        }
        self.offset_seconds = offset;
        Ok(())
    }

    /// `{"now": "YYYY-MM-DD HH:MM:SS", "unix": N, "offset_seconds": N}` (`GET /__emulator/clock`).
    pub fn to_json(&self) -> Value {
        let now = self.now();
        json!({
            "now": format_unix_seconds(now),
            "unix": now,
            "offset_seconds": self.offset_seconds,
        })
    }
}

fn real_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Real time now, formatted like RunCloud's `created_at` (domains and web apps).
pub fn now_timestamp() -> String {
    format_unix_seconds(real_now())
}

/// `days` after the instant `from` (seconds since the epoch), same format (expiry dates).
pub fn timestamp_days_after(from: u64, days: u64) -> String {
    format_unix_seconds(from.saturating_add(days.saturating_mul(SECONDS_PER_DAY)))
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn format_unix_seconds(seconds: u64) -> String {
    let days = seconds / SECONDS_PER_DAY;
    let in_day = seconds % SECONDS_PER_DAY;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        (in_day % 3600) / 60,
        in_day % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm, for days since 1970-01-01 (never negative here).
fn civil_from_days(days_since_epoch: u64) -> (u64, u64, u64) {
    let shifted = days_since_epoch + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::format_unix_seconds;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix_seconds(0), "1970-01-01 00:00:00");
        assert_eq!(format_unix_seconds(1_720_508_533), "2024-07-09 07:02:13");
        assert_eq!(format_unix_seconds(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(format_unix_seconds(4_107_542_399), "2100-02-28 23:59:59");
    }
}

//! Timestamps in RunCloud's format, `YYYY-MM-DD HH:MM:SS` (UTC, no zone), without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: u64 = 86_400;

/// Now, formatted like RunCloud's `created_at`.
pub fn now_timestamp() -> String {
    timestamp_after_now(0)
}

/// `days` from now, same format (certificate expiry dates).
pub fn timestamp_after_now(days: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    format_unix_seconds(now + days * SECONDS_PER_DAY)
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

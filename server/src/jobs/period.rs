//! The period of a `cron_*` setting, and the period a moment falls in. Periods are aligned
//! on the Unix epoch, so every instance computes the same period start for the same moment.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// The period a schedule value names: `@every <n>s|m|h`, `@hourly`, `@daily` (`@midnight`),
/// `@weekly`. A cron line (or anything else) is `None`: the job keeps its default period.
pub fn parse(value: &str) -> Option<Duration> {
    let value = value.trim();
    let secs = match value {
        "@hourly" => 3600,
        "@daily" | "@midnight" => 86_400,
        "@weekly" => 7 * 86_400,
        _ => {
            let every = value.strip_prefix("@every ")?.trim();
            let digits = every.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let n: u64 = digits.parse().ok()?;
            let unit = match &every[digits.len()..] {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => return None,
            };
            n.checked_mul(unit)?
        }
    };
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// The start (Unix seconds) of the period of length `period` that holds `now`.
pub fn start_of(now: DateTime<Utc>, period: Duration) -> i64 {
    let len = i64::try_from(period.as_secs().max(1)).unwrap_or(i64::MAX);
    now.timestamp().div_euclid(len) * len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_read_as_periods() {
        assert_eq!(parse("@every 15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse(" @every 30s "), Some(Duration::from_secs(30)));
        assert_eq!(parse("@every 230h"), Some(Duration::from_secs(828_000)));
        assert_eq!(parse("@daily"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse("@every 0s"), None);
        assert_eq!(parse("@every soon"), None);
        assert_eq!(parse("*/5 * * * *"), None);
    }

    #[test]
    fn moments_of_one_period_share_its_start() {
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        let p = Duration::from_secs(900);
        assert_eq!(start_of(at(1800), p), 1800);
        assert_eq!(start_of(at(2699), p), 1800);
        assert_eq!(start_of(at(2700), p), 2700);
    }
}

//! The schedule of a `cron_*` setting, and the run a moment falls in. Both forms give every
//! moment one run start that every instance computes alike: an `@every` period is aligned on
//! the Unix epoch, a cron line's run starts at its latest firing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use croner::{
    Cron,
    parser::{CronParser, Seconds, Year},
};

/// A parsed `cron_*` value.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// `@every <duration>`, `@hourly`, `@daily` (`@midnight`), `@weekly`: a period aligned on
    /// the epoch.
    Every(Duration),
    /// A five- or six-field (with seconds) cron line in UTC, or a nickname croner reads
    /// (`@monthly`, `@yearly`).
    Cron(Box<Cron>),
}

/// Reads a schedule value, as Cloudreve's (Go's robfig/cron) settings write them: `@every`
/// with a Go-style duration (`90s`, `15m`, `1h30m`), the nicknames, or a cron line of five
/// fields (minute first) or six (second first). Says why when it is none of these.
pub fn parse(value: &str) -> Result<Schedule, String> {
    let value = value.trim();
    let secs = match value {
        "@hourly" => 3600,
        "@daily" | "@midnight" => 86_400,
        "@weekly" => 7 * 86_400,
        _ if value.starts_with("@every") => {
            let every = value["@every".len()..].trim();
            let d = humantime::parse_duration(every).map_err(|e| {
                format!("{value:?}: @every takes a duration such as 90s, 15m or 1h30m ({e})")
            })?;
            if d.as_secs() == 0 {
                return Err(format!("{value:?}: the shortest period is 1s"));
            }
            // Runs are keyed by their start second: a fraction of a second cannot count.
            if d.subsec_nanos() != 0 {
                return Err(format!("{value:?}: the period must be whole seconds"));
            }
            d.as_secs()
        }
        _ => return parse_cron(value).map(|c| Schedule::Cron(Box::new(c))),
    };
    Ok(Schedule::Every(Duration::from_secs(secs)))
}

fn parse_cron(value: &str) -> Result<Cron, String> {
    let fields = value.split_whitespace().count();
    if !value.starts_with('@') && !matches!(fields, 5 | 6) {
        return Err(format!(
            "{value:?} is neither @every <duration> nor a cron line of five fields \
             (minute hour day-of-month month day-of-week) or six (seconds first)"
        ));
    }
    CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build()
        .parse(value)
        .map_err(|e| format!("{value:?}: {e}"))
}

impl Schedule {
    /// The start (Unix seconds) of the run that holds `now`: the start of its period, or the
    /// latest firing of the cron line at or before `now`. `None` when a cron line never fired
    /// (a date that does not exist, such as 30 February).
    pub fn start_of(&self, now: DateTime<Utc>) -> Option<i64> {
        match self {
            Schedule::Every(period) => Some(start_of(now, *period)),
            Schedule::Cron(cron) => cron
                .find_previous_occurrence(&now, true)
                .ok()
                .map(|at| at.timestamp()),
        }
    }
}

/// The start (Unix seconds) of the period of length `period` that holds `now`.
pub fn start_of(now: DateTime<Utc>, period: Duration) -> i64 {
    let len = i64::try_from(period.as_secs().max(1)).unwrap_or(i64::MAX);
    now.timestamp().div_euclid(len) * len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every(value: &str) -> Option<Duration> {
        match parse(value) {
            Ok(Schedule::Every(d)) => Some(d),
            _ => None,
        }
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    #[test]
    fn periods_read_as_go_durations() {
        assert_eq!(every("@every 15m"), Some(Duration::from_secs(900)));
        assert_eq!(every(" @every 30s "), Some(Duration::from_secs(30)));
        assert_eq!(every("@every 230h"), Some(Duration::from_secs(828_000)));
        assert_eq!(every("@every 1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(every("@every 2h45m10s"), Some(Duration::from_secs(9910)));
        assert_eq!(every("@daily"), Some(Duration::from_secs(86_400)));
        for bad in [
            "@every 0s",
            "@every soon",
            "@every",
            "@every 1500ms",
            "@every -5m",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cron_lines_of_five_or_six_fields_are_read() {
        for good in ["*/5 * * * *", "0 3 * * 1-5", "30 */10 * * * *", "@monthly"] {
            assert!(
                matches!(parse(good), Ok(Schedule::Cron(_))),
                "{good}: {:?}",
                parse(good)
            );
        }
        for bad in [
            "* * * *",
            "0 0 0 1 1 * 2030",
            "61 * * * *",
            "* * * * mon-xyz",
            "@sometimes",
            "",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn a_cron_run_starts_at_its_latest_firing() {
        let five = parse("*/5 * * * *").unwrap();
        // 1970-01-01 00:12:34 is in the run that fired at 00:10.
        assert_eq!(five.start_of(at(754)), Some(600));
        assert_eq!(five.start_of(at(600)), Some(600));
        let seconds = parse("*/20 * * * * *").unwrap();
        assert_eq!(seconds.start_of(at(1_000_019)), Some(1_000_000));
    }

    #[test]
    fn moments_of_one_period_share_its_start() {
        let p = Duration::from_secs(900);
        assert_eq!(start_of(at(1800), p), 1800);
        assert_eq!(start_of(at(2699), p), 1800);
        assert_eq!(start_of(at(2700), p), 2700);
        assert_eq!(Schedule::Every(p).start_of(at(2699)), Some(1800));
    }
}

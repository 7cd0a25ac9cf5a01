//! Backup schedules and the scheduler.
//!
//! A schedule is `@hourly`, `@daily`, `@weekly`, `@every <duration>` (a period aligned on the
//! Unix epoch, as the periodic jobs' periods are, so every instance sees the same due times),
//! a five-field cron line in UTC (read by `croner`), or empty for manual runs only.
//!
//! [`tick`] runs every [`POLL`]: for each enabled task whose latest due time is past and later
//! than the task's creation, it queues a `backup_run` keyed `backup:<task id>@<due time>` in
//! the unique `tasks.schedule_key`, so of several instances sharing the database one queues
//! each due time. A task with a run still queued or running is passed over.

use std::{str::FromStr, time::Duration};

use chrono::{DateTime, TimeZone, Utc};
use croner::Cron;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use stratus_entity::{backup_record, backup_task};

use super::{BackupError, records, run};
use crate::state::AppState;

/// How often the scheduler looks at the clock.
pub const POLL: Duration = Duration::from_secs(30);
/// The shortest `@every` period.
const MIN_PERIOD: u64 = 60;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// Every so many seconds, aligned on the epoch.
    Period(u64),
    /// A cron line, in UTC.
    Cron(Box<Cron>),
}

/// Reads a schedule; `Ok(None)` for an empty one (manual runs only).
pub fn parse(value: &str) -> Result<Option<Schedule>, BackupError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = |why: &str| BackupError::Schedule(format!("{value:?}: {why}"));
    let secs = match value {
        "@hourly" => 3600,
        "@daily" | "@midnight" => 86_400,
        "@weekly" => 7 * 86_400,
        _ if value.starts_with("@every") => {
            let every = value["@every".len()..].trim();
            let secs = duration(every)
                .ok_or_else(|| bad("@every takes a duration such as 30m, 6h, 1d or 1h30m"))?;
            if secs < MIN_PERIOD {
                return Err(bad("the shortest period is 1m"));
            }
            secs
        }
        _ if value.starts_with('@') => {
            return Err(bad("use @hourly, @daily, @weekly or @every <duration>"));
        }
        _ => {
            if value.split_whitespace().count() != 5 {
                return Err(bad(
                    "a cron line has five fields: minute hour day-of-month month day-of-week",
                ));
            }
            let cron = Cron::from_str(value).map_err(|e| bad(&e.to_string()))?;
            return Ok(Some(Schedule::Cron(Box::new(cron))));
        }
    };
    Ok(Some(Schedule::Period(secs)))
}

/// `1h30m`, `45m`, `2d`, `90s` in seconds.
fn duration(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = rest.chars().next()?;
        let mult = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        rest = &rest[1..];
        total = total.checked_add(n.checked_mul(mult)?)?;
    }
    (total > 0).then_some(total)
}

impl Schedule {
    /// The latest due time at or before `now`.
    pub fn last_due(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Period(secs) => {
                let len = i64::try_from(*secs).ok()?;
                Utc.timestamp_opt(now.timestamp().div_euclid(len) * len, 0)
                    .single()
            }
            Schedule::Cron(cron) => cron.find_previous_occurrence(&now, true).ok(),
        }
    }

    /// The first due time after `now`.
    pub fn next_due(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Period(secs) => {
                let len = i64::try_from(*secs).ok()?;
                Utc.timestamp_opt((now.timestamp().div_euclid(len) + 1) * len, 0)
                    .single()
            }
            Schedule::Cron(cron) => cron.find_next_occurrence(&now, false).ok(),
        }
    }
}

/// When a task's schedule next queues a run; `None` for a disabled or manual-only task.
pub fn next_run(task: &backup_task::Model, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if !task.enabled {
        return None;
    }
    parse(&task.schedule).ok().flatten()?.next_due(now)
}

/// Runs the scheduler until the returned task is aborted.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = tick(&state, Utc::now()).await {
                tracing::warn!(error = %e, "cannot queue the scheduled backups");
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

/// Queues the run of every enabled task that is due at `now` and not queued yet for that
/// due time; answers the records of the runs this call queued.
pub async fn tick(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Vec<backup_record::Model>, BackupError> {
    let tasks = backup_task::Entity::find()
        .filter(backup_task::Column::Enabled.eq(true))
        .filter(backup_task::Column::Schedule.ne(""))
        .all(&state.db)
        .await?;
    let mut queued = Vec::new();
    for task in tasks {
        let Ok(Some(schedule)) = parse(&task.schedule) else {
            continue;
        };
        let next = schedule.next_due(now);
        let due = schedule.last_due(now).filter(|due| *due > task.created_at);
        if let Some(due) = due
            && task.last_run_at.is_none_or(|last| last < due)
            && !records::has_live_run(&state.db, task.id).await?
            && let Some(record) = run::queue_scheduled(state, &task, due).await?
        {
            queued.push(record);
        }
        if task.next_run_at != next {
            set_next(state, task, next).await?;
        }
    }
    Ok(queued)
}

async fn set_next(
    state: &AppState,
    task: backup_task::Model,
    next: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut row = task.into_active_model();
    row.next_run_at = Set(next);
    row.update(&state.db).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(s, 0).unwrap()
    }

    #[test]
    fn schedules_parse_or_say_why() {
        assert!(parse("").unwrap().is_none());
        assert!(matches!(parse("@hourly"), Ok(Some(Schedule::Period(3600)))));
        assert!(matches!(
            parse("@every 1h30m"),
            Ok(Some(Schedule::Period(5400)))
        ));
        assert!(matches!(
            parse("*/15 2 * * 1-5"),
            Ok(Some(Schedule::Cron(_)))
        ));
        for bad in [
            "@every 10s",
            "@every soon",
            "@yearly",
            "* * * *",
            "61 * * * *",
            "0 0 * * * *",
        ] {
            assert!(matches!(parse(bad), Err(BackupError::Schedule(_))), "{bad}");
        }
    }

    #[test]
    fn due_times_are_aligned() {
        let hourly = parse("@hourly").unwrap().unwrap();
        assert_eq!(hourly.last_due(at(7300)), Some(at(7200)));
        assert_eq!(hourly.next_due(at(7200)), Some(at(10800)));
        let cron = parse("30 * * * *").unwrap().unwrap();
        assert_eq!(cron.last_due(at(7300)), Some(at(5400)));
        assert_eq!(cron.next_due(at(7300)), Some(at(9000)));
    }
}

//! The scheduler: every [`POLL`] it queues, for each periodic job, the task of the period now
//! running unless some instance already did (the unique `schedule_key`), and drops the
//! tasks of periods long past.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::task::{self, status};

use super::periodic::{JOBS, Periodic};
use crate::{
    queue::store,
    settings::period::{self, Schedule},
    snapshot,
    state::AppState,
};

/// How often the scheduler looks at the clock.
pub const POLL: Duration = Duration::from_secs(30);

/// Completed tasks of past periods are kept this long (for the admin's task list)...
const KEEP_COMPLETED: Duration = Duration::from_secs(86_400);
/// ...and failed or canceled ones this long.
const KEEP_FAILED: Duration = Duration::from_secs(7 * 86_400);

/// Runs the scheduler until the returned task is aborted.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = tick(&state, Utc::now()).await {
                tracing::warn!(error = %e, "cannot queue the periodic jobs");
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

/// Queues the task of every job's period holding `now` that no one queued yet, and prunes old
/// ones. Returns the tasks this call queued.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<Vec<task::Model>, DbErr> {
    let mut queued = Vec::new();
    for job in JOBS {
        let schedule = schedule_of(state, job).await?;
        let Some(start) = schedule.start_of(now) else {
            continue;
        };
        let key = format!("{}@{start}", job.name);
        let summary = json!({"phase": "", "props": {"period_start": start}});
        if let Some(row) = store::submit_scheduled(state, job, &key, summary).await? {
            queued.push(row);
        }
    }
    // Snapshot schedules: one task per schedule and period, keyed the same way.
    queued.extend(snapshot::schedule::queue_due(state, now).await?);
    prune(state, now).await?;
    Ok(queued)
}

/// The job's schedule from its setting, else its default period. Saving the setting refuses
/// a bad value; one written some other way is logged and the job keeps its default.
pub async fn schedule_of(state: &AppState, job: &Periodic) -> Result<Schedule, DbErr> {
    let Some(setting) = job.setting else {
        return Ok(Schedule::Every(job.default));
    };
    let value = state.settings.get(setting).await?;
    Ok(period::parse(&value).unwrap_or_else(|why| {
        tracing::warn!(setting, %why, "not a schedule; the job keeps its default period");
        Schedule::Every(job.default)
    }))
}

/// Deletes ended scheduled tasks older than what is kept.
async fn prune(state: &AppState, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let ago = |d: Duration| now - chrono::Duration::from_std(d).unwrap_or_default();
    let mut deleted = 0;
    for (statuses, keep) in [
        (&[status::COMPLETED][..], KEEP_COMPLETED),
        (&[status::ERROR, status::CANCELED][..], KEEP_FAILED),
    ] {
        deleted += task::Entity::delete_many()
            .filter(task::Column::ScheduleKey.is_not_null())
            .filter(task::Column::Status.is_in(statuses.iter().copied()))
            .filter(task::Column::UpdatedAt.lt(ago(keep)))
            .exec(&state.db)
            .await?
            .rows_affected;
    }
    Ok(deleted)
}

//! The services behind `/admin/queue`: every user's tasks, their counts per queue, deleting
//! and cleaning up.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Condition};
use stratus_entity::task;

use super::{
    AdminError,
    list::{self, ListQuery, Page},
};
use crate::{
    queue::{QUEUES, store},
    state::AppState,
};

const SORTABLE: &[&str] = &["created_at", "updated_at", "status", "type"];

/// Lists tasks. Conditions: `task_type`, `task_status`, `task_user_id`, `task_correlation_id`.
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<task::Model>, AdminError> {
    q.allow(
        &[
            "task_type",
            "task_status",
            "task_user_id",
            "task_correlation_id",
        ],
        &[],
    )?;
    let mut filter = Condition::all().add(task::Column::DeletedAt.is_null());
    if let Some(t) = q.text("task_type") {
        filter = filter.add(task::Column::Type.eq(t));
    }
    if let Some(s) = q.text("task_status") {
        filter = filter.add(task::Column::Status.eq(s));
    }
    if let Some(u) = q.int("task_user_id")? {
        filter = filter.add(task::Column::UserId.eq(u));
    }
    if let Some(c) = q.text("task_correlation_id") {
        filter = filter.add(task::Column::CorrelationId.eq(c));
    }
    list::fetch(&state.db, task::Entity::find().filter(filter), q, SORTABLE).await
}

pub async fn get(state: &AppState, id: i64) -> Result<task::Model, AdminError> {
    store::find(&state.db, id, None)
        .await
        .map_err(|_| AdminError::TaskNotFound)
}

pub async fn delete_many(state: &AppState, ids: &[i64]) -> Result<u64, AdminError> {
    Ok(store::delete(state, ids).await?)
}

/// Deletes ended tasks last changed at or before `not_after`, of `types` and `statuses` when
/// given.
pub async fn cleanup(
    state: &AppState,
    not_after: DateTime<Utc>,
    types: &[String],
    statuses: &[String],
) -> Result<u64, AdminError> {
    Ok(store::cleanup(&state.db, not_after, types, statuses).await?)
}

/// One queue's counts (`GET /admin/queue/metrics`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueMetrics {
    pub name: &'static str,
    /// Tasks processing now, on every instance.
    pub busy_workers: i64,
    pub success_tasks: i64,
    pub failure_tasks: i64,
    /// Every task the queue holds.
    pub submitted_tasks: i64,
    /// Tasks waiting: queued or suspended.
    pub suspending_tasks: i64,
}

pub async fn metrics(state: &AppState) -> Result<Vec<QueueMetrics>, AdminError> {
    let counts = store::counts(&state.db).await?;
    Ok(QUEUES
        .iter()
        .map(|name| {
            let mut m = QueueMetrics {
                name,
                ..Default::default()
            };
            for (_, status, n) in counts.iter().filter(|c| c.0 == *name) {
                m.submitted_tasks += n;
                match status.as_str() {
                    task::status::PROCESSING => m.busy_workers += n,
                    task::status::COMPLETED => m.success_tasks += n,
                    task::status::ERROR => m.failure_tasks += n,
                    task::status::QUEUED | task::status::SUSPENDING => m.suspending_tasks += n,
                    _ => {}
                }
            }
            m
        })
        .collect())
}

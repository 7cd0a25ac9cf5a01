//! Backup records: the list (by task, status and dates), one record, deleting records (the
//! manifest first, then the blobs no remaining manifest names: `retention::collect`), and
//! the statements a run writes its record with.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set, Statement,
};
use stratus_entity::{
    backup_record::{self, status, trigger},
    task,
};

use super::{BackupError, retention};
use crate::{
    admin::list::{self, ListQuery, Page},
    queue,
    state::AppState,
};

const SORTABLE: &[&str] = &[
    "created_at",
    "status",
    "size",
    "new_bytes",
    "files",
    "started_at",
    "finished_at",
];

/// Statuses of a record whose run has not ended.
pub const LIVE: [&str; 2] = [status::QUEUED, status::RUNNING];
/// Manual records a task may hold.
pub const MAX_MANUAL: u64 = 10;

/// Conditions: `task_id`, `target_id`, `status`, `trigger`, `created_after`,
/// `created_before` (RFC 3339).
pub async fn list(
    state: &AppState,
    q: &ListQuery,
) -> Result<Page<backup_record::Model>, BackupError> {
    let invalid = |e: crate::admin::AdminError| BackupError::Invalid(e.to_string());
    q.allow(
        &[
            "task_id",
            "target_id",
            "status",
            "trigger",
            "created_after",
            "created_before",
        ],
        &[],
    )
    .map_err(invalid)?;
    let mut select = backup_record::Entity::find();
    if let Some(id) = q.int("task_id").map_err(invalid)? {
        select = select.filter(backup_record::Column::TaskId.eq(id));
    }
    if let Some(id) = q.int("target_id").map_err(invalid)? {
        select = select.filter(backup_record::Column::TargetId.eq(id));
    }
    if let Some(s) = q.text("status") {
        select = select.filter(backup_record::Column::Status.eq(s));
    }
    if let Some(t) = q.text("trigger") {
        select = select.filter(backup_record::Column::Trigger.eq(t));
    }
    for (key, after) in [("created_after", true), ("created_before", false)] {
        let Some(text) = q.text(key) else { continue };
        let at = DateTime::parse_from_rfc3339(text)
            .map_err(|_| BackupError::invalid(format!("conditions.{key}: not an RFC 3339 time")))?
            .with_timezone(&Utc);
        select = select.filter(if after {
            backup_record::Column::CreatedAt.gte(at)
        } else {
            backup_record::Column::CreatedAt.lt(at)
        });
    }
    list::fetch(&state.db, select, q, SORTABLE)
        .await
        .map_err(|e| BackupError::Invalid(e.to_string()))
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<backup_record::Model, BackupError> {
    backup_record::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(BackupError::RecordNotFound)
}

/// Whether a run of task `task_id` is queued or running. A record whose queue task ended
/// without ending it (deleted from the queue's list, say) is marked failed here, so that it
/// does not hold the task's runs back for ever.
pub async fn has_live_run(db: &impl ConnectionTrait, task_id: i64) -> Result<bool, DbErr> {
    let live = backup_record::Entity::find()
        .filter(backup_record::Column::TaskId.eq(task_id))
        .filter(backup_record::Column::Status.is_in(LIVE))
        .all(db)
        .await?;
    let mut any = false;
    for record in live {
        let queued = match record.queue_task_id {
            Some(id) => task::Entity::find_by_id(id)
                .one(db)
                .await?
                .is_some_and(|t| queue::store::LIVE.contains(&t.status.as_str())),
            None => false,
        };
        if queued {
            any = true;
        } else {
            let why = "the run's queue task ended without finishing it".to_owned();
            finish(db, record, status::FAILED, Some(why)).await?;
        }
    }
    Ok(any)
}

/// Manual records of the task that count towards [`MAX_MANUAL`] (failed ones do not).
pub async fn manual_count(db: &impl ConnectionTrait, task_id: i64) -> Result<u64, DbErr> {
    backup_record::Entity::find()
        .filter(backup_record::Column::TaskId.eq(task_id))
        .filter(backup_record::Column::Trigger.eq(trigger::MANUAL))
        .filter(backup_record::Column::Status.ne(status::FAILED))
        .count(db)
        .await
}

/// Deletes records (not running ones): their files on the target, their rows, then the blobs
/// no remaining manifest of the target names. Answers the deleted rows.
pub async fn delete(
    state: &AppState,
    ids: &[i64],
) -> Result<Vec<backup_record::Model>, BackupError> {
    let mut rows = Vec::new();
    for id in ids {
        let row = find(&state.db, *id).await?;
        if LIVE.contains(&row.status.as_str()) {
            return Err(BackupError::Running);
        }
        rows.push(row);
    }
    retention::delete_records(state, &rows).await?;
    Ok(rows)
}

/// Appends `text` to the record's log.
pub async fn append_log(db: &impl ConnectionTrait, id: i64, text: &str) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "UPDATE backup_records SET log = log || $1 WHERE id = $2",
        _ => "UPDATE backup_records SET log = log || ? WHERE id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [text.into(), id.into()],
    ))
    .await
    .map(drop)
}

/// Ends a record as `to` (completed or failed) with `error`.
pub async fn finish(
    db: &impl ConnectionTrait,
    row: backup_record::Model,
    to: &str,
    error: Option<String>,
) -> Result<backup_record::Model, DbErr> {
    let mut active = row.into_active_model();
    active.status = Set(to.to_owned());
    active.error = Set(error);
    active.finished_at = Set(Some(Utc::now()));
    active.update(db).await
}

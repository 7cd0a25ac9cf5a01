//! A backup run: the `backup_run` queue task (on `io_intense`) and the records it writes.
//!
//! A run is queued with its record in one transaction, manual ones by [`run_now`], scheduled
//! ones by [`queue_scheduled`] (keyed `backup:<task id>@<due time>` in the unique
//! `tasks.schedule_key`); neither queues while a run of the task is queued or running. The
//! record names its queue task, so a worker taking a killed run up again finds its record
//! and goes on: the blobs already copied are found by the target's listing (`copy.rs`).

use chrono::{DateTime, Utc};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stratus_entity::{
    backup_record::{self, status, trigger},
    backup_task, task,
};

use super::{BackupError, copy, notice, records, retention, run_log::RunLog, targets};
use crate::{
    db,
    queue::{self, LogLine, Registry, TaskCtx, TaskError, TaskKind},
    state::AppState,
};

/// The queue task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunState {
    pub task_id: i64,
}

pub struct BackupRun;

impl BackupRun {
    pub const NAME: &'static str = queue::kinds::BACKUP_RUN;
}

impl TaskKind for BackupRun {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }

    /// A canceled run ends its record as failed; what it copied stays for the next run.
    fn discard<'a>(&'a self, state: &'a AppState, task: &'a task::Model) -> BoxFuture<'a, ()> {
        async move {
            let found = backup_record::Entity::find()
                .filter(backup_record::Column::QueueTaskId.eq(task.id))
                .filter(backup_record::Column::Status.is_in(records::LIVE))
                .one(&state.db)
                .await;
            if let Ok(Some(record)) = found {
                let why = Some("the run was canceled".to_owned());
                if let Err(e) = records::finish(&state.db, record, status::FAILED, why).await {
                    tracing::warn!(error = %e, "cannot end the record of a canceled backup");
                }
            }
        }
        .boxed()
    }
}

/// A record's folder name on its target: the UTC time to the millisecond (names sort by
/// time) and a random suffix.
fn record_name(now: DateTime<Utc>) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}", now.format("%Y%m%dT%H%M%S%.3fZ"), &random[..8])
}

/// Inserts the queue task of a run (the caller commits, then wakes the queue).
async fn insert_queue_task(
    txn: &DatabaseTransaction,
    task_row: &backup_task::Model,
    schedule_key: Option<String>,
) -> Result<Option<task::Model>, BackupError> {
    let state = serde_json::to_string(&RunState {
        task_id: task_row.id,
    })
    .map_err(|e| BackupError::Invalid(e.to_string()))?;
    let now = Utc::now();
    let row = task::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(BackupRun::NAME.to_owned()),
        status: Set(task::status::QUEUED.to_owned()),
        public_state: Set(json!({"summary": {"phase": "", "props": {"backup_task": task_row.id}}})),
        private_state: Set(state),
        queue: Set(queue::IO_INTENSE.to_owned()),
        progress: Set(String::new()),
        log: Set(String::new()),
        schedule_key: Set(schedule_key.clone()),
        ..Default::default()
    };
    let Some(key) = schedule_key else {
        return Ok(Some(row.insert(txn).await?));
    };
    let inserted = task::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(task::Column::ScheduleKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(task::Entity::find()
        .filter(task::Column::ScheduleKey.eq(key))
        .one(txn)
        .await?)
}

async fn insert_record(
    txn: &DatabaseTransaction,
    task_row: &backup_task::Model,
    queue_task: &task::Model,
    how: &str,
) -> Result<backup_record::Model, BackupError> {
    let now = Utc::now();
    Ok(backup_record::ActiveModel {
        created_at: Set(now),
        task_id: Set(Some(task_row.id)),
        target_id: Set(task_row.target_id),
        status: Set(status::QUEUED.to_owned()),
        trigger: Set(how.to_owned()),
        files: Set(0),
        size: Set(0),
        new_bytes: Set(0),
        log: Set(String::new()),
        name: Set(record_name(now)),
        queue_task_id: Set(Some(queue_task.id)),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// The task's row, locked until the transaction ends (on SQLite the write transaction
/// itself serializes), so two instances cannot both queue a run of it.
async fn locked_task(
    txn: &DatabaseTransaction,
    id: i64,
) -> Result<backup_task::Model, BackupError> {
    let mut select = backup_task::Entity::find_by_id(id);
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    select.one(txn).await?.ok_or(BackupError::TaskNotFound)
}

/// Queues a manual run of task `id`; answers its record.
pub async fn run_now(state: &AppState, id: i64) -> Result<backup_record::Model, BackupError> {
    let txn = db::begin_write(&state.db).await?;
    let task_row = locked_task(&txn, id).await?;
    if records::has_live_run(&txn, id).await? {
        return Err(BackupError::Busy);
    }
    if records::manual_count(&txn, id).await? >= records::MAX_MANUAL {
        return Err(BackupError::TooManyManual(records::MAX_MANUAL));
    }
    let queue_task = insert_queue_task(&txn, &task_row, None)
        .await?
        .ok_or(BackupError::Busy)?;
    let record = insert_record(&txn, &task_row, &queue_task, trigger::MANUAL).await?;
    let mut active = task_row.into_active_model();
    active.last_run_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    txn.commit().await?;
    Registry::of(state).wake(queue::IO_INTENSE);
    Ok(record)
}

/// Queues the scheduled run of `task_row` due at `due`, unless it was queued already (here
/// or on another instance) or a run of the task is live; answers its record.
pub async fn queue_scheduled(
    state: &AppState,
    task_row: &backup_task::Model,
    due: DateTime<Utc>,
) -> Result<Option<backup_record::Model>, BackupError> {
    let txn = db::begin_write(&state.db).await?;
    let task_row = locked_task(&txn, task_row.id).await?;
    if records::has_live_run(&txn, task_row.id).await? {
        return Ok(None);
    }
    let key = format!("backup:{}@{}", task_row.id, due.timestamp());
    let Some(queue_task) = insert_queue_task(&txn, &task_row, Some(key)).await? else {
        return Ok(None);
    };
    let record = insert_record(&txn, &task_row, &queue_task, trigger::SCHEDULE).await?;
    let mut active = task_row.into_active_model();
    active.last_run_at = Set(Some(due));
    active.update(&txn).await?;
    txn.commit().await?;
    Registry::of(state).wake(queue::IO_INTENSE);
    Ok(Some(record))
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let retry = |e: sea_orm::DbErr| TaskError::Retry(e.to_string());
    let db = &ctx.state.db;
    let Some(record) = backup_record::Entity::find()
        .filter(backup_record::Column::QueueTaskId.eq(ctx.task().id))
        .one(db)
        .await
        .map_err(retry)?
    else {
        ctx.log(LogLine::new("backup.recordDeleted"));
        return Ok(());
    };
    if !records::LIVE.contains(&record.status.as_str()) {
        return Ok(());
    }
    let resumed = record.status == status::RUNNING;
    let mut active = record.clone().into_active_model();
    active.status = Set(status::RUNNING.to_owned());
    if record.started_at.is_none() {
        active.started_at = Set(Some(Utc::now()));
    }
    let record = active.update(db).await.map_err(retry)?;
    let log = RunLog::new(&ctx.state, record.id);
    if resumed {
        log.line(ctx, LogLine::new("backup.resumed")).await;
    }
    let outcome = work(ctx, &log, &record).await;
    let result = match outcome {
        Ok(done) => {
            log.line(
                ctx,
                LogLine::new("backup.completed")
                    .arg("files", done.files)
                    .arg("bytes", done.size)
                    .arg("newBytes", done.new_bytes),
            )
            .await;
            let mut active = record.clone().into_active_model();
            active.files = Set(done.files);
            active.size = Set(done.size);
            active.new_bytes = Set(done.new_bytes);
            let row = active.update(db).await.map_err(retry)?;
            log.flush().await;
            let row = records::finish(db, row, status::COMPLETED, None)
                .await
                .map_err(retry)?;
            notice::run_ended(&ctx.state, &row, None).await;
            if record.trigger == trigger::SCHEDULE {
                expire(ctx, &log, &record).await;
            }
            Ok(())
        }
        Err(TaskError::Lost) => Err(TaskError::Lost),
        Err(e) => {
            let message = e.to_string();
            log.line(
                ctx,
                LogLine::new("backup.failed").arg("error", message.clone()),
            )
            .await;
            log.flush().await;
            let row = records::finish(db, record, status::FAILED, Some(message.clone()))
                .await
                .map_err(retry)?;
            notice::run_ended(&ctx.state, &row, Some(&message)).await;
            Err(TaskError::Fatal(message))
        }
    };
    log.close().await;
    result
}

/// The run's work; counters of what it did.
async fn work(
    ctx: &TaskCtx,
    log: &RunLog,
    record: &backup_record::Model,
) -> Result<copy::Done, TaskError> {
    let fatal = |e: BackupError| TaskError::Fatal(e.to_string());
    let task_id = record
        .task_id
        .ok_or_else(|| TaskError::Fatal("the backup task was deleted".into()))?;
    let task_row = backup_task::Entity::find_by_id(task_id)
        .one(&ctx.state.db)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?
        .ok_or_else(|| TaskError::Fatal("the backup task was deleted".into()))?;
    let target_row = targets::find(&ctx.state, record.target_id)
        .await
        .map_err(fatal)?;
    copy::run(ctx, log, record, &task_row, &target_row).await
}

/// Applies the task's retention after a scheduled run; a failure is logged, the run stays
/// completed.
async fn expire(ctx: &TaskCtx, log: &RunLog, record: &backup_record::Model) {
    let Some(task_id) = record.task_id else {
        return;
    };
    let Ok(Some(task_row)) = backup_task::Entity::find_by_id(task_id)
        .one(&ctx.state.db)
        .await
    else {
        return;
    };
    match retention::apply(&ctx.state, &task_row, Utc::now()).await {
        Ok(0) => {}
        Ok(n) => {
            log.line(ctx, LogLine::new("backup.retention").arg("deleted", n))
                .await
        }
        Err(e) => {
            let line = LogLine::new("backup.retentionFailed").arg("error", e.to_string());
            log.line(ctx, line).await
        }
    }
}

//! The queue's statements. A worker holds a task while `claimed_by` names it, `status` is
//! `processing` and its lease (`lease_until`) is running; every write a worker makes to its
//! task is conditional on all three, so a worker that lost its task (canceled, or taken up
//! again after its lease ran out) changes nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use serde_json::{Value, json};
use stratus_entity::task::{self, status};

use super::{LogLine, QueueError, Registry, TaskCtx, TaskError, TaskKind, settings::QueueSettings};
use crate::{caller::SignedIn, fs::sql::Sql, state::AppState};

/// How long a claim holds without renewal.
pub const LEASE: Duration = Duration::from_secs(30);

/// Statuses of a task that has not ended.
pub const LIVE: [&str; 3] = [status::QUEUED, status::PROCESSING, status::SUSPENDING];
/// Statuses of a task that ended.
pub const ENDED: [&str; 3] = [status::COMPLETED, status::ERROR, status::CANCELED];

/// Error messages kept in `error_history`.
const HISTORY: usize = 20;

fn later(d: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Queues a task of `kind` with its initial private `state` and public `summary`
/// (`{phase, props}`), and wakes this process's dispatcher of its queue.
pub async fn submit(
    state: &AppState,
    kind: &dyn TaskKind,
    user_id: Option<i64>,
    private_state: String,
    summary: Value,
    correlation_id: Option<String>,
) -> Result<task::Model, DbErr> {
    let now = Utc::now();
    let row = task::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        r#type: Set(kind.name().to_owned()),
        status: Set(status::QUEUED.to_owned()),
        public_state: Set(json!({"summary": summary})),
        private_state: Set(private_state),
        correlation_id: Set(correlation_id),
        user_id: Set(user_id),
        claimed_by: Set(None),
        run_at: Set(None),
        queue: Set(kind.queue().to_owned()),
        lease_until: Set(None),
        progress: Set(String::new()),
        log: Set(String::new()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Registry::of(state).wake(kind.queue());
    Ok(row)
}

/// Queues a task of `kind` about `file`, with the file's name as its summary: the work the
/// server queues after a write (it does not count against the owner's cap). `private_state`
/// is the task's own, serialized as JSON.
pub async fn submit_for_file(
    state: &AppState,
    kind: &dyn TaskKind,
    file: &stratus_entity::file::Model,
    private_state: &impl serde::Serialize,
) -> Result<(), DbErr> {
    let private = serde_json::to_string(private_state).expect("task state serializes");
    let summary = json!({"props": {"src": file.name}});
    submit(state, kind, Some(file.owner_id), private, summary, None).await?;
    Ok(())
}

/// Default of the group setting `max_queued_tasks`.
pub const DEFAULT_MAX_QUEUED_TASKS: u64 = 100;

/// Refuses `more` new tasks of `me` when they would take the user's queued and running tasks
/// (in [`super::USER_QUEUES`]) past the group's `max_queued_tasks`, so one user cannot bury
/// the queues; the tasks the server queues after a user's uploads do not count.
pub async fn ensure_room(
    db: &impl ConnectionTrait,
    me: &SignedIn,
    more: u64,
) -> Result<(), QueueError> {
    let Some(max) = me.group_cap("max_queued_tasks", DEFAULT_MAX_QUEUED_TASKS) else {
        return Ok(());
    };
    let live = task::Entity::find()
        .filter(task::Column::UserId.eq(me.user.id))
        .filter(task::Column::DeletedAt.is_null())
        .filter(task::Column::Status.is_in(LIVE))
        .filter(task::Column::Queue.is_in(super::USER_QUEUES))
        .count(db)
        .await?;
    if live + more > max {
        return Err(QueueError::TooManyTasks(max));
    }
    Ok(())
}

/// Queues the scheduled task `schedule_key` of `kind` (no owner, empty state) unless a task
/// with that key exists: of several callers, on any instances, exactly one queues it. The
/// task queued, or `None` when it already was.
pub async fn submit_scheduled(
    state: &AppState,
    kind: &dyn TaskKind,
    schedule_key: &str,
    summary: Value,
) -> Result<Option<task::Model>, DbErr> {
    let now = Utc::now();
    let row = task::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(kind.name().to_owned()),
        status: Set(status::QUEUED.to_owned()),
        public_state: Set(json!({"summary": summary})),
        private_state: Set(String::new()),
        queue: Set(kind.queue().to_owned()),
        progress: Set(String::new()),
        log: Set(String::new()),
        schedule_key: Set(Some(schedule_key.to_owned())),
        ..Default::default()
    };
    let inserted = task::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(task::Column::ScheduleKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    Registry::of(state).wake(kind.queue());
    task::Entity::find()
        .filter(task::Column::ScheduleKey.eq(schedule_key))
        .one(&state.db)
        .await
}

/// Claims the oldest task of `queue` among `types` that is due, or whose worker's lease ran
/// out, for `worker`, passing over the tasks of users who have `per_user` tasks of the queue
/// running already (under a live lease), so that one user's pile does not hold every worker
/// while others wait. One statement: on PostgreSQL the candidate row is locked and rows other
/// claimers hold are skipped (two claims at the same moment may then both take a task of one
/// user, one over `per_user`); SQLite runs the statement under its one write lock.
pub async fn claim(
    db: &impl ConnectionTrait,
    queue: &str,
    types: &[&str],
    worker: &str,
    per_user: usize,
) -> Result<Option<task::Model>, DbErr> {
    if types.is_empty() {
        return Ok(None);
    }
    let backend = db.get_database_backend();
    let now = Utc::now();
    let mut sql = Sql::new(backend);
    sql.push("UPDATE tasks SET status = ")
        .bind(status::PROCESSING)
        .push(", claimed_by = ")
        .bind(worker)
        .push(", lease_until = ")
        .bind(later(LEASE))
        .push(", updated_at = ")
        .bind(now)
        .push(" WHERE id = (SELECT id FROM tasks t WHERE deleted_at IS NULL AND queue = ")
        .bind(queue)
        .push(" AND (user_id IS NULL OR (SELECT COUNT(*) FROM tasks r WHERE r.user_id = t.user_id AND r.queue = ")
        .bind(queue)
        .push(" AND r.deleted_at IS NULL AND r.status = ")
        .bind(status::PROCESSING)
        .push(" AND r.lease_until >= ")
        .bind(now)
        .push(") < ")
        .bind(per_user as i64)
        .push(") AND type IN (");
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(*t);
    }
    sql.push(") AND ((status = ")
        .bind(status::QUEUED)
        .push(" AND (run_at IS NULL OR run_at <= ")
        .bind(now)
        .push(")) OR (status = ")
        .bind(status::PROCESSING)
        .push(" AND (lease_until IS NULL OR lease_until < ")
        .bind(now)
        .push("))) ORDER BY id LIMIT 1");
    if backend == DbBackend::Postgres {
        sql.push(" FOR UPDATE SKIP LOCKED");
    }
    sql.push(") RETURNING id");
    let Some(row) = db.query_one_raw(sql.statement()).await? else {
        return Ok(None);
    };
    let id: i64 = row.try_get("", "id")?;
    task::Entity::find_by_id(id).one(db).await
}

/// The condition of every write a worker makes to the task it holds.
fn held(ctx: &TaskCtx) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(task::Column::Id.eq(ctx.task().id))
        .add(task::Column::ClaimedBy.eq(ctx.worker()))
        .add(task::Column::Status.eq(status::PROCESSING))
}

/// Extends the lease and stores the progress and log; false when the worker lost the task.
pub async fn renew(db: &impl ConnectionTrait, ctx: &TaskCtx) -> Result<bool, DbErr> {
    let public = Value::Object(ctx.public_state());
    let (progress, log) = ctx.take_report();
    let res = task::Entity::update_many()
        .col_expr(task::Column::LeaseUntil, Expr::value(later(LEASE)))
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(task::Column::Progress, Expr::value(progress))
        .col_expr(task::Column::Log, Expr::value(log))
        .col_expr(task::Column::PublicState, Expr::value(public))
        .filter(held(ctx))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Stores the task's private state (and reports, and a fresh lease); false when lost.
pub async fn save_state(
    db: &impl ConnectionTrait,
    ctx: &TaskCtx,
    text: &str,
) -> Result<bool, DbErr> {
    let public = Value::Object(ctx.public_state());
    let (progress, log) = ctx.take_report();
    let res = task::Entity::update_many()
        .col_expr(task::Column::PrivateState, Expr::value(text))
        .col_expr(task::Column::PublicState, Expr::value(public))
        .col_expr(task::Column::LeaseUntil, Expr::value(later(LEASE)))
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(task::Column::Progress, Expr::value(progress))
        .col_expr(task::Column::Log, Expr::value(log))
        .filter(held(ctx))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The public state with `elapsed` added to `executed_duration` (nanoseconds, as Cloudreve
/// stores it).
fn with_duration(ctx: &TaskCtx, elapsed: Duration) -> serde_json::Map<String, Value> {
    let mut public = ctx.public_state();
    let before = public
        .get("executed_duration")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let nanos = i64::try_from(elapsed.as_nanos()).unwrap_or(i64::MAX);
    public.insert(
        "executed_duration".into(),
        json!(before.saturating_add(nanos)),
    );
    public
}

/// Ends the task as completed.
pub async fn complete(
    db: &impl ConnectionTrait,
    ctx: &TaskCtx,
    elapsed: Duration,
) -> Result<bool, DbErr> {
    let mut public = with_duration(ctx, elapsed);
    public.remove("error");
    public.remove("resume_time");
    finish(db, ctx, status::COMPLETED, Value::Object(public), None).await
}

/// Records a failure: queued again after the back-off while retries remain, else `error`.
pub async fn fail(
    db: &impl ConnectionTrait,
    ctx: &TaskCtx,
    err: &TaskError,
    settings: &QueueSettings,
    elapsed: Duration,
) -> Result<bool, DbErr> {
    let mut public = with_duration(ctx, elapsed);
    let message = err.to_string();
    let mut history: Vec<Value> = public
        .get("error_history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    history.push(json!(message));
    if history.len() > HISTORY {
        history.drain(..history.len() - HISTORY);
    }
    public.insert("error_history".into(), json!(history));
    public.insert("error".into(), json!(message));
    let retries = public
        .get("retry_count")
        .and_then(Value::as_u64)
        .unwrap_or(0) as u32;
    if matches!(err, TaskError::Retry(_)) && retries < settings.max_retry {
        let retry = retries + 1;
        let at = later(settings.backoff(retry));
        public.insert("retry_count".into(), json!(retry));
        public.insert("resume_time".into(), json!(at.timestamp()));
        ctx.log(
            LogLine::new("task.retry")
                .arg("retry", retry)
                .arg("error", message.clone()),
        );
        return finish(db, ctx, status::QUEUED, Value::Object(public), Some(at)).await;
    }
    ctx.log(LogLine::new("task.failed").arg("error", message.clone()));
    finish(db, ctx, status::ERROR, Value::Object(public), None).await
}

async fn finish(
    db: &impl ConnectionTrait,
    ctx: &TaskCtx,
    to: &str,
    public: Value,
    run_at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let (progress, log) = ctx.take_report();
    let res = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(to))
        .col_expr(task::Column::PublicState, Expr::value(public))
        .col_expr(task::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            task::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(task::Column::RunAt, Expr::value(run_at))
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(task::Column::Progress, Expr::value(progress))
        .col_expr(task::Column::Log, Expr::value(log))
        .filter(held(ctx))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// A task by id; with `owner`, only a task of that user.
pub async fn find(
    db: &impl ConnectionTrait,
    id: i64,
    owner: Option<i64>,
) -> Result<task::Model, QueueError> {
    let mut q = task::Entity::find_by_id(id).filter(task::Column::DeletedAt.is_null());
    if let Some(owner) = owner {
        q = q.filter(task::Column::UserId.eq(owner));
    }
    q.one(db).await?.ok_or(QueueError::NotFound)
}

/// Cancels a task that has not ended; with `owner`, only a task of that user. A worker of
/// this process stops at once, one of another process at its next renewal.
pub async fn cancel(state: &AppState, id: i64, owner: Option<i64>) -> Result<(), QueueError> {
    find(&state.db, id, owner).await?;
    let res = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(status::CANCELED))
        .col_expr(task::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            task::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(task::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.is_in(LIVE))
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(QueueError::Ended);
    }
    Registry::of(state).stop(id);
    Ok(())
}

/// A page of a user's tasks of `types` in `statuses`, newest first, after the task `before`
/// (the last of the previous page): up to `limit` rows and whether more follow.
pub async fn page(
    db: &impl ConnectionTrait,
    owner: i64,
    types: &[&str],
    statuses: &[&str],
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<task::Model>, bool), DbErr> {
    let mut q = task::Entity::find()
        .filter(task::Column::UserId.eq(owner))
        .filter(task::Column::DeletedAt.is_null())
        .filter(task::Column::Type.is_in(types.iter().copied()))
        .filter(task::Column::Status.is_in(statuses.iter().copied()));
    if let Some(before) = before {
        q = q.filter(task::Column::Id.lt(before));
    }
    let mut rows = q
        .order_by_desc(task::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// Deletes tasks by id, stopping those this process runs, and removes what they kept outside
/// the database ([`super::TaskKind::discard`]).
pub async fn delete(state: &AppState, ids: &[i64]) -> Result<u64, DbErr> {
    let rows = task::Entity::find()
        .filter(task::Column::Id.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?;
    let res = task::Entity::delete_many()
        .filter(task::Column::Id.is_in(ids.iter().copied()))
        .exec(&state.db)
        .await?;
    let registry = Registry::of(state);
    for id in ids {
        registry.stop(*id);
    }
    for row in &rows {
        if let Some(kind) = registry.kind(&row.r#type) {
            kind.discard(state, row).await;
        }
    }
    Ok(res.rows_affected)
}

/// Deletes ended tasks created at or before `not_after` (as Cloudreve's `POST
/// /admin/queue/cleanup`), of `types` and `statuses` when given.
pub async fn cleanup(
    db: &impl ConnectionTrait,
    not_after: DateTime<Utc>,
    types: &[String],
    statuses: &[String],
) -> Result<u64, DbErr> {
    let mut q = task::Entity::delete_many()
        .filter(task::Column::CreatedAt.lte(not_after))
        .filter(task::Column::Status.is_in(ENDED));
    if !types.is_empty() {
        q = q.filter(task::Column::Type.is_in(types.iter().cloned()));
    }
    if !statuses.is_empty() {
        q = q.filter(task::Column::Status.is_in(statuses.iter().cloned()));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// Task counts per queue and status.
pub async fn counts(db: &impl ConnectionTrait) -> Result<Vec<(String, String, i64)>, DbErr> {
    task::Entity::find()
        .select_only()
        .column(task::Column::Queue)
        .column(task::Column::Status)
        .column_as(task::Column::Id.count(), "n")
        .filter(task::Column::DeletedAt.is_null())
        .group_by(task::Column::Queue)
        .group_by(task::Column::Status)
        .into_tuple()
        .all(db)
        .await
}

/// The tasks of one queue in one live status, on every instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub queue: String,
    pub status: String,
    pub count: i64,
    /// The earliest time one of them was due: its `run_at`, else its creation. For queued
    /// tasks, a time in the past is how long the longest-waiting runnable one has waited;
    /// one in the future means every one of them waits for a retry or resume time.
    pub due_since: Option<DateTime<Utc>>,
}

/// The live tasks (queued, processing, suspending) per named queue and status, in one
/// statement that reads only live rows through `idx_tasks_queue_status`, however many ended
/// rows are kept.
pub async fn live(db: &impl ConnectionTrait) -> Result<Vec<Live>, DbErr> {
    let rows: Vec<(String, String, i64, Option<DateTime<Utc>>)> = task::Entity::find()
        .select_only()
        .column(task::Column::Queue)
        .column(task::Column::Status)
        .column_as(task::Column::Id.count(), "n")
        .column_as(
            Expr::cust("MIN(COALESCE(\"run_at\", \"created_at\"))"),
            "due_since",
        )
        // Both columns of the index constrained, so only live rows are visited.
        .filter(task::Column::Queue.is_in(super::QUEUES))
        .filter(task::Column::Status.is_in(LIVE))
        .filter(task::Column::DeletedAt.is_null())
        .group_by(task::Column::Queue)
        .group_by(task::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(queue, status, count, due_since)| Live {
            queue,
            status,
            count,
            due_since,
        })
        .collect())
}

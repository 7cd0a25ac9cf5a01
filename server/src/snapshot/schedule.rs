//! Snapshot schedules: a folder snapshotted every hour, day or week, keeping the newest
//! `keep` scheduled snapshots (manual ones are never pruned).
//!
//! The periodic-job scheduler (`jobs::schedule::tick`) calls [`queue_due`] on every poll: each
//! schedule whose current period has no snapshot yet gets a `snapshot_schedule` task keyed
//! `snapshot_schedule:<id>@<period start>` in the unique `tasks.schedule_key`, so of the
//! instances sharing the database one queues it. The task then takes the snapshot in one
//! transaction that first moves the schedule's `last_taken_at` to the period start, only if it
//! was before: a task run again, or a second task of the same period, finds it done and takes
//! nothing. Periods are aligned on the Unix epoch, as the periodic jobs' are.

use chrono::{DateTime, Utc};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde_json::json;
use stratus_entity::{file, snapshot, snapshot_schedule, task, user};

use super::{
    SnapshotError, allowed, delete,
    take::{self, Target},
};
use crate::{
    boolset::{Boolset, group_perm},
    caller::Caller,
    fs::tx,
    ids::IdKind,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind, store},
    state::AppState,
};

/// Default of the group setting `snapshot_max_schedules`.
pub const DEFAULT_MAX_SCHEDULES: u64 = 5;
/// The most scheduled snapshots a schedule keeps.
pub const KEEP_MAX: i32 = 100;

/// Seconds of the period `every` names.
pub fn period_secs(every: &str) -> Option<i64> {
    match every {
        "@hourly" => Some(3600),
        "@daily" => Some(86_400),
        "@weekly" => Some(7 * 86_400),
        _ => None,
    }
}

/// The start of the period of `every` holding `now`.
fn period_start(every: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let len = period_secs(every)?;
    DateTime::from_timestamp(now.timestamp().div_euclid(len) * len, 0)
}

/// What a caller asks for.
pub struct ScheduleRequest {
    pub uri: String,
    pub every: String,
    pub keep: i32,
}

/// `PUT /snapshot/schedule`: a schedule of one of the caller's folders, within the group's
/// `snapshot_max_schedules`.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    req: ScheduleRequest,
) -> Result<snapshot_schedule::Model, SnapshotError> {
    let me = allowed(caller)?;
    if period_secs(&req.every).is_none() {
        return Err(SnapshotError::Invalid(
            "every: one of @hourly, @daily, @weekly".into(),
        ));
    }
    if !(1..=KEEP_MAX).contains(&req.keep) {
        return Err(SnapshotError::Invalid(format!("keep: 1 to {KEEP_MAX}")));
    }
    let (uri, folder) = take::resolve_folder(state, caller, &req.uri).await?;
    let txn = tx::begin(&state.db, me.user.id).await?;
    if let Some(cap) = me.group_cap("snapshot_max_schedules", DEFAULT_MAX_SCHEDULES) {
        let held = snapshot_schedule::Entity::find()
            .filter(snapshot_schedule::Column::OwnerId.eq(me.user.id))
            .count(&txn)
            .await?;
        if held >= cap {
            return Err(SnapshotError::TooManySchedules(cap));
        }
    }
    let now = Utc::now();
    let row = snapshot_schedule::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        owner_id: Set(me.user.id),
        root_file_id: Set(folder.id),
        uri: Set(uri.to_string()),
        every: Set(req.every),
        keep: Set(req.keep),
        last_taken_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The caller's schedules, oldest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<snapshot_schedule::Model>, SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(crate::fs::error::FsError::LoginRequired))?;
    Ok(snapshot_schedule::Entity::find()
        .filter(snapshot_schedule::Column::OwnerId.eq(me.user.id))
        .order_by_asc(snapshot_schedule::Column::Id)
        .all(&state.db)
        .await?)
}

/// `DELETE /snapshot/schedule/:id`: one of the caller's schedules. The snapshots it took
/// stay until deleted.
pub async fn remove(state: &AppState, caller: &Caller, hashid: &str) -> Result<(), SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(crate::fs::error::FsError::LoginRequired))?;
    let id = state
        .ids
        .decode(hashid, IdKind::SnapshotSchedule)
        .map_err(|_| SnapshotError::NotFound)?;
    let res = snapshot_schedule::Entity::delete_many()
        .filter(snapshot_schedule::Column::Id.eq(id))
        .filter(snapshot_schedule::Column::OwnerId.eq(me.user.id))
        .exec(&state.db)
        .await?;
    if res.rows_affected == 0 {
        return Err(SnapshotError::NotFound);
    }
    Ok(())
}

/// Queues the task of every schedule whose period holding `now` has no snapshot yet, unless
/// an instance already did. Returns the tasks this call queued.
pub async fn queue_due(state: &AppState, now: DateTime<Utc>) -> Result<Vec<task::Model>, DbErr> {
    let mut queued = Vec::new();
    let mut after = 0i64;
    loop {
        let batch = snapshot_schedule::Entity::find()
            .filter(snapshot_schedule::Column::Id.gt(after))
            .order_by_asc(snapshot_schedule::Column::Id)
            .limit(500)
            .all(&state.db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for row in batch {
            let Some(start) = period_start(&row.every, now) else {
                continue;
            };
            if row.last_taken_at.is_some_and(|t| t >= start) {
                continue;
            }
            let key = format!(
                "{}:{}@{}",
                ScheduledSnapshot::NAME,
                row.id,
                start.timestamp()
            );
            let summary = json!({"phase": "", "props": {"uri": row.uri, "period_start": start}});
            if let Some(task) =
                store::submit_scheduled(state, &ScheduledSnapshot, &key, summary).await?
            {
                queued.push(task);
            }
        }
    }
    Ok(queued)
}

/// The `snapshot_schedule` task (recycle queue): one schedule's snapshot of one period, then
/// the schedule's snapshots beyond `keep` deleted, oldest first.
pub struct ScheduledSnapshot;

impl ScheduledSnapshot {
    pub const NAME: &'static str = queue::kinds::SNAPSHOT_SCHEDULE;
}

impl TaskKind for ScheduledSnapshot {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// The schedule id and period start a task's key names.
fn parse_key(key: &str) -> Option<(i64, i64)> {
    let rest = key
        .strip_prefix(ScheduledSnapshot::NAME)?
        .strip_prefix(':')?;
    let (id, start) = rest.split_once('@')?;
    Some((id.parse().ok()?, start.parse().ok()?))
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let (id, start) = ctx
        .task()
        .schedule_key
        .as_deref()
        .and_then(parse_key)
        .ok_or_else(|| TaskError::Fatal("not a snapshot schedule's task".into()))?;
    let start = DateTime::from_timestamp(start, 0)
        .ok_or_else(|| TaskError::Fatal("bad period start".into()))?;
    match take_scheduled(&ctx.state, id, start).await.map_err(retry)? {
        Outcome::Taken(row, pruned) => ctx.log(
            LogLine::new("snapshot.scheduled")
                .arg("name", row.name)
                .arg("files", row.files)
                .arg("pruned", pruned),
        ),
        Outcome::Skipped(why) => ctx.log(LogLine::new("snapshot.skipped").arg("reason", why)),
    }
    Ok(())
}

/// What a scheduled run did.
pub enum Outcome {
    /// The snapshot taken, and how many old ones were deleted.
    Taken(snapshot::Model, usize),
    /// Nothing taken, and why.
    Skipped(String),
}

/// Takes schedule `id`'s snapshot of the period starting at `start`, unless it was taken
/// already; prunes its snapshots beyond `keep`. One transaction of the owner's.
pub async fn take_scheduled(
    state: &AppState,
    id: i64,
    start: DateTime<Utc>,
) -> Result<Outcome, SnapshotError> {
    let Some(schedule) = snapshot_schedule::Entity::find_by_id(id)
        .one(&state.db)
        .await?
    else {
        return Ok(Outcome::Skipped("the schedule was deleted".into()));
    };
    let txn = tx::begin(&state.db, schedule.owner_id).await?;
    // The period's one snapshot: whoever moves `last_taken_at` to its start takes it.
    let claimed = snapshot_schedule::Entity::update_many()
        .col_expr(snapshot_schedule::Column::LastTakenAt, Expr::value(start))
        .filter(snapshot_schedule::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(snapshot_schedule::Column::LastTakenAt.is_null())
                .add(snapshot_schedule::Column::LastTakenAt.lt(start)),
        )
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(Outcome::Skipped("this period's snapshot was taken".into()));
    }
    if let Some(why) = cannot_take(&txn, &schedule).await? {
        // The period counts as done: the next one tries again.
        txn.commit().await?;
        return Ok(Outcome::Skipped(why));
    }
    let folder = file::Entity::find_by_id(schedule.root_file_id)
        .one(&txn)
        .await?
        .filter(|f| f.deleted_at.is_none() && f.owner_id == schedule.owner_id);
    let Some(folder) = folder else {
        txn.commit().await?;
        return Ok(Outcome::Skipped("the folder no longer exists".into()));
    };
    let uri = crate::fs::nav::uri_of(&txn, &folder).await?;
    let row = take::insert_row(
        &txn,
        Target {
            owner_id: schedule.owner_id,
            folder: &folder,
            uri: &uri,
            name: format!("auto-{}", start.format("%Y%m%d-%H%M")),
            description: format!("{} snapshot", schedule.every.trim_start_matches('@')),
            schedule_id: Some(schedule.id),
            per_folder_cap: None,
        },
    )
    .await?;
    let row = take::fill(&txn, &row, folder.id).await?;
    let older = snapshot::Entity::find()
        .filter(snapshot::Column::ScheduleId.eq(schedule.id))
        .order_by_desc(snapshot::Column::Id)
        .all(&txn)
        .await?;
    let keep = usize::try_from(schedule.keep.max(1)).unwrap_or(1);
    let mut pruned = 0;
    for old in older.iter().skip(keep) {
        delete::delete_in(&txn, old.owner_id, old.id).await?;
        pruned += 1;
    }
    txn.commit().await?;
    Ok(Outcome::Taken(row, pruned))
}

/// Why the schedule's owner cannot take a snapshot now, if they cannot: the account is gone
/// or not active, or their group lost the permission.
async fn cannot_take(
    db: &impl sea_orm::ConnectionTrait,
    schedule: &snapshot_schedule::Model,
) -> Result<Option<String>, SnapshotError> {
    let owner = user::Entity::find_by_id(schedule.owner_id)
        .find_also_related(stratus_entity::group::Entity)
        .one(db)
        .await?;
    let Some((owner, Some(group))) = owner else {
        return Ok(Some("the owner no longer exists".into()));
    };
    if owner.status != user::status::ACTIVE {
        return Ok(Some("the owner's account is not active".into()));
    }
    if !Boolset::from_bytes(group.permissions).enabled(group_perm::SNAPSHOT) {
        return Ok(Some("the owner's group may not take snapshots".into()));
    }
    Ok(None)
}

//! The `snapshot_restore` task (io_intense): runs a restore planned by
//! [`super::restore::submit`], a batch at a time, storing its position after each batch.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;
use stratus_entity::snapshot;

use super::{
    SnapshotError, browse,
    restore::{DEFAULT_BATCH, RestoreState, before_name, free_names},
    restore_apply::Mode,
    restore_plan::{Plan, Runner, Target},
    take,
};
use crate::{
    caller::Caller,
    fs::{
        error::FsError,
        nav::{self, FsCtx, Node},
        snapshot_tree, trash,
        tree::{self, Kind},
        tx,
        uri::{FileUri, FsKind},
    },
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    state::AppState,
};

/// The task type. `step_pause` is slept after each stored batch (zero in service; a test
/// slows a restore down with it to stop one half-way).
#[derive(Debug, Default, Clone, Copy)]
pub struct SnapshotRestore {
    pub step_pause: Duration,
}

impl SnapshotRestore {
    pub const NAME: &'static str = queue::kinds::SNAPSHOT_RESTORE;
}

impl TaskKind for SnapshotRestore {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx, self.step_pause).boxed()
    }
}

fn fs_failure(e: FsError) -> TaskError {
    match e {
        FsError::Db(e) => TaskError::Retry(e.to_string()),
        FsError::InsufficientCapacity => TaskError::Fatal(
            "not enough storage left: the restore stopped; what it restored so far stays".into(),
        ),
        other => TaskError::Fatal(other.to_string()),
    }
}

fn failure(e: SnapshotError) -> TaskError {
    match e {
        SnapshotError::Fs(e) => fs_failure(e),
        SnapshotError::Db(e) => TaskError::Retry(e.to_string()),
        other => TaskError::Fatal(other.to_string()),
    }
}

async fn run(ctx: &TaskCtx, pause: Duration) -> Result<(), TaskError> {
    let mut st: RestoreState = ctx.required_state()?;
    let owner = ctx.owner().await?;
    let quota_limit = owner.group.max_storage;
    let owner_id = owner.user.id;
    let caller = Caller::User(Arc::new(owner));
    let fsctx = FsCtx::new(&ctx.state, &caller);
    let db = &ctx.state.db;
    let snap = snapshot_tree::find_owned(db, st.snapshot_id, owner_id)
        .await
        .map_err(fs_failure)?
        .ok_or_else(|| TaskError::Fatal("the snapshot no longer exists".into()))?;
    let raw = match st.mode {
        Mode::Replace => snap.uri.clone(),
        Mode::Copy => st.dst.clone().unwrap_or_default(),
    };
    let uri = FileUri::parse(&raw).map_err(|e| TaskError::Fatal(e.to_string()))?;
    if st.mode == Mode::Replace && st.before.is_none() {
        snapshot_before(ctx, &fsctx, &mut st, &uri, owner_id).await?;
    }
    if st.mode == Mode::Replace {
        out_of_trash(&fsctx, &snap, &uri).await?;
    }
    let folder = target_folder(&fsctx, &uri).await?;
    let root = browse::root_node(db, snap.id).await.map_err(fs_failure)?;
    let plan = Plan::load(db, snap.id, root.node_id, false)
        .await
        .map_err(fs_failure)?;
    if st.mode == Mode::Copy && st.names.is_none() {
        st.names = Some(
            free_names(db, &plan, folder.file.id)
                .await
                .map_err(fs_failure)?,
        );
        ctx.save_state(&st).await?;
    }
    let batch = ctx
        .state
        .settings
        .int("snapshot_restore_batch", DEFAULT_BATCH)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    let names = st.names.clone().unwrap_or_default();
    let mut runner = Runner::new(
        &plan,
        Target {
            mode: st.mode,
            folder: folder.file.id,
            uri: folder.uri.clone(),
            names: &names,
            quota_limit,
            batch: batch.max(1) as usize,
        },
        st.done,
    );
    let total = plan.len() as i64;
    ctx.summary("restoring", json!({"uri": uri.to_string(), "total": total}));
    let mut log = Vec::new();
    runner
        .trash_top_extras(&fsctx, &mut log)
        .await
        .map_err(fs_failure)?;
    for line in log {
        ctx.log(line);
    }
    run_steps(ctx, &fsctx, &mut runner, &mut st, total, pause).await?;
    // The restored rows are new to the full-text index (what it has already is skipped).
    crate::fts::requeue::queue_tree(&ctx.state, &folder.file).await;
    ctx.summary(
        "completed",
        json!({
            "uri": uri.to_string(),
            "total": total,
            "restored": st.restored,
            "skipped": st.skipped,
        }),
    );
    Ok(())
}

/// A replace snapshots the folder it overwrites first, once (`before` stored, 0 when there
/// was no folder), so what the restore replaces can be had back.
async fn snapshot_before(
    ctx: &TaskCtx,
    fsctx: &FsCtx<'_>,
    st: &mut RestoreState,
    uri: &FileUri,
    owner_id: i64,
) -> Result<(), TaskError> {
    if let Some(folder) = existing_folder(fsctx, uri).await.map_err(fs_failure)? {
        let before = take_before(&ctx.state, owner_id, &folder)
            .await
            .map_err(failure)?;
        ctx.log(
            LogLine::new("snapshot.before")
                .arg("name", before.name.clone())
                .arg("path", uri.to_string()),
        );
        st.before = Some(before.id);
    } else {
        st.before = Some(0);
    }
    ctx.save_state(st).await
}

/// The folder restored into, made when missing; anything else at `uri` stops the restore.
async fn target_folder(fsctx: &FsCtx<'_>, uri: &FileUri) -> Result<Node, TaskError> {
    let folder = match existing_folder(fsctx, uri).await.map_err(fs_failure)? {
        Some(node) => node,
        None => tree::create(fsctx, uri, Kind::Folder, &[], false)
            .await
            .map_err(fs_failure)?,
    };
    if !folder.is_folder() || folder.file.is_symbolic {
        return Err(TaskError::Fatal(format!("{uri} is not a folder")));
    }
    Ok(folder)
}

/// Replace: when nothing is at `uri` and the folder the snapshot was taken of sits at the top
/// of the trash, deleted from there, it comes out of the trash (with what is below it, which
/// the restore then puts right) rather than a new folder being made beside it.
async fn out_of_trash(
    fsctx: &FsCtx<'_>,
    snap: &snapshot::Model,
    uri: &FileUri,
) -> Result<(), TaskError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use stratus_entity::{file, metadata};
    if existing_folder(fsctx, uri)
        .await
        .map_err(fs_failure)?
        .is_some()
    {
        return Ok(());
    }
    let db = &fsctx.state.db;
    let Some(row) = file::Entity::find_by_id(snap.root_file_id)
        .filter(file::Column::OwnerId.eq(snap.owner_id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.ne(""))
        .filter(file::Column::DeletedAt.is_null())
        .one(db)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?
    else {
        return Ok(());
    };
    let from_here = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(row.id))
        .filter(metadata::Column::Name.eq(crate::fs::shown::RESTORE_URI))
        .one(db)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?
        .is_some_and(|m| m.value == uri.to_string());
    if !from_here {
        return Ok(());
    }
    let in_trash = FileUri::root(FsKind::Trash, None)
        .join(&row.name)
        .map_err(|e| TaskError::Fatal(e.to_string()))?;
    trash::restore(fsctx, &in_trash).await.map_err(fs_failure)?;
    Ok(())
}

/// Runs the plan's batches, storing the position after each. Batches up to the stored
/// position (done before a restart) are run again only for their idempotent effect and not
/// counted twice.
async fn run_steps(
    ctx: &TaskCtx,
    fsctx: &FsCtx<'_>,
    runner: &mut Runner<'_>,
    st: &mut RestoreState,
    total: i64,
    pause: Duration,
) -> Result<(), TaskError> {
    while let Some(step) = runner.step(fsctx).await.map_err(fs_failure)? {
        let resumed = step.done <= st.done;
        st.skipped += step.applied.log.len() as u64;
        for line in step.applied.log {
            ctx.log(line);
        }
        if resumed {
            continue;
        }
        st.done = step.done;
        st.restored += step.applied.restored;
        ctx.progress("restore", st.done as i64, total, "");
        ctx.save_state(st).await?;
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
    Ok(())
}

/// The live folder at `uri`, if there is one.
async fn existing_folder(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Option<Node>, FsError> {
    match nav::resolve(ctx, uri).await {
        Ok(node) => Ok(Some(node)),
        Err(FsError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Snapshots `folder` as it is now, at once whatever its size (the restore waits for it):
/// `before-restore-<time>`, a manual snapshot outside the per-folder cap.
async fn take_before(
    state: &AppState,
    owner_id: i64,
    folder: &Node,
) -> Result<snapshot::Model, SnapshotError> {
    let now = Utc::now();
    let txn = tx::begin(&state.db, owner_id).await?;
    let row = snapshot::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        owner_id: Set(owner_id),
        root_file_id: Set(folder.file.id),
        uri: Set(folder.uri.to_string()),
        name: Set(before_name(now)),
        description: Set("taken automatically before a restore".into()),
        status: Set(snapshot::status::IN_PROGRESS.to_owned()),
        schedule_id: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let row = take::fill(&txn, &row, folder.file.id).await?;
    txn.commit().await?;
    Ok(row)
}

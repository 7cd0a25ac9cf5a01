//! Restoring a snapshot (`POST /snapshot/:id/restore`, a `snapshot_restore` task) and copying
//! nodes out of one (`POST /file/move` with `copy` from a snapshot URI).
//!
//! `replace` makes the live folder at the snapshot's path equal to the snapshot, by path: a
//! path missing is recreated (the very file or folder taken out of the trash when it lies
//! there), a path the snapshot does not hold goes to the trash, a file with other content gets
//! the snapshot's blob as a new current version (the replaced content stays a version). Before it starts, the folder's state is itself snapshotted
//! (`before-restore-<yyyymmdd-hhmmss>`), so the restore can be undone. `copy` puts the
//! snapshot's top level into another folder, names already taken there getting ` (n)`.
//!
//! The task stores, after each batch, the position in the plan up to which everything is in
//! place ([`RestoreState::done`]); a worker taking a killed task up again redoes at most the
//! batch in flight, which finds what was already put in place and leaves it (no file lost or
//! doubled).

use std::collections::BTreeMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use stratus_entity::{snapshot, task as task_row};

use super::{
    SnapshotError, browse,
    restore_apply::Mode,
    restore_plan::{Plan, Runner, Target},
    restore_task::SnapshotRestore,
};
use crate::{
    caller::Caller,
    fs::{
        error::FsError,
        nav::{FsCtx, Node},
        snapshot_tree, trash,
        uri::{FileUri, FsKind},
        walk,
    },
    ids::IdKind,
    queue::store,
    state::AppState,
};

/// Default of the site setting `snapshot_restore_batch`: nodes put in place per step.
pub const DEFAULT_BATCH: i64 = 2000;

/// The stored state of a `snapshot_restore` task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreState {
    pub snapshot_id: i64,
    pub mode: Mode,
    /// `copy`: the folder restored into.
    #[serde(default)]
    pub dst: Option<String>,
    /// `replace`: the snapshot of the folder taken before the restore began.
    #[serde(default)]
    pub before: Option<i64>,
    /// `copy`: the names given to top-level nodes whose own was taken, decided once.
    #[serde(default)]
    pub names: Option<BTreeMap<i64, String>>,
    /// Positions of the plan in place.
    #[serde(default)]
    pub done: usize,
    #[serde(default)]
    pub restored: u64,
    #[serde(default)]
    pub skipped: u64,
}

/// Checks a restore request of the caller and queues it.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    hashid: &str,
    mode: &str,
    dst: Option<String>,
) -> Result<task_row::Model, SnapshotError> {
    let me = caller
        .signed_in()
        .map_err(|_| SnapshotError::Fs(FsError::LoginRequired))?;
    let id = state
        .ids
        .decode(hashid, IdKind::Snapshot)
        .map_err(|_| SnapshotError::NotFound)?;
    let row = snapshot_tree::find_owned(&state.db, id, me.user.id)
        .await?
        .ok_or(SnapshotError::NotFound)?;
    if row.status != snapshot::status::COMPLETED {
        return Err(SnapshotError::Invalid(
            "the snapshot is not complete: only a completed snapshot can be restored".into(),
        ));
    }
    let (mode, dst) = mode_and_dst(mode, dst)?;
    store::ensure_room(&state.db, me, 1).await?;
    let task = RestoreState {
        snapshot_id: row.id,
        mode,
        dst: dst.clone(),
        before: None,
        names: None,
        done: 0,
        restored: 0,
        skipped: 0,
    };
    let summary = json!({
        "phase": "",
        "props": {
            "snapshot": row.name,
            "uri": row.uri,
            "mode": mode,
            "dst": dst,
        },
    });
    let private =
        serde_json::to_string(&task).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
    Ok(store::submit(
        state,
        &SnapshotRestore::default(),
        Some(me.user.id),
        private,
        summary,
        None,
    )
    .await?)
}

/// The restore mode asked for, with the folder a copy goes to (a folder of the caller's own
/// drive, required there); a replace goes back where the snapshot was taken.
fn mode_and_dst(mode: &str, dst: Option<String>) -> Result<(Mode, Option<String>), SnapshotError> {
    let mode = match mode {
        "replace" => Mode::Replace,
        "copy" => Mode::Copy,
        other => {
            return Err(SnapshotError::Invalid(format!(
                "mode: expected replace or copy, got {other:?}"
            )));
        }
    };
    let dst = match (mode, dst.filter(|d| !d.is_empty())) {
        (Mode::Copy, Some(dst)) => {
            let uri =
                FileUri::parse(&dst).map_err(|e| SnapshotError::Invalid(format!("dst: {e}")))?;
            if uri.fs != FsKind::My || uri.id.is_some() {
                return Err(SnapshotError::Invalid(
                    "dst: a folder of your own drive (cloudreve://my/...)".into(),
                ));
            }
            Some(uri.to_string())
        }
        (Mode::Copy, None) => {
            return Err(SnapshotError::Invalid(
                "dst: required with mode copy".into(),
            ));
        }
        (Mode::Replace, _) => None,
    };
    Ok((mode, dst))
}

/// The name of the automatic snapshot taken before a `replace` restore.
pub fn before_name(now: chrono::DateTime<Utc>) -> String {
    format!("before-restore-{}", now.format("%Y%m%d-%H%M%S"))
}

/// `POST /file/move` with `copy` from a snapshot: the node at `src` (and everything below it)
/// into the caller's folder `dst`, as a copy would: new rows linking the same blobs, charged
/// to the caller. A name already taken in `dst` is [`FsError::Exists`]. Answers the top row
/// copied.
pub async fn copy_out(
    ctx: &FsCtx<'_>,
    src: &FileUri,
    dst: &Node,
) -> Result<stratus_entity::file::Model, FsError> {
    let me = ctx.user()?;
    let found = browse::resolve(ctx, src).await?;
    if found.node.parent_node_id.is_none() {
        return Err(FsError::Invalid(
            "copy the snapshot's items, or restore the whole snapshot".into(),
        ));
    }
    let db = &ctx.state.db;
    let plan = Plan::load(db, found.snapshot.id, found.node.node_id, true).await?;
    if plan.len() > walk::limit_of(&me.group.settings) {
        return Err(FsError::WalkLimit);
    }
    if crate::fs::path::child(db, dst.file.id, &found.node.name)
        .await?
        .is_some()
    {
        return Err(FsError::Exists(found.node.name.clone()));
    }
    let batch = ctx
        .state
        .settings
        .int("snapshot_restore_batch", DEFAULT_BATCH)
        .await?;
    let names = BTreeMap::new();
    let mut runner = Runner::new(
        &plan,
        Target {
            mode: Mode::Copy,
            folder: dst.file.id,
            uri: dst.uri.clone(),
            names: &names,
            quota_limit: me.group.max_storage,
            batch: batch.max(1) as usize,
        },
        0,
    );
    while runner.step(ctx).await?.is_some() {}
    crate::fs::path::child(db, dst.file.id, &found.node.name)
        .await?
        .ok_or(FsError::NotFound)
}

/// The names the top level of `plan` gets in the folder `folder`: each name already taken
/// there (or by an earlier node of the plan) becomes the first free ` (n)` one.
pub async fn free_names(
    db: &impl sea_orm::ConnectionTrait,
    plan: &Plan,
    folder: i64,
) -> Result<BTreeMap<i64, String>, FsError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut taken: std::collections::HashSet<String> = stratus_entity::file::Entity::find()
        .filter(stratus_entity::file::Column::ParentId.eq(folder))
        .filter(stratus_entity::file::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.name)
        .collect();
    let mut names = BTreeMap::new();
    for node in plan.top() {
        let folder = node.r#type == stratus_entity::file::kind::FOLDER;
        let mut name = node.name.clone();
        let mut n = 1;
        while taken.contains(&name) {
            name = trash::numbered(&node.name, n, folder);
            n += 1;
        }
        taken.insert(name.clone());
        if name != node.name {
            names.insert(node.node_id, name);
        }
    }
    Ok(names)
}

//! The `snapshot_take` task (io_intense): a snapshot of a tree above
//! `snapshot_inline_max_files`, taken as `take::fill` takes a small one. Its row waits as
//! `in_progress`; the task completes it, or fails it when the folder is gone. A run taken up
//! again finds the row completed (the fill committed) or still waiting (it did not), so the
//! tree is copied once.

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{file, snapshot};

use super::take;
use crate::{
    fs::tx,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
};

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotTakeState {
    pub snapshot_id: i64,
}

pub struct SnapshotTake;

impl SnapshotTake {
    pub const NAME: &'static str = queue::kinds::SNAPSHOT_TAKE;
}

impl TaskKind for SnapshotTake {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        async move {
            let task: SnapshotTakeState = ctx.required_state()?;
            let result = run(ctx, task.snapshot_id).await;
            if let Err(TaskError::Fatal(reason)) = &result {
                take::fail(&ctx.state, task.snapshot_id, reason).await;
            }
            result
        }
        .boxed()
    }
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx, id: i64) -> Result<(), TaskError> {
    let db = &ctx.state.db;
    let Some(row) = snapshot::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(retry)?
    else {
        ctx.log(LogLine::new("snapshot.deleted"));
        return Ok(());
    };
    if row.status != snapshot::status::IN_PROGRESS {
        return Ok(());
    }
    let folder = file::Entity::find_by_id(row.root_file_id)
        .one(db)
        .await
        .map_err(retry)?
        .filter(|f| {
            f.owner_id == row.owner_id
                && f.deleted_at.is_none()
                && f.r#type == file::kind::FOLDER
                && (f.parent_id.is_some() || f.name.is_empty())
        })
        .ok_or_else(|| TaskError::Fatal("the folder no longer exists".into()))?;
    ctx.progress("snapshot", 0, 1, &row.uri);
    let txn = tx::begin(db, row.owner_id).await.map_err(retry)?;
    // Read again under the owner's lock: a delete may have come first.
    let still = snapshot::Entity::find_by_id(id)
        .filter(snapshot::Column::Status.eq(snapshot::status::IN_PROGRESS))
        .one(&txn)
        .await
        .map_err(retry)?;
    let Some(row) = still else {
        return Ok(());
    };
    let done = take::fill(&txn, &row, folder.id).await.map_err(retry)?;
    txn.commit().await.map_err(retry)?;
    ctx.progress("snapshot", 1, 1, &row.uri);
    ctx.log(
        LogLine::new("snapshot.taken")
            .arg("files", done.files)
            .arg("folders", done.folders)
            .arg("bytes", done.size),
    );
    Ok(())
}

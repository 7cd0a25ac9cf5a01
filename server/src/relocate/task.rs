//! The `relocate` task (io_intense): the owner's files under the source URIs walked, every
//! version blob not yet on the target policy moved there (`blob.rs`), one at a time. Progress
//! key `relocate`. A run taken up again skips blobs already moved.

use std::{collections::BTreeMap, sync::Arc};

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file, file_entity};

use super::{allowed_policy, blob};
use crate::{
    caller::Caller,
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
        walk,
    },
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
};

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelocateState {
    pub src: Vec<String>,
    pub dst_policy_id: i64,
}

pub struct Relocate;

impl Relocate {
    pub const NAME: &'static str = queue::kinds::RELOCATE;
}

impl TaskKind for Relocate {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let task: RelocateState = ctx.required_state()?;
    let me = ctx.owner().await?;
    let dst = allowed_policy(&ctx.state, &me, task.dst_policy_id)
        .await
        .map_err(|e| TaskError::Fatal(e.to_string()))?;
    let limit = walk::limit_of(&me.group.settings);
    let caller = Caller::User(Arc::new(me));
    let files = files_of(ctx, &caller, &task.src, limit).await?;
    let blobs = blobs_of(ctx, &files, dst.id).await?;
    let total = blobs.len() as i64;
    ctx.log(
        LogLine::new("relocate.start")
            .arg("blobs", total)
            .arg("files", files.len())
            .arg("policy", dst.name.clone()),
    );
    let mut moved = 0;
    for (done, (e, name)) in blobs.iter().enumerate() {
        ctx.progress("relocate", done as i64, total, name);
        if blob::relocate(&ctx.state, e, &dst, name).await? {
            moved += 1;
        } else {
            ctx.log(LogLine::new("relocate.changed").arg("name", name.clone()));
        }
    }
    ctx.progress("relocate", total, total, "");
    ctx.log(LogLine::new("relocate.done").arg("moved", moved));
    Ok(())
}

/// The files under the source URIs (folders walked), as the owner sees them now.
async fn files_of(
    ctx: &TaskCtx,
    caller: &Caller,
    src: &[String],
    limit: usize,
) -> Result<Vec<file::Model>, TaskError> {
    let fs = FsCtx::new(&ctx.state, caller);
    let mut files = BTreeMap::new();
    for uri in src {
        let uri = FileUri::parse(uri).map_err(|e| TaskError::Fatal(e.to_string()))?;
        let node = nav::resolve(&fs, &uri)
            .await
            .map_err(|e| TaskError::Fatal(format!("{uri}: {e}")))?;
        if !node.owned {
            return Err(TaskError::Fatal(format!("{uri}: not the owner's")));
        }
        let rows = if node.is_folder() {
            walk::descendants_all(&ctx.state.db, node.file.id, limit)
                .await
                .map_err(|e| TaskError::Fatal(e.to_string()))?
        } else {
            vec![node.file]
        };
        for f in rows {
            if f.r#type == file::kind::FILE && !f.is_symbolic {
                files.insert(f.id, f);
            }
        }
    }
    Ok(files.into_values().collect())
}

/// The version blobs of `files` not on policy `dst` yet, each with a file name for its key.
async fn blobs_of(
    ctx: &TaskCtx,
    files: &[file::Model],
    dst: i64,
) -> Result<Vec<(entity::Model, String)>, TaskError> {
    let names: BTreeMap<i64, &str> = files.iter().map(|f| (f.id, f.name.as_str())).collect();
    let mut out = BTreeMap::new();
    for chunk in files.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|f| f.id).collect();
        let rows = file_entity::Entity::find()
            .filter(file_entity::Column::FileId.is_in(ids))
            .find_also_related(entity::Entity)
            .all(&ctx.state.db)
            .await
            .map_err(retry)?;
        for (link, e) in rows {
            let Some(e) = e else { continue };
            if e.r#type == entity::kind::VERSION
                && e.storage_policy_id != dst
                && e.upload_session_id.is_none()
            {
                let name = names.get(&link.file_id).copied().unwrap_or("blob");
                out.entry(e.id).or_insert((e, name.to_owned()));
            }
        }
    }
    Ok(out.into_values().collect())
}

//! `create_archive` tasks (`POST /workflow/archive`): the zip of the source URIs, built by the
//! same streaming writer as zip downloads, as the task's owner, and written into the owner's
//! drive through the streamed upload (quota, names, versions, locks). Nothing is held whole
//! in memory; a failed run publishes nothing.

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use serde::{Deserialize, Serialize};
use serde_json::json;
use stratus_entity::task as task_row;

use super::{ArchiveError, sources, stream};
use crate::{
    auth::caller::Caller,
    boolset::group_perm,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        uri::{FileUri, FsKind},
    },
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind, store},
    state::AppState,
    upload::stream::{StreamWrite, write},
};

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateArchiveState {
    /// The files and folders to put in the zip.
    pub src: Vec<String>,
    /// The zip's URI in the owner's drive.
    pub dst: String,
}

/// Queues a zip of `src` written to `dst` in the caller's drive, for a caller whose group
/// may run archive tasks. Entry names are UTF-8, the only `encoding` accepted.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    src: &[String],
    dst: &str,
    encoding: Option<&str>,
) -> Result<task_row::Model, ArchiveError> {
    let me = caller
        .signed_in()
        .map_err(|_| ArchiveError::TaskNotAllowed)?;
    if !me.permissions().enabled(group_perm::ARCHIVE_TASK) {
        return Err(ArchiveError::TaskNotAllowed);
    }
    if encoding.is_some_and(|e| !e.is_empty() && !e.eq_ignore_ascii_case("utf-8")) {
        return Err(ArchiveError::Invalid(
            "encoding: only utf-8 names are written",
        ));
    }
    if src.is_empty() {
        return Err(ArchiveError::Invalid("src: at least one URI"));
    }
    let fs = FsCtx::new(state, caller);
    let task = prepare(&fs, src, dst).await?;
    let summary = json!({
        "phase": "not_started",
        "props": {"src": task.src, "dst": task.dst},
    });
    let private = serde_json::to_string(&task).unwrap_or_default();
    store::ensure_room(&state.db, me, 1).await?;
    Ok(store::submit(
        state,
        &CreateArchive,
        Some(me.user.id),
        private,
        summary,
        None,
    )
    .await?)
}

/// Checks a compress request as the caller before it is queued, so every refusal comes at
/// once and nothing is queued: each source is something they may download now (else that
/// item's error), the zip goes into their own drive, and each share the sources reach into
/// counts one download now (a share whose downloads are used up refuses). The task reads
/// only these sources, once, as the download counted here.
pub async fn prepare(
    ctx: &FsCtx<'_>,
    src: &[String],
    dst: &str,
) -> Result<CreateArchiveState, ArchiveError> {
    let dst = FileUri::parse(dst).map_err(FsError::from)?;
    if dst.fs != FsKind::My {
        return Err(FsError::NoPermission("the zip goes into your own files").into());
    }
    nav::owner_of(ctx, &dst)?;
    let nodes = sources::check(ctx, src, false).await?;
    sources::count(ctx, &nodes).await?;
    Ok(CreateArchiveState {
        src: nodes.iter().map(|node| node.uri.to_string()).collect(),
        dst: dst.to_string(),
    })
}

pub struct CreateArchive;

impl CreateArchive {
    pub const NAME: &'static str = queue::kinds::CREATE_ARCHIVE;
}

impl TaskKind for CreateArchive {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let task: CreateArchiveState = ctx.required_state()?;
    let me = Arc::new(ctx.owner().await?);
    let dst = FileUri::parse(&task.dst).map_err(|e| TaskError::Fatal(e.to_string()))?;
    ctx.log(
        LogLine::new("archive.start")
            .arg("count", task.src.len())
            .arg("dst", task.dst.clone()),
    );
    let body = stream::body(
        ctx.state.clone(),
        Caller::User(me.clone()),
        crate::fs::walk::limit_of(&me.group.settings),
        task.src.clone(),
        None,
    );
    // A second run writes the whole zip again: a new version of a zip an earlier run
    // published, never a half-written file.
    let row = write(
        &ctx.state,
        &me,
        StreamWrite {
            uri: &dst,
            size: None,
            body,
            lock_tokens: &[],
            journal: true,
            modified: None,
            author: None,
        },
    )
    .await
    .map_err(|e| TaskError::Fatal(e.to_string()))?;
    ctx.progress("archive_size", row.size, row.size, "");
    ctx.log(LogLine::new("archive.done").arg("bytes", row.size));
    Ok(())
}

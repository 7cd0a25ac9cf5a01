//! `create_archive` tasks (`POST /workflow/archive`): the zip of the source URIs, built by the
//! same streaming writer as zip downloads, as the task's owner, and written into the owner's
//! drive through the streamed upload (quota, names, versions, locks). Nothing is held whole
//! in memory; a failed run publishes nothing.

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use serde::{Deserialize, Serialize};

use super::stream;
use crate::{
    auth::caller::Caller,
    fs::uri::FileUri,
    queue::{self, TaskCtx, TaskError, TaskKind},
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

pub struct CreateArchive;

impl CreateArchive {
    pub const NAME: &'static str = "create_archive";
}

impl TaskKind for CreateArchive {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn queue(&self) -> &'static str {
        queue::IO_INTENSE
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let task: CreateArchiveState = ctx.required_state()?;
    let me = Arc::new(ctx.owner().await?);
    let dst = FileUri::parse(&task.dst).map_err(|e| TaskError::Fatal(e.to_string()))?;
    ctx.log(format!(
        "compressing {} item(s) into {}",
        task.src.len(),
        task.dst
    ));
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
        },
    )
    .await
    .map_err(|e| TaskError::Fatal(e.to_string()))?;
    ctx.progress("archive_size", row.size, row.size, "");
    ctx.log(format!("wrote {} bytes", row.size));
    Ok(())
}

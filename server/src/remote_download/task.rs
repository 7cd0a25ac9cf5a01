//! The `remote_download` task: the run, which hands a URL to the built-in HTTP downloader
//! and a torrent or magnet to aria2 (the state it stores is in `state.rs`).

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use serde_json::{Value, json};

use stratus_entity::task;

use super::{
    aria2, control, http,
    state::{DownloadState, Source},
};
use crate::{
    auth::caller::SignedIn,
    queue::{self, TaskCtx, TaskError, TaskKind, settings::QueueSettings},
    state::AppState,
};

pub struct RemoteDownload;

impl RemoteDownload {
    pub const NAME: &'static str = queue::kinds::REMOTE_DOWNLOAD_TASK;
}

impl TaskKind for RemoteDownload {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }

    /// The part file, or the aria2 download and its files.
    fn discard<'a>(&'a self, state: &'a AppState, task: &'a task::Model) -> BoxFuture<'a, ()> {
        async move {
            if let Ok(st) = serde_json::from_str::<DownloadState>(&task.private_state) {
                control::leftovers(state, task.id, &st).await;
            }
        }
        .boxed()
    }
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let mut st: DownloadState = ctx.required_state()?;
    let me = Arc::new(ctx.owner().await?);
    let outcome = match st.src.clone() {
        Source::Url(url) => http::run(ctx, &me, &mut st, &url).await,
        Source::Magnet(_) | Source::Torrent(_) => aria2::task::run(ctx, &me, &mut st).await,
    };
    if let Err(e) = &outcome
        && is_final(ctx, e).await
    {
        control::leftovers(&ctx.state, ctx.task().id, &st).await;
    }
    outcome
}

/// Whether the task ends with this failure (no retry left), so its partial data can go.
async fn is_final(ctx: &TaskCtx, e: &TaskError) -> bool {
    match e {
        TaskError::Fatal(_) => true,
        TaskError::Lost => false,
        TaskError::Retry(_) => {
            let Ok(s) = QueueSettings::read(&ctx.state.settings, queue::REMOTE_DOWNLOAD).await
            else {
                return false;
            };
            let tried = ctx.task().public_state["retry_count"].as_u64().unwrap_or(0);
            tried >= u64::from(s.max_retry)
        }
    }
}

/// The summary the task shows: phase (`""`, `monitor`, `transfer`, `seeding`) and props with
/// the downloader's status under `download`.
pub fn show(ctx: &TaskCtx, st: &DownloadState, phase: &str, status: Value) {
    ctx.summary(
        phase,
        json!({"src_str": st.src.text(), "dst": st.dst, "download": status}),
    );
}

/// The owner's free space in bytes.
pub fn free_space(me: &SignedIn) -> u64 {
    (me.group.max_storage - me.user.storage).max(0) as u64
}

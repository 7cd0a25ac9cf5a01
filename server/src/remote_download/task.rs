//! The `remote_download` task: its stored state and the run, which hands a URL to the
//! built-in HTTP downloader and a torrent or magnet to aria2.

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use stratus_entity::task;

use super::{aria2, control, http};
use crate::{
    auth::caller::SignedIn,
    queue::{self, TaskCtx, TaskError, TaskKind, settings::QueueSettings},
    state::AppState,
};

/// What a download fetches.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// An `http`/`https` URL, fetched by Stratus.
    Url(String),
    /// A `magnet:` link, fetched by aria2.
    Magnet(String),
    /// A `.torrent` file in the owner's drive (its URI), fetched by aria2.
    Torrent(String),
}

impl Source {
    pub fn text(&self) -> &str {
        match self {
            Self::Url(s) | Self::Magnet(s) | Self::Torrent(s) => s,
        }
    }
}

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DownloadState {
    pub src: Source,
    /// The folder the file(s) go to.
    pub dst: String,
    /// HTTP: bytes in the part file, synced to disk.
    #[serde(default)]
    pub received: u64,
    /// HTTP: the whole size, when the server said.
    #[serde(default)]
    pub total: Option<u64>,
    /// HTTP: the file's name, fixed by the first answer.
    #[serde(default)]
    pub name: Option<String>,
    /// aria2: its download id (the last one: a torrent's metadata download hands on to the
    /// download of its files).
    #[serde(default)]
    pub gid: Option<String>,
    /// The files are in the drive; only clean-up is left.
    #[serde(default)]
    pub published: bool,
}

pub struct RemoteDownload;

impl RemoteDownload {
    pub const NAME: &'static str = "remote_download";
}

impl TaskKind for RemoteDownload {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn queue(&self) -> &'static str {
        queue::REMOTE_DOWNLOAD
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

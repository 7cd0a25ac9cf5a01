//! `extract_archive` tasks (`POST /workflow/extract`): the archive's entries written, as the
//! task's owner, through the streamed upload (quota charged as it goes, names, versions,
//! locks), into a staging folder `.extract-<task id>` inside the destination; at the end each
//! top-level item is moved into the destination (renamed `name (n)` on a clash, never over
//! an existing item) and the staging folder goes.
//!
//! Why staging: a failed extraction (an unsafe name, a bomb, the quota) deletes the staging
//! folder permanently, so nothing half-extracted is ever left among the user's files, and a
//! task canceled midway does the same (see [`super::place::Cleanup`]). A run cut off by a
//! crash leaves the staging folder to the next run, which goes on from the first entry not
//! yet written (the state is saved after each file).

use std::sync::Arc;

use futures_util::{FutureExt, future::BoxFuture};
use serde::{Deserialize, Serialize};

use super::{
    Caps, ExtractError, blob, entries,
    mask::Mask,
    names, place,
    pump::{Item, Options, Pump, Start},
};
use crate::{
    auth::caller::{Caller, SignedIn},
    fs::{
        journal::Journal,
        nav::{self, FsCtx},
        tree::{self, Kind},
        uri::FileUri,
    },
    ids::IdKind,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    upload::stream::{StreamWrite, write},
};

/// The task's stored state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExtractState {
    /// The archive.
    pub src: String,
    /// The folder to extract into.
    pub dst: String,
    /// The legacy encoding of zip entry names without the UTF-8 flag.
    #[serde(default)]
    pub encoding: Option<String>,
    /// The archive's password. Kept only while the task may still run: it is cleared when
    /// the task ends, and task rows never show the private state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The archive paths to extract (each with what lies below it); empty = everything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_mask: Vec<String>,
    /// True once every entry is written and the result is being moved into place.
    #[serde(default)]
    pub placing: bool,
    /// The first entry not yet written.
    #[serde(default)]
    pub next: u64,
    /// Files and bytes written so far.
    #[serde(default)]
    pub files: u64,
    #[serde(default)]
    pub bytes: u64,
}

pub struct ExtractArchive;

impl ExtractArchive {
    pub const NAME: &'static str = queue::kinds::EXTRACT_ARCHIVE;
}

impl TaskKind for ExtractArchive {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// Why a step stopped.
enum Stop {
    /// The extraction failed: its staging folder goes.
    Failed(ExtractError),
    /// A task-level outcome (lost, or the state could not be saved).
    Task(TaskError),
}

impl From<ExtractError> for Stop {
    fn from(e: ExtractError) -> Self {
        Stop::Failed(e)
    }
}

impl From<crate::fs::error::FsError> for Stop {
    fn from(e: crate::fs::error::FsError) -> Self {
        Stop::Failed(e.into())
    }
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let mut task: ExtractState = ctx.required_state()?;
    let me = Arc::new(ctx.owner().await?);
    let caller = Caller::User(me.clone());
    // A shared archive counted its download when the task was submitted. The staging folder
    // is nobody's business: only the items placed from it are announced (`place`).
    let fs = FsCtx::new(&ctx.state, &caller)
        .with_download_counted()
        .with_journal(Journal::Nothing);
    let fatal = |e: &dyn std::fmt::Display| TaskError::Fatal(e.to_string());
    let dst = FileUri::parse(&task.dst).map_err(|e| fatal(&e))?;
    let hashid = ctx.state.ids.encode(ctx.task().id, IdKind::Task);
    let staging = dst
        .join(&format!(".extract-{hashid}"))
        .map_err(|e| fatal(&e))?;
    let guard = place::Cleanup::arm(&ctx.state, me.clone(), staging.clone(), ctx.task().id);
    let outcome = async {
        if !task.placing {
            extract(ctx, &fs, &me, &mut task, &staging).await?;
            task.placing = true;
            ctx.save_state(&task).await.map_err(Stop::Task)?;
        }
        place::into_place(&fs, &staging, &dst).await?;
        Ok::<(), Stop>(())
    }
    .await;
    // The password is of no use once the task has ended (a task-level stop may be retried
    // and keeps it); it does not stay in the row.
    if !matches!(outcome, Err(Stop::Task(_)))
        && task.password.take().is_some()
        && let Err(e) = ctx.save_state(&task).await
    {
        tracing::warn!(error = %e, "could not clear an extract task's password");
    }
    match outcome {
        Ok(()) => {
            guard.disarm();
            ctx.log(
                LogLine::new("extract.done")
                    .arg("files", task.files)
                    .arg("bytes", task.bytes),
            );
            Ok(())
        }
        Err(Stop::Task(e)) => Err(e),
        Err(Stop::Failed(e)) => {
            place::discard(&fs, &staging).await;
            guard.disarm();
            Err(fatal(&e))
        }
    }
}

/// Writes the archive's entries, from `task.next` on, into `staging`.
fn start_line(task: &ExtractState) -> LogLine {
    LogLine::new("extract.start")
        .arg("src", task.src.clone())
        .arg("dst", task.dst.clone())
}

async fn extract(
    ctx: &TaskCtx,
    fs: &FsCtx<'_>,
    me: &SignedIn,
    task: &mut ExtractState,
    staging: &FileUri,
) -> Result<(), Stop> {
    let src = nav::resolve(
        fs,
        &FileUri::parse(&task.src).map_err(|e| ExtractError::Fs(e.into()))?,
    )
    .await?;
    if src.is_folder() {
        return Err(ExtractError::Invalid("the source is a folder, not an archive").into());
    }
    let legacy = names::encoding(task.encoding.as_deref())?;
    let mask = Mask::new(&task.file_mask)?;
    let password = task.password.clone().filter(|p| !p.is_empty());
    tree::create(fs, staging, Kind::Folder, &[], false).await?;
    let blob = blob::pick(&ctx.state, &src, None).await?;
    let (mut file, format) = blob::open(&ctx.state, &blob, &src.file.name).await?;
    let caps = Caps::of(&me.group.settings);
    let (pw, selected) = (password.clone(), mask.clone());
    let (file, totals) = tokio::task::spawn_blocking(move || {
        let headers = entries::headers(&mut file, format, legacy, caps.entries, pw.as_deref())?;
        let totals = headers.map(|h| precheck(&h, caps, &selected)).transpose()?;
        Ok::<_, ExtractError>((file, totals))
    })
    .await
    .map_err(|e| ExtractError::Corrupt(e.to_string()))??;
    let (count, size) = totals.unwrap_or((0, 0));
    ctx.log(start_line(task));
    let start = Start {
        index: task.next,
        bytes: task.bytes,
    };
    let options = Options { password, mask };
    let mut pump = Pump::start(file, format, legacy, caps, start, options);
    while let Some(item) = pump.items.recv().await {
        let written = match item {
            Item::Dir { index, path } => {
                tree::create(fs, &under(staging, &path)?, Kind::Folder, &[], false).await?;
                task.next = index + 1;
                continue;
            }
            Item::Skipped { index, name } => {
                ctx.log(LogLine::new("extract.skippedLink").arg("name", name.clone()));
                task.next = index + 1;
                continue;
            }
            Item::File {
                index, path, body, ..
            } => {
                let uri = under(staging, &path)?;
                let w = StreamWrite::plain(&uri, body, false);
                match write(&ctx.state, me, w).await {
                    Ok(row) => (index, row.size, path.join("/")),
                    Err(e) => return Err(reader_error(pump, e.into()).await.into()),
                }
            }
        };
        let (index, bytes, name) = written;
        task.next = index + 1;
        task.files += 1;
        task.bytes += bytes.max(0) as u64;
        ctx.progress("extract_count", task.files as i64, count as i64, &name);
        ctx.progress("extract_size", task.bytes as i64, size as i64, &name);
        ctx.save_state(task).await.map_err(Stop::Task)?;
    }
    pump.finish().await?;
    Ok(())
}

/// The reader's own failure when it has one (a cap, a damaged archive): the write failed
/// because the reader ended the body with an error. Else `fallback`.
async fn reader_error(pump: Pump, fallback: ExtractError) -> ExtractError {
    match pump.finish().await {
        Err(ExtractError::Stopped) | Ok(()) => fallback,
        Err(e) => e,
    }
}

/// Files and bytes a zip or 7z holds (those `mask` selects), refused up front when its
/// headers already break a cap or hold an unsafe name: then nothing is written at all.
fn precheck(
    headers: &[entries::Entry],
    caps: Caps,
    mask: &Mask,
) -> Result<(u64, u64), ExtractError> {
    if headers.len() as u64 > caps.entries {
        return Err(ExtractError::TooManyEntries(caps.entries));
    }
    let mut files = 0u64;
    let mut size = 0u64;
    for e in headers {
        let path = names::safe_path(&e.name)?;
        if e.kind == entries::Kind::File && mask.selects(&path) {
            files += 1;
            size = size.saturating_add(e.size);
        }
    }
    if caps.bytes_exceeded(size) {
        return Err(ExtractError::TooBig(caps.bytes));
    }
    Ok((files, size))
}

/// The URI of `path` below `base`.
fn under(base: &FileUri, path: &[String]) -> Result<FileUri, ExtractError> {
    let mut uri = base.clone();
    for segment in path {
        uri = uri.join(segment).map_err(|e| ExtractError::Fs(e.into()))?;
    }
    Ok(uri)
}

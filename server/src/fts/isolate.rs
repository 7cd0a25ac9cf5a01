//! Text extraction in a process of its own, where a time limit really stops it and its memory
//! is capped: a parser fed a crafted document (a PDF whose objects inflate to gigabytes, a
//! loop nobody foresaw) can only end its own run, never grow the server or keep a thread busy
//! after the task gave up.
//!
//! The server runs its own binary again (`stratus extract-text`, a hidden command; the
//! `extractor` setting names another build) through [`sandbox::run_own`], with the sandbox's
//! limits: address space, CPU seconds, the size of the file it may write, the wall clock
//! (its whole process group is killed then). The document is copied into the run's private
//! folder as `src` (streamed, never held in the server's memory); the child reads it, writes
//! at most [`Limits::text`] bytes of text to `text` there, and exits 0, or exits
//! [`REFUSED`] with the reason on its last line of standard error.

use std::{ffi::OsString, io::Read, path::PathBuf, process::ExitCode, time::Duration};

use futures_util::StreamExt;
use stratus_entity::entity;
use tokio::io::AsyncWriteExt;

use super::extract::{self, Format, Limits};
use crate::{sandbox, state::AppState};

/// The hidden command of the binary that extracts.
pub const COMMAND: &str = "extract-text";
/// The document's name in the run's folder.
const SOURCE: &str = "src";
/// Where the child leaves the text.
const TEXT: &str = "text";
/// The child's exit status when it refused the document (the reason on standard error).
const REFUSED: u8 = 3;
/// Address space of a run besides what the document needs: the binary and its runtime.
const BASE_MEMORY: u64 = 512 << 20;

/// The text of `blob` read as `format`, by a child process: `Ok(Err(reason))` when there is
/// none (refused, failed, out of time or memory), `Err` when the document could not even be
/// staged (worth trying again).
pub async fn extract(
    state: &AppState,
    blob: &entity::Model,
    format: Format,
    limits: Limits,
    timeout: Duration,
) -> Result<Result<String, String>, std::io::Error> {
    let parent = state.temp_dir().await.map_err(std::io::Error::other)?;
    tokio::fs::create_dir_all(&parent).await?;
    let dir = tokio::task::spawn_blocking(move || {
        tempfile::Builder::new().prefix("text-").tempdir_in(parent)
    })
    .await
    .map_err(std::io::Error::other)??;
    let result = match stage(state, blob, &dir.path().join(SOURCE), limits.read).await {
        Ok(()) => run(state, dir.path(), format, limits, timeout).await,
        Err(e) => Err(e),
    };
    let _ = tokio::task::spawn_blocking(move || dir.close()).await;
    result
}

/// Copies the blob to `to`, at most `cap` bytes: by the kernel from a local policy, streamed
/// from others. The child gets a copy of its own, so no run can touch the stored blob.
async fn stage(
    state: &AppState,
    blob: &entity::Model,
    to: &std::path::Path,
    cap: u64,
) -> Result<(), std::io::Error> {
    let driver = state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(std::io::Error::other)?;
    if let Some(file) = driver
        .open_local(&blob.source)
        .await
        .map_err(std::io::Error::other)?
    {
        let to = to.to_owned();
        return tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let mut out = std::fs::File::create(to)?;
            std::io::copy(&mut file.take(cap), &mut out).map(|_| ())
        })
        .await
        .map_err(std::io::Error::other)?;
    }
    let mut stream = driver
        .get(&blob.source, None)
        .await
        .map_err(std::io::Error::other)?
        .stream;
    let mut out = tokio::fs::File::create(to).await?;
    let mut written = 0u64;
    while let Some(piece) = stream.next().await {
        let piece = piece?;
        let room = usize::try_from(cap - written).unwrap_or(usize::MAX);
        let piece = &piece[..piece.len().min(room)];
        out.write_all(piece).await?;
        written += piece.len() as u64;
        if written == cap {
            break;
        }
    }
    out.flush().await
}

/// The program that extracts: the `extractor` setting, else this binary.
fn program(state: &AppState) -> Result<PathBuf, String> {
    match &state.config.extractor {
        Some(path) => Ok(path.clone()),
        None => std::env::current_exe().map_err(|e| format!("cannot find this program: {e}")),
    }
}

/// The address space a run may use: the binary and its runtime, the document read whole
/// (a PDF is), what its parts inflate to and what is parsed of them, with room to spare.
pub fn memory(limits: Limits) -> u64 {
    BASE_MEMORY
        .saturating_add(limits.read.saturating_mul(8))
        .saturating_add(limits.inflated.saturating_mul(2))
}

async fn run(
    state: &AppState,
    dir: &std::path::Path,
    format: Format,
    limits: Limits,
    timeout: Duration,
) -> Result<Result<String, String>, std::io::Error> {
    let program = match program(state) {
        Ok(p) => p,
        Err(reason) => return Ok(Err(reason)),
    };
    let args: Vec<OsString> = [
        COMMAND.to_owned(),
        "--format".to_owned(),
        format.key().to_owned(),
        "--read".to_owned(),
        limits.read.to_string(),
        "--text".to_owned(),
        limits.text.to_string(),
        "--inflated".to_owned(),
        limits.inflated.to_string(),
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    let caps = sandbox::Limits {
        timeout,
        memory: memory(limits),
        // The text, and a margin for the last write's rounding.
        file_size: (limits.text as u64).saturating_add(64 << 10),
    };
    let output = match sandbox::run_own(&program.to_string_lossy(), &args, dir, &caps).await {
        Ok(output) => output,
        Err(sandbox::SandboxError::TimedOut(_)) => {
            return Ok(Err(format!("extraction took over {} s", timeout.as_secs())));
        }
        Err(e) => return Ok(Err(format!("cannot run the extractor: {e}"))),
    };
    if output.status.code() == Some(i32::from(REFUSED)) {
        let reason = String::from_utf8_lossy(&output.stderr);
        let reason = reason.lines().rev().find(|l| !l.trim().is_empty());
        return Ok(Err(reason.unwrap_or("refused").trim().to_owned()));
    }
    if !output.status.success() {
        return Ok(Err(format!("the extractor stopped: {}", output.reason())));
    }
    let path = dir.join(TEXT);
    let max = limits.text as u64;
    let text = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut bytes = Vec::new();
        std::fs::File::open(path)?
            .take(max)
            .read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    })
    .await
    .map_err(std::io::Error::other)?;
    Ok(text.map_err(|e| format!("the extractor left no text: {e}")))
}

/// The child's side (`stratus extract-text`): the text of `./src` to `./text`.
pub fn child_main(format: &str, limits: Limits) -> ExitCode {
    let Some(format) = Format::from_key(format) else {
        eprintln!("unknown format {format:?}");
        return ExitCode::from(2);
    };
    // A panic is one line, the last of standard error, for the reason the server records.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "the extractor panicked: {}",
            info.to_string().replace('\n', " ")
        );
    }));
    let text = std::fs::File::open(SOURCE)
        .map_err(|e| format!("cannot open the document: {e}"))
        .and_then(|file| extract::extract(file, format, limits));
    match text {
        Ok(text) => match std::fs::write(TEXT, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot write the text: {e}");
                ExitCode::FAILURE
            }
        },
        Err(reason) => {
            eprintln!("{}", reason.replace('\n', " "));
            ExitCode::from(REFUSED)
        }
    }
}

//! The built-in HTTP/HTTPS downloader. The body streams into a part file
//! (`settings::part_file`); every few MiB, and when the transfer breaks, the file is synced
//! and the number of bytes in it stored with the task, so a later run (after a restart, or a
//! retry) asks for the rest with `Range: bytes=N-`, and starts over when the server answers
//! the whole file. Every request goes through the SSRF guard. The file may not grow past
//! the owner's free space. Once whole, it is written into the drive (`publish`).

use std::{
    io::SeekFrom,
    path::Path,
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use reqwest::{
    Response, StatusCode,
    header::{CONTENT_DISPOSITION, CONTENT_RANGE, RANGE},
};
use serde_json::json;
use tokio::{
    fs::{File, OpenOptions},
    io::{AsyncSeekExt, AsyncWriteExt},
};
use url::Url;

use super::{
    name, publish, settings,
    state::DownloadState,
    task::{free_space, show},
};
use crate::{
    auth::caller::SignedIn,
    net::guard::{GuardError, error_chain},
    queue::{LogLine, TaskCtx, TaskError},
};

/// How much may arrive, or how long may pass, before the progress is stored.
const SAVE_EVERY_BYTES: u64 = 8 << 20;
const SAVE_EVERY: Duration = Duration::from_secs(2);

/// Runs the download of `url` for `me` to its end.
pub async fn run(
    ctx: &TaskCtx,
    me: &SignedIn,
    st: &mut DownloadState,
    url: &str,
) -> Result<(), TaskError> {
    let part = settings::part_file(&ctx.state, ctx.task().id)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    if !st.published {
        // A failed run's part file stays for the next run; the task removes it once it fails
        // for good.
        transfer(ctx, me, st, url, &part).await?;
        let name = st.name.clone().unwrap_or_else(|| name::FALLBACK.into());
        show(ctx, st, "transfer", status(st, "completed", 0));
        publish::one(ctx, me, st, &part, &name).await?;
    }
    let _ = tokio::fs::remove_file(&part).await;
    Ok(())
}

async fn transfer(
    ctx: &TaskCtx,
    me: &SignedIn,
    st: &mut DownloadState,
    url: &str,
    part: &Path,
) -> Result<(), TaskError> {
    let io = |e: std::io::Error| TaskError::Retry(format!("part file: {e}"));
    let url = Url::parse(url).map_err(|e| TaskError::Fatal(format!("not a URL: {e}")))?;
    let guard = settings::guard(&ctx.state)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    let (mut file, mut offset) = open_part(part, st.received).await.map_err(io)?;
    let from = offset;
    let (final_url, resp) = guard
        .get(&url, |r| {
            if from > 0 {
                r.header(RANGE, format!("bytes={from}-"))
            } else {
                r
            }
        })
        .await
        .map_err(guard_failure)?;
    let total = match answer(&resp, offset, st)? {
        Answer::Done => return Ok(()),
        Answer::Rest(total) => total,
        Answer::Whole(total) => {
            if offset > 0 {
                ctx.log(LogLine::new("download.restart"));
            }
            offset = 0;
            file.set_len(0).await.map_err(io)?;
            total
        }
    };
    file.seek(SeekFrom::Start(offset)).await.map_err(io)?;
    let free = free_space(me);
    if let Some(t) = total.filter(|t| *t > free) {
        return Err(too_big(t, free));
    }
    if st.name.is_none() {
        let disposition = resp
            .headers()
            .get(CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok());
        st.name = Some(name::file_name(disposition, &final_url));
    }
    st.total = total;
    if offset > 0 {
        ctx.log(LogLine::new("download.resume").arg("offset", offset));
    }
    let mut w = Writer {
        ctx,
        file,
        offset,
        saved: offset,
        saved_at: Instant::now(),
    };
    receive(&mut w, resp, st, free).await?;
    if total.is_some_and(|t| w.offset < t) {
        return Err(TaskError::Retry(format!(
            "the server ended the transfer early, at byte {}",
            w.offset
        )));
    }
    st.total = Some(w.offset);
    Ok(())
}

/// Opens (or creates) the part file and cuts it to what the stored state says is in: bytes
/// past the last checkpoint may be half-written. Answers the file and the offset to go on from.
async fn open_part(part: &Path, received: u64) -> std::io::Result<(File, u64)> {
    if let Some(dir) = part.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(part)
        .await?;
    let on_disk = file.metadata().await?.len();
    let offset = received.min(on_disk);
    file.set_len(offset).await?;
    Ok((file, offset))
}

/// Writes the response body into the part file, never past the owner's `free` bytes; a
/// broken transfer is checkpointed first, so the retry goes on from there.
async fn receive(
    w: &mut Writer<'_>,
    resp: reqwest::Response,
    st: &mut DownloadState,
    free: u64,
) -> Result<(), TaskError> {
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                w.checkpoint(st).await?;
                return Err(TaskError::Retry(format!(
                    "the transfer broke off at byte {}: {}",
                    w.offset,
                    error_chain(&e)
                )));
            }
        };
        if w.offset + chunk.len() as u64 > free {
            return Err(too_big(w.offset + chunk.len() as u64, free));
        }
        w.write(st, &chunk).await?;
    }
    w.checkpoint(st).await
}

/// What an answer means for the part file.
enum Answer {
    /// The rest from the offset asked for; the whole size when known.
    Rest(Option<u64>),
    /// The whole file; its size when known.
    Whole(Option<u64>),
    /// Nothing is missing.
    Done,
}

fn answer(resp: &Response, offset: u64, st: &DownloadState) -> Result<Answer, TaskError> {
    let status = resp.status();
    match status {
        StatusCode::PARTIAL_CONTENT if offset > 0 => {
            let range = resp
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(content_range);
            match range {
                Some((start, total)) if start == offset => Ok(Answer::Rest(total)),
                _ => Err(TaskError::Retry(
                    "the server answered another range than asked for".into(),
                )),
            }
        }
        StatusCode::OK => Ok(Answer::Whole(resp.content_length())),
        StatusCode::RANGE_NOT_SATISFIABLE if offset > 0 && st.total == Some(offset) => {
            Ok(Answer::Done)
        }
        s if s.is_client_error() => Err(TaskError::Fatal(format!("the server answered {s}"))),
        s => Err(TaskError::Retry(format!("the server answered {s}"))),
    }
}

/// `bytes START-END/TOTAL` → (START, TOTAL when not `*`).
fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, _) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()))
}

fn too_big(size: u64, free: u64) -> TaskError {
    TaskError::Fatal(format!(
        "the download needs more space than you have free: {size} bytes, {free} free"
    ))
}

/// Refused URLs and broken redirects end the task; a host that cannot be reached now may be
/// reached later.
fn guard_failure(e: GuardError) -> TaskError {
    match e {
        GuardError::Resolve { .. } | GuardError::Request { .. } => TaskError::Retry(e.to_string()),
        _ => TaskError::Fatal(format!("refused: {e}")),
    }
}

/// The downloader status shown in the task's summary (`props.download`).
pub fn status(st: &DownloadState, state: &str, speed: u64) -> serde_json::Value {
    let name = st.name.clone().unwrap_or_default();
    let total = st.total.unwrap_or(0);
    json!({
        "name": name,
        "state": state,
        "total": total,
        "downloaded": st.received,
        "download_speed": speed,
        "uploaded": 0,
        "upload_speed": 0,
        "files": [{
            "index": 0,
            "name": name,
            "size": total,
            "progress": if total > 0 { st.received as f64 / total as f64 } else { 0.0 },
            "selected": true,
        }],
    })
}

/// The part file being written, and when its progress was last stored.
struct Writer<'a> {
    ctx: &'a TaskCtx,
    file: File,
    offset: u64,
    saved: u64,
    saved_at: Instant,
}

impl Writer<'_> {
    async fn write(&mut self, st: &mut DownloadState, chunk: &[u8]) -> Result<(), TaskError> {
        self.file
            .write_all(chunk)
            .await
            .map_err(|e| TaskError::Retry(format!("part file: {e}")))?;
        self.offset += chunk.len() as u64;
        let total = st.total.unwrap_or(0) as i64;
        let name = st.name.clone().unwrap_or_default();
        self.ctx
            .progress("download", self.offset as i64, total, &name);
        if self.offset - self.saved >= SAVE_EVERY_BYTES || self.saved_at.elapsed() >= SAVE_EVERY {
            self.checkpoint(st).await?;
        }
        Ok(())
    }

    /// Syncs the part file, then stores how many bytes it holds.
    async fn checkpoint(&mut self, st: &mut DownloadState) -> Result<(), TaskError> {
        let io = |e: std::io::Error| TaskError::Retry(format!("part file: {e}"));
        self.file.flush().await.map_err(io)?;
        self.file.sync_data().await.map_err(io)?;
        let secs = self.saved_at.elapsed().as_secs_f64().max(0.001);
        let speed = ((self.offset - self.saved) as f64 / secs) as u64;
        st.received = self.offset;
        show(self.ctx, st, "monitor", status(st, "downloading", speed));
        self.ctx.save_state(st).await?;
        self.saved = self.offset;
        self.saved_at = Instant::now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::content_range;

    #[test]
    fn content_ranges_are_read() {
        assert_eq!(content_range("bytes 100-199/1000"), Some((100, Some(1000))));
        assert_eq!(content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(content_range("items 1-2/3"), None);
    }
}

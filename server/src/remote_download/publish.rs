//! Finished downloads into the owner's drive, through the streamed upload (quota, names,
//! versions, locks), read from disk in pieces. Once every file is in, the state records it,
//! so a run cut off afterwards does not write them again.

use std::path::Path;

use tokio_util::io::ReaderStream;

use super::state::DownloadState;
use crate::{
    auth::caller::SignedIn,
    fs::uri::FileUri,
    queue::{LogLine, TaskCtx, TaskError},
    storage::ByteStream,
    upload::stream::{StreamWrite, write},
};

/// Read buffer of a published file.
const PIECE: usize = 256 * 1024;

/// Publishes the file at `path` as `name` in the download's folder, and records it.
pub async fn one(
    ctx: &TaskCtx,
    me: &SignedIn,
    st: &mut DownloadState,
    path: &Path,
    name: &str,
) -> Result<(), TaskError> {
    file(ctx, me, &st.dst, path, name).await?;
    st.published = true;
    ctx.save_state(st).await
}

/// Writes the file at `path` to `relative` (slash-separated) below the folder `dst`.
pub async fn file(
    ctx: &TaskCtx,
    me: &SignedIn,
    dst: &str,
    path: &Path,
    relative: &str,
) -> Result<(), TaskError> {
    let mut uri = FileUri::parse(dst).map_err(|e| TaskError::Fatal(e.to_string()))?;
    for segment in relative.split('/').filter(|s| !s.is_empty()) {
        uri = uri
            .join(segment)
            .map_err(|e| TaskError::Fatal(format!("{relative}: {e}")))?;
    }
    let io = |e: std::io::Error| TaskError::Retry(format!("{}: {e}", path.display()));
    let f = tokio::fs::File::open(path).await.map_err(io)?;
    let size = f.metadata().await.map_err(io)?.len();
    let body: ByteStream = Box::pin(ReaderStream::with_capacity(f, PIECE));
    let row = write(
        &ctx.state,
        me,
        StreamWrite {
            uri: &uri,
            size: Some(size),
            body,
            lock_tokens: &[],
            journal: true,
            modified: None,
            author: None,
        },
    )
    .await
    .map_err(|e| TaskError::Fatal(format!("cannot save {relative}: {e}")))?;
    ctx.log(
        LogLine::new("download.saved")
            .arg("path", relative)
            .arg("bytes", row.size),
    );
    Ok(())
}

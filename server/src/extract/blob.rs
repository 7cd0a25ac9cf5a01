//! An archive's blob in an unnamed temporary file: zip and 7z keep their directory at the
//! end and need to seek, while a storage driver hands out a stream. The file has no name
//! (`O_TMPFILE` or unlinked at once), so it is gone when closed, even after a crash.

use std::{fs::File, io::SeekFrom};

use futures_util::StreamExt;
use stratus_entity::file;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{
    ExtractError,
    format::{self, Format},
};
use crate::{download::link, state::AppState};

/// The archive `file` (its `entity` version, or its current one) copied to a temporary file,
/// and its format.
pub async fn fetch(
    state: &AppState,
    file: &file::Model,
    entity: Option<&str>,
) -> Result<(File, Format), ExtractError> {
    let blob = link::pick_entity(state, file, entity)
        .await?
        .ok_or(ExtractError::Unsupported)?;
    let driver = state.storage.driver(blob.storage_policy_id).await?;
    let object = driver.get(&blob.source, None).await?;
    let temp = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(std::io::Error::other)??;
    let mut out = tokio::fs::File::from_std(temp);
    let mut stream = object.stream;
    while let Some(piece) = stream.next().await {
        out.write_all(&piece?).await?;
    }
    out.flush().await?;
    out.seek(SeekFrom::Start(0)).await?;
    let mut head = vec![0u8; format::HEAD];
    let mut filled = 0;
    while filled < head.len() {
        match out.read(&mut head[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    head.truncate(filled);
    let format = format::detect(&file.name, &head).ok_or(ExtractError::Unsupported)?;
    Ok((out.into_std().await, format))
}

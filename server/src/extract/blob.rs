//! An archive's blob in an unnamed temporary file ([`spool`]): zip and 7z keep their
//! directory at the end and need to seek, while a storage driver hands out a stream.

use std::fs::File;

use stratus_entity::file;
use tokio::io::AsyncReadExt;

use super::{
    ExtractError,
    format::{self, Format},
};
use crate::{download::link, state::AppState, storage::spool};

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
    let mut out = spool(object.stream).await?;
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

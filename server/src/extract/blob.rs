//! An archive's blob as a local file the readers can seek in (zip and 7z keep their
//! directory at the end): read in place on a local policy, else copied into the data dir's
//! temporary folder ([`storage::seekable`]).

use std::{fs::File, io::Read};

use stratus_entity::entity;

use super::{
    ExtractError,
    format::{self, Format},
};
use crate::{download::link, fs::nav::Node, state::AppState, storage};

/// The blob of the archive at `node` that `requested` names (an entity hashid; only the
/// owner may name an old version of a shared file), or its current one. An empty file is
/// no archive.
pub async fn pick(
    state: &AppState,
    node: &Node,
    requested: Option<&str>,
) -> Result<entity::Model, ExtractError> {
    link::pick_entity_of(state, node, requested)
        .await?
        .ok_or(ExtractError::Unsupported)
}

/// The blob opened for reading, and its format (`name` decides only when the first bytes
/// say nothing).
pub async fn open(
    state: &AppState,
    blob: &entity::Model,
    name: &str,
) -> Result<(File, Format), ExtractError> {
    let driver = state.storage.driver(blob.storage_policy_id).await?;
    let temp = state
        .temp_dir()
        .await
        .map_err(std::io::Error::other)?
        .join("spool");
    let mut file = storage::seekable(&*driver, &blob.source, &temp).await?;
    let name = name.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut head = Vec::with_capacity(format::HEAD);
        (&mut file)
            .take(format::HEAD as u64)
            .read_to_end(&mut head)?;
        let format = format::detect(&name, &head).ok_or(ExtractError::Unsupported)?;
        Ok((file, format))
    })
    .await
    .map_err(|e| ExtractError::Io(std::io::Error::other(e)))?
}

//! A `.torrent` file of the owner's drive: its bytes (at most [`MAX_TORRENT`], all of them
//! in memory, since aria2 takes a torrent as one base64 string) and the check of what it
//! makes aria2 contact, run when the download is asked for and again when it is handed to
//! aria2 (the file may have changed in between).

use futures_util::StreamExt;
use sea_orm::EntityTrait;
use stratus_entity::entity;

use super::endpoints::Endpoints;
use crate::{
    auth::caller::Caller,
    fs::{
        nav::{FsCtx, resolve},
        uri::FileUri,
    },
    net::guard::Guard,
    remote_download::RemoteDownloadError as E,
    state::AppState,
};

/// The largest torrent file read from the drive.
pub const MAX_TORRENT: u64 = 10 << 20;

/// The bytes of the torrent file at `raw` (a URI in the caller's drive).
pub async fn read(state: &AppState, caller: &Caller, raw: &str) -> Result<Vec<u8>, E> {
    let fs = FsCtx::new(state, caller);
    let uri = FileUri::parse(raw)?;
    let node = resolve(&fs, &uri).await?;
    if node.is_folder() || !node.owned {
        return Err(E::BadUrl("src_file: not a torrent file of yours".into()));
    }
    let id = node
        .file
        .primary_entity
        .ok_or_else(|| E::NotTorrent("the file is empty".into()))?;
    let blob = entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| E::NotTorrent("its content is gone".into()))?;
    if blob.size as u64 > MAX_TORRENT {
        return Err(E::NotTorrent("larger than 10 MiB".into()));
    }
    let storage = |e: &dyn std::fmt::Display| E::Storage(e.to_string());
    let driver = state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(|e| storage(&e))?;
    let object = driver
        .get(&blob.source, None)
        .await
        .map_err(|e| storage(&e))?;
    let mut bytes = Vec::with_capacity(object.len().min(MAX_TORRENT) as usize);
    let mut stream = object.stream;
    while let Some(piece) = stream.next().await {
        bytes.extend_from_slice(&piece.map_err(|e| storage(&e))?);
        if bytes.len() as u64 > MAX_TORRENT {
            return Err(E::NotTorrent("larger than 10 MiB".into()));
        }
    }
    Ok(bytes)
}

/// Checks the trackers, web seeds and DHT nodes of `bytes`; answers the trackers for aria2.
pub async fn check(guard: &Guard, bytes: &[u8]) -> Result<Vec<String>, E> {
    Endpoints::of_torrent(bytes)?.check(guard).await
}

//! Media metadata (the `media_meta` queue, Cloudreve's task of that name): once a picture's
//! new version is in, a task reads its EXIF where the blob lies and stores it as public
//! `exif:*` metadata of the file (camera, lens, exposure, time taken, size, place), which the
//! file's details show. Site settings: `media_meta` and `media_meta_exif` switch it on (both
//! on by default); pictures over `media_meta_exif_size_local` bytes (local policies, 1 GiB by
//! default) or `media_meta_exif_size_remote` (other policies, 100 MiB) are not read. A new
//! version drops the old version's keys ([`NAMESPACE`]) in the transaction that makes it
//! current, so stale values are never shown.
//!
//! - `exif.rs`: the EXIF fields as keys and values.
//! - `task.rs`: the task: the blob copied to a temporary file (never held in memory), read,
//!   and the keys replaced, unless the file has changed meanwhile.

pub mod exif;
pub mod task;

use sea_orm::DbErr;
use serde_json::json;
use stratus_entity::file;

use crate::{
    queue::store,
    settings::{Settings, parse_bool},
    state::AppState,
};

/// The metadata namespace this module writes.
pub const NAMESPACE: &str = "exif:";

/// Extensions whose EXIF is read (JPEG, TIFF and raw pictures built on it, HEIF, PNG, WebP).
pub const EXIF_EXTS: &[&str] = &[
    "jpg", "jpeg", "jpe", "tif", "tiff", "dng", "heic", "heif", "avif", "png", "webp",
];

/// Queues the metadata of `file`'s current version when the site extracts it for its type.
/// Best effort: a failure is logged, and the write it follows stands.
pub async fn queue_for(state: &AppState, file: &file::Model) {
    if let Err(e) = try_queue(state, file).await {
        tracing::warn!(file_id = file.id, error = %e, "cannot queue the media metadata task");
    }
}

async fn try_queue(state: &AppState, file: &file::Model) -> Result<(), DbErr> {
    let Some(entity_id) = file.primary_entity else {
        return Ok(());
    };
    if file.size <= 0 || !has_exif_ext(&file.name) || !enabled(&state.settings).await? {
        return Ok(());
    }
    let private = task::MetaState {
        file_id: file.id,
        entity_id,
    };
    store::submit(
        state,
        &task::MediaMeta,
        Some(file.owner_id),
        serde_json::to_string(&private).expect("state serializes"),
        json!({"props": {"src": file.name}}),
        None,
    )
    .await?;
    Ok(())
}

fn has_exif_ext(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXIF_EXTS.contains(&ext.to_ascii_lowercase().as_str()))
}

async fn enabled(settings: &Settings) -> Result<bool, DbErr> {
    Ok(parse_bool(&settings.get("media_meta").await?)
        && parse_bool(&settings.get("media_meta_exif").await?))
}

//! What a new version gets, for the writes that bring files into a tree without uploading them:
//! a copy (new rows on the same blobs), a restore from the trash or from a snapshot, an
//! extraction placed under a free name. Each file below the item is queued for its media
//! metadata when it has none (a copy made before the original's task ran, a snapshot row) and
//! for the full-text index when the index has no row for its current version; what is there
//! already is left alone, so running this twice costs nothing.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, fts_doc, metadata};

use super::extract::Format;
use crate::{
    fs::{error::FsError, walk},
    media_meta,
    state::AppState,
};

/// Ids per `IN (...)` query.
const CHUNK: usize = 500;

/// Queues the media metadata and the indexing of `top` (a file) or of every file below `top`
/// (a folder) that lacks them. Best effort, like [`super::queue_for`]: a failure is logged and
/// the write it follows stands.
pub async fn queue_tree(state: &AppState, top: &file::Model) {
    if let Err(e) = try_queue_tree(state, top).await {
        tracing::warn!(file_id = top.id, error = %e, "cannot queue the tasks of new files");
    }
}

async fn try_queue_tree(state: &AppState, top: &file::Model) -> Result<(), FsError> {
    let rows = if top.r#type == file::kind::FOLDER {
        walk::descendants_all(&state.db, top.id, walk::DEFAULT_WALK_LIMIT).await?
    } else {
        vec![top.clone()]
    };
    let files: Vec<file::Model> = rows
        .into_iter()
        .filter(|f| f.r#type == file::kind::FILE && !f.is_symbolic && f.primary_entity.is_some())
        .collect();
    let indexing = super::enabled(&state.settings).await?;
    for chunk in files.chunks(CHUNK) {
        let described = with_media_keys(state, chunk).await?;
        for f in chunk.iter().filter(|f| !described.contains(&f.id)) {
            media_meta::queue_for(state, f).await;
        }
        if !indexing {
            continue;
        }
        let readable: Vec<&file::Model> = chunk
            .iter()
            .filter(|f| Format::of(&f.name).is_some())
            .collect();
        let current: HashSet<(i64, i64)> = fts_doc::Entity::find()
            .filter(fts_doc::Column::FileId.is_in(readable.iter().map(|f| f.id)))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|d| (d.file_id, d.entity_id))
            .collect();
        for f in readable {
            let row = (f.id, f.primary_entity.unwrap_or_default());
            if !current.contains(&row) {
                super::queue_for(state, f).await;
            }
        }
    }
    Ok(())
}

/// The files of `chunk` that carry media metadata already (copied with the row, or kept
/// through the trash): a new version drops those keys, so what is there is the current one's.
async fn with_media_keys(state: &AppState, chunk: &[file::Model]) -> Result<HashSet<i64>, FsError> {
    let mut any_key = Condition::any();
    for ns in media_meta::NAMESPACES {
        any_key = any_key.add(metadata::Column::Name.starts_with(*ns));
    }
    let ids: Vec<i64> = metadata::Entity::find()
        .select_only()
        .column(metadata::Column::FileId)
        .distinct()
        .filter(metadata::Column::FileId.is_in(chunk.iter().map(|f| f.id)))
        .filter(any_key)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(ids.into_iter().collect())
}

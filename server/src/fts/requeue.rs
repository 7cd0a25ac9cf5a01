//! Indexing after the writes that bring files into a tree without uploading them: a copy (new
//! rows on the same blobs), a restore from the trash or from a snapshot, an extraction placed
//! under a free name. Each file below the item whose current version has no index row of its
//! own is queued; what is indexed already is left alone, so running this twice costs nothing.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{file, fts_doc};

use super::extract::Format;
use crate::{
    fs::{error::FsError, walk},
    state::AppState,
};

/// Ids per `IN (...)` query.
const CHUNK: usize = 500;

/// Queues the indexing of `top` (a file) or of every file below `top` (a folder) that the
/// index lacks for its current version. Best effort, like [`super::queue_for`]: a failure is
/// logged and the write it follows stands.
pub async fn queue_tree(state: &AppState, top: &file::Model) {
    if let Err(e) = try_queue_tree(state, top).await {
        tracing::warn!(file_id = top.id, error = %e, "cannot queue the full-text index tasks");
    }
}

async fn try_queue_tree(state: &AppState, top: &file::Model) -> Result<(), FsError> {
    if !super::enabled(&state.settings).await? {
        return Ok(());
    }
    let rows = if top.r#type == file::kind::FOLDER {
        walk::descendants_all(&state.db, top.id, walk::DEFAULT_WALK_LIMIT).await?
    } else {
        vec![top.clone()]
    };
    let files: Vec<file::Model> = rows
        .into_iter()
        .filter(|f| f.r#type == file::kind::FILE && !f.is_symbolic)
        .filter(|f| f.primary_entity.is_some() && Format::of(&f.name).is_some())
        .collect();
    for chunk in files.chunks(CHUNK) {
        let current: HashSet<(i64, i64)> = fts_doc::Entity::find()
            .filter(fts_doc::Column::FileId.is_in(chunk.iter().map(|f| f.id)))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|d| (d.file_id, d.entity_id))
            .collect();
        for f in chunk {
            let row = (f.id, f.primary_entity.unwrap_or_default());
            if !current.contains(&row) {
                super::queue_for(state, f).await;
            }
        }
    }
    Ok(())
}

//! Breadth-first walks of a folder's subtree: one query per level of the tree (children of a
//! batch of folders), never one per row, and bounded by the group's `max_walked_files`.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stratus_entity::file;

use super::error::FsError;

/// Default of the group setting `max_walked_files`.
pub const DEFAULT_WALK_LIMIT: usize = 100_000;
/// Folder ids per `IN (...)` query.
const CHUNK: usize = 500;

/// Every row below `folder_id` (not the folder itself), parents before their children.
/// Stops after `limit` rows: `Ok((rows, false))`.
pub async fn descendants(
    db: &impl ConnectionTrait,
    folder_id: i64,
    limit: usize,
) -> Result<(Vec<file::Model>, bool), FsError> {
    let mut out = Vec::new();
    let mut level = vec![folder_id];
    while !level.is_empty() {
        let mut next = Vec::new();
        for chunk in level.chunks(CHUNK) {
            let children = file::Entity::find()
                .filter(file::Column::ParentId.is_in(chunk.to_vec()))
                .filter(file::Column::DeletedAt.is_null())
                .all(db)
                .await?;
            for child in children {
                if out.len() >= limit {
                    return Ok((out, false));
                }
                if child.r#type == file::kind::FOLDER && !child.is_symbolic {
                    next.push(child.id);
                }
                out.push(child);
            }
        }
        level = next;
    }
    Ok((out, true))
}

/// Like [`descendants`], but a walk that hits the limit is an error (40079).
pub async fn descendants_all(
    db: &impl ConnectionTrait,
    folder_id: i64,
    limit: usize,
) -> Result<Vec<file::Model>, FsError> {
    match descendants(db, folder_id, limit).await? {
        (rows, true) => Ok(rows),
        (_, false) => Err(FsError::WalkLimit),
    }
}

/// The group's walk limit.
pub fn limit_of(group_settings: &serde_json::Value) -> usize {
    group_settings
        .get("max_walked_files")
        .and_then(|v| v.as_u64())
        .map(|v| v as usize)
        .filter(|v| *v > 0)
        .unwrap_or(DEFAULT_WALK_LIMIT)
}

/// True when `folder_id` is `ancestor_id` or lies below it.
pub async fn is_inside(
    db: &impl ConnectionTrait,
    folder_id: i64,
    ancestor_id: i64,
) -> Result<bool, FsError> {
    let mut current = Some(folder_id);
    while let Some(id) = current {
        if id == ancestor_id {
            return Ok(true);
        }
        current = file::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|f| f.parent_id);
    }
    Ok(false)
}

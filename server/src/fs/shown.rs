//! What rows show besides their columns: public metadata, whether each is shared by a link and
//! whether with people, read for a whole page in three queries (never a query per row), and the
//! name a row shows.
//! `api::present::file` turns them into the wire shape.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, file_grant, metadata, share};

use super::{
    error::FsError,
    uri::{FileUri, FsKind},
};

/// Metadata key holding a trashed item's original URI.
pub const RESTORE_URI: &str = "sys:restore_uri";
/// Metadata key holding when the trash job may purge the item (unix seconds).
pub const EXPECTED_COLLECT_TIME: &str = "sys:expected_collect_time";
/// Metadata key holding who put a trashed item there (a user's public id): its owner, or a
/// recipient with write access to a folder the owner shared.
pub const DELETED_BY: &str = "sys:deleted_by";

/// One row to show, with the URI the caller addresses it by.
pub struct Item<'a> {
    pub file: &'a file::Model,
    pub uri: FileUri,
}

/// What one row shows besides its columns.
pub struct Shown {
    /// The name shown: a trashed item shows its original name.
    pub name: String,
    /// Public metadata.
    pub metadata: HashMap<String, String>,
    /// A live share of the row exists.
    pub shared: bool,
    /// The row is granted to a user or a group.
    pub granted: bool,
}

/// Which of `file_ids` have a share link (not deleted), in one statement.
pub async fn with_share_links(
    db: &impl ConnectionTrait,
    file_ids: &[i64],
) -> Result<HashSet<i64>, FsError> {
    let ids: Vec<i64> = share::Entity::find()
        .select_only()
        .column(share::Column::FileId)
        .filter(share::Column::FileId.is_in(file_ids.iter().copied()))
        .filter(share::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Reads what `items` show, in their order.
pub async fn shown(db: &impl ConnectionTrait, items: &[Item<'_>]) -> Result<Vec<Shown>, FsError> {
    let file_ids: Vec<i64> = items.iter().map(|i| i.file.id).collect();
    let mut meta: HashMap<i64, HashMap<String, String>> = HashMap::new();
    let mut shared: HashSet<i64> = HashSet::new();
    let mut granted: HashSet<i64> = HashSet::new();
    if !file_ids.is_empty() {
        for row in metadata::Entity::find()
            .filter(metadata::Column::FileId.is_in(file_ids.clone()))
            .filter(metadata::Column::IsPublic.eq(true))
            .all(db)
            .await?
        {
            meta.entry(row.file_id)
                .or_default()
                .insert(row.name, row.value);
        }
        shared = with_share_links(db, &file_ids).await?;
        let granted_ids: Vec<i64> = file_grant::Entity::find()
            .select_only()
            .column(file_grant::Column::FileId)
            .filter(file_grant::Column::FileId.is_in(file_ids))
            .into_tuple()
            .all(db)
            .await?;
        granted.extend(granted_ids);
    }
    Ok(items
        .iter()
        .map(|item| {
            let metadata = meta.remove(&item.file.id).unwrap_or_default();
            Shown {
                name: display_name(item.file, &metadata, &item.uri),
                shared: shared.contains(&item.file.id),
                granted: granted.contains(&item.file.id),
                metadata,
            }
        })
        .collect())
}

/// The name shown for a row: trashed items show their original name.
fn display_name(f: &file::Model, meta: &HashMap<String, String>, uri: &FileUri) -> String {
    if uri.fs == FsKind::Trash
        && let Some(original) = meta
            .get(RESTORE_URI)
            .and_then(|u| FileUri::parse(u).ok())
            .and_then(|u| u.name().map(str::to_owned))
    {
        return original;
    }
    f.name.clone()
}

//! Turning file rows into `FileResponse`s, with one query for the metadata and one for the
//! share flags of a whole page (never a query per row).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, metadata, share};

use super::{
    error::FsError,
    uri::{FileUri, FsKind},
};
use crate::{
    api::dto::file::FileResponse,
    boolset::Boolset,
    ids::{HashIds, IdKind},
};

/// Metadata key holding a trashed item's original URI.
pub const RESTORE_URI: &str = "sys:restore_uri";
/// Metadata key holding when the trash job may purge the item (unix seconds).
pub const EXPECTED_COLLECT_TIME: &str = "sys:expected_collect_time";

/// One row to present, with the URI the caller addresses it by.
pub struct Item<'a> {
    pub file: &'a file::Model,
    pub uri: FileUri,
}

/// Presents rows of one filesystem for a caller with `capability`.
pub async fn responses(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    items: &[Item<'_>],
    capability: &Boolset,
    owned: bool,
) -> Result<Vec<FileResponse>, FsError> {
    let file_ids: Vec<i64> = items.iter().map(|i| i.file.id).collect();
    let mut meta: HashMap<i64, HashMap<String, String>> = HashMap::new();
    let mut shared: HashSet<i64> = HashSet::new();
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
        let shared_ids: Vec<i64> = share::Entity::find()
            .select_only()
            .column(share::Column::FileId)
            .filter(share::Column::FileId.is_in(file_ids))
            .filter(share::Column::DeletedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        shared.extend(shared_ids);
    }
    let capability = capability.to_base64();
    Ok(items
        .iter()
        .map(|item| {
            let f = item.file;
            let metadata = meta.remove(&f.id).unwrap_or_default();
            FileResponse {
                kind: f.r#type,
                id: ids.encode(f.id, IdKind::File),
                name: display_name(f, &metadata, &item.uri),
                created_at: f.created_at,
                updated_at: f.updated_at,
                size: f.size,
                metadata,
                path: item.uri.to_string(),
                shared: shared.contains(&f.id).then_some(true),
                capability: Some(capability.clone()),
                owned: Some(owned),
                primary_entity: f.primary_entity.map(|e| ids.encode(e, IdKind::Entity)),
                folder_summary: None,
                extended_info: None,
            }
        })
        .collect())
}

/// Presents a single row.
pub async fn response(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    file: &file::Model,
    uri: &FileUri,
    capability: &Boolset,
    owned: bool,
) -> Result<FileResponse, FsError> {
    let item = Item {
        file,
        uri: uri.clone(),
    };
    Ok(
        responses(db, ids, std::slice::from_ref(&item), capability, owned)
            .await?
            .remove(0),
    )
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

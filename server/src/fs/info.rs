//! `GET /file/info`: one object with, on request, its folder totals and storage details.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use stratus_entity::{entity, file, file_entity, storage_policy};

use super::{
    error::FsError,
    nav::{FsCtx, Node},
    present, walk,
};
use crate::{
    api::dto::file::{EntityResponse, ExtendedInfo, FileResponse, FolderSummary, PolicySummary},
    ids::{HashIds, IdKind},
};

/// Presents `node`, adding the folder summary and/or extended info when asked.
pub async fn info(
    ctx: &FsCtx<'_>,
    node: &Node,
    extended: bool,
    folder_summary: bool,
) -> Result<FileResponse, FsError> {
    let db = &ctx.state.db;
    let ids = &ctx.state.ids;
    let mut resp =
        present::response(db, ids, &node.file, &node.uri, &node.capability, node.owned).await?;
    // The root of a single-file share is the file's folder: its totals are not shared.
    let single_file_root = super::share_tree::single_file_root(ctx, node)
        .await?
        .is_some();
    if folder_summary && node.is_folder() && !single_file_root {
        let limit = match ctx.caller {
            crate::auth::caller::Caller::User(u) => walk::limit_of(&u.group.settings),
            crate::auth::caller::Caller::Anonymous => walk::DEFAULT_WALK_LIMIT,
        };
        let (rows, completed) = walk::descendants(db, node.file.id, limit).await?;
        let (files, folders): (Vec<_>, Vec<_>) =
            rows.iter().partition(|r| r.r#type == file::kind::FILE);
        resp.folder_summary = Some(FolderSummary {
            size: files.iter().map(|f| f.size).sum(),
            files: files.len() as i64,
            folders: folders.len() as i64,
            completed,
            calculated_at: Utc::now(),
        });
    }
    if extended {
        resp.extended_info = Some(extended_info(ctx, node).await?);
    }
    Ok(resp)
}

/// Storage details. A share's visitors see the current version only: older versions may hold
/// what the owner replaced before sharing.
async fn extended_info(ctx: &FsCtx<'_>, node: &Node) -> Result<ExtendedInfo, FsError> {
    let db = &ctx.state.db;
    let ids = &ctx.state.ids;
    let entity_ids: Vec<i64> = if node.seen_by_visitor() {
        node.file.primary_entity.into_iter().collect()
    } else {
        file_entity::Entity::find()
            .filter(file_entity::Column::FileId.eq(node.file.id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.entity_id)
            .collect()
    };
    let entities = entity::Entity::find()
        .filter(entity::Column::Id.is_in(entity_ids))
        .order_by_desc(entity::Column::CreatedAt)
        .all(db)
        .await?;
    let policies = storage_policy::Entity::find().all(db).await?;
    let summary = |id: Option<i64>| {
        id.and_then(|id| policies.iter().find(|p| p.id == id))
            .map(|p| policy_summary(ids, p))
    };
    let view = node
        .owned
        .then(|| {
            node.file
                .props
                .as_ref()
                .and_then(|p| p.get("view"))
                .cloned()
        })
        .flatten();
    Ok(ExtendedInfo {
        storage_policy: summary(node.file.storage_policy_id),
        storage_used: entities.iter().map(|e| e.size).sum(),
        entities: (!node.is_folder()).then(|| {
            entities
                .iter()
                .map(|e| EntityResponse {
                    id: ids.encode(e.id, IdKind::Entity),
                    size: e.size,
                    kind: e.r#type,
                    created_at: e.created_at,
                    storage_policy: summary(Some(e.storage_policy_id)),
                })
                .collect()
        }),
        view,
    })
}

/// A storage policy as clients see it.
pub fn policy_summary(ids: &HashIds, p: &storage_policy::Model) -> PolicySummary {
    let allowed: Option<Vec<String>> = p
        .settings
        .get("file_type")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .filter(|v: &Vec<String>| !v.is_empty());
    PolicySummary {
        id: ids.encode(p.id, IdKind::Policy),
        name: p.name.clone(),
        kind: p.r#type.clone(),
        max_size: p.max_size,
        allowed_suffix: allowed,
        relay: if crate::storage::registry::relays_uploads(p) {
            Some(true)
        } else {
            p.settings.get("relay").and_then(|v| v.as_bool())
        },
    }
}

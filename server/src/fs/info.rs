//! `GET /file/info`: what is known of one object beyond its row, on request: its folder
//! totals and its storage details.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use stratus_entity::{entity, file, file_entity, storage_policy, user};

use super::{
    error::FsError,
    nav::{FsCtx, Node},
    walk,
};

/// Totals of a folder's contents.
pub struct FolderTotals {
    pub size: i64,
    pub files: i64,
    pub folders: i64,
    /// Every descendant was counted (the walk stayed within the group's limit).
    pub completed: bool,
    pub calculated_at: DateTime<Utc>,
}

/// Where and how an object is stored.
pub struct StorageDetails {
    /// The object's storage policy.
    pub policy: Option<storage_policy::Model>,
    /// Bytes its versions take.
    pub storage_used: i64,
    /// A file's versions, newest first, each with its policy (`None` for folders).
    pub entities: Option<Vec<(entity::Model, Option<storage_policy::Model>)>>,
    /// The accounts that made those versions (the owner, or a recipient of a grant).
    pub creators: Vec<user::Model>,
    /// The folder view the owner saved on it (owner only).
    pub view: Option<Value>,
}

/// What `GET /file/info` adds to the object.
pub struct Info {
    pub folder_totals: Option<FolderTotals>,
    pub storage: Option<StorageDetails>,
}

/// Reads the folder totals and/or the storage details of `node`, when asked.
pub async fn info(
    ctx: &FsCtx<'_>,
    node: &Node,
    extended: bool,
    folder_summary: bool,
) -> Result<Info, FsError> {
    // Totals are the owner's to ask for (Cloudreve answers anyone else 40082): a share's
    // visitor would otherwise learn the size and count of what its folders hold.
    if folder_summary && node.is_folder() && !node.owned {
        return Err(FsError::OwnerOnly);
    }
    // The root of a single-file share is the file's folder: its totals are not shared.
    let single_file_root = super::share_tree::single_file_root(ctx, node)
        .await?
        .is_some();
    let folder_totals = if folder_summary && node.is_folder() && !single_file_root {
        Some(totals(ctx, node).await?)
    } else {
        None
    };
    let storage = if extended {
        Some(storage_details(ctx, node).await?)
    } else {
        None
    };
    Ok(Info {
        folder_totals,
        storage,
    })
}

async fn totals(ctx: &FsCtx<'_>, node: &Node) -> Result<FolderTotals, FsError> {
    let limit = match ctx.caller {
        crate::caller::Caller::User(u) => walk::limit_of(&u.group.settings),
        crate::caller::Caller::Anonymous => walk::DEFAULT_WALK_LIMIT,
    };
    let (rows, completed) = walk::descendants(&ctx.state.db, node.file.id, limit).await?;
    let (files, folders): (Vec<_>, Vec<_>) =
        rows.iter().partition(|r| r.r#type == file::kind::FILE);
    Ok(FolderTotals {
        size: files.iter().map(|f| f.size).sum(),
        files: files.len() as i64,
        folders: folders.len() as i64,
        completed,
        calculated_at: Utc::now(),
    })
}

/// Storage details. A share's visitors see the current version only: older versions may hold
/// what the owner replaced before sharing.
async fn storage_details(ctx: &FsCtx<'_>, node: &Node) -> Result<StorageDetails, FsError> {
    let db = &ctx.state.db;
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
    let mut creator_ids: Vec<i64> = entities.iter().filter_map(|e| e.created_by).collect();
    creator_ids.sort_unstable();
    creator_ids.dedup();
    let creators = user::Entity::find()
        .filter(user::Column::Id.is_in(creator_ids))
        .all(db)
        .await?;
    let policies = storage_policy::Entity::find().all(db).await?;
    let policy = |id: Option<i64>| id.and_then(|id| policies.iter().find(|p| p.id == id).cloned());
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
    Ok(StorageDetails {
        policy: policy(node.file.storage_policy_id),
        storage_used: entities.iter().map(|e| e.size).sum(),
        entities: (!node.is_folder()).then(|| {
            entities
                .iter()
                .map(|e| (e.clone(), policy(Some(e.storage_policy_id))))
                .collect()
        }),
        view,
        creators,
    })
}

/// The size of file `id` as stored (0 when there is no such row).
pub async fn size_of(db: &impl sea_orm::ConnectionTrait, id: i64) -> Result<i64, FsError> {
    Ok(file::Entity::find_by_id(id)
        .one(db)
        .await?
        .map_or(0, |f| f.size))
}

/// The total size of the files below each of `folders` (0 for an empty one), in one
/// recursive statement for all of them: what `oc:size` shows of a folder.
pub async fn folder_sizes(
    db: &impl sea_orm::ConnectionTrait,
    folders: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, FsError> {
    Ok(folder_sums(db, folders)
        .await?
        .into_iter()
        .map(|(top, sums)| (top, sums.size))
        .collect())
}

/// What the files below a folder add up to.
#[derive(Debug, Clone, Copy, sea_orm::FromQueryResult)]
pub struct FolderSums {
    pub top: i64,
    pub size: i64,
    pub files: i64,
}

/// The size and number of the files below each of `folders`, in one recursive statement
/// counted by the database: no row of the subtree is read into memory.
pub async fn folder_sums(
    db: &impl sea_orm::ConnectionTrait,
    folders: &[i64],
) -> Result<std::collections::HashMap<i64, FolderSums>, FsError> {
    use sea_orm::{FromQueryResult, Statement};
    if folders.is_empty() {
        return Ok(Default::default());
    }
    let list = folders
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH RECURSIVE sub(top, id, type, size) AS (\
         SELECT id, id, type, CAST(0 AS BIGINT) FROM files WHERE id IN ({list}) \
         UNION ALL SELECT sub.top, f.id, f.type, f.size FROM files f JOIN sub ON f.parent_id = sub.id \
         WHERE sub.type = {folder} AND f.deleted_at IS NULL AND NOT f.is_symbolic) \
         SELECT top, CAST(COALESCE(SUM(CASE WHEN type = {file} THEN size ELSE 0 END), 0) AS BIGINT) AS size, \
         CAST(COALESCE(SUM(CASE WHEN type = {file} AND id <> top THEN 1 ELSE 0 END), 0) AS BIGINT) AS files \
         FROM sub GROUP BY top",
        folder = file::kind::FOLDER,
        file = file::kind::FILE,
    );
    let rows =
        FolderSums::find_by_statement(Statement::from_string(db.get_database_backend(), sql))
            .all(db)
            .await?;
    Ok(rows.into_iter().map(|t| (t.top, t)).collect())
}

//! What a task backs up, as manifest entries: the folders and files of the chosen drives or
//! folder (paths from the root backed up, each file with its current version's blob and a
//! `version` entry per kept older version), or for an `instance` task every blob of every
//! policy (the database dump holds the rest).

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use stratus_entity::{backup_task::kind, entity, file, file_entity, group, user};

use super::layout;
use crate::{
    caller::Caller,
    door::work::acting_as,
    fs::{
        nav::{self, FsCtx},
        uri::FileUri,
        walk,
    },
    state::AppState,
};

/// Rows walked in one source at most.
const WALK_LIMIT: usize = 10_000_000;
/// Ids per `IN (...)`.
const CHUNK: usize = 500;

/// A blob a backup needs.
#[derive(Debug, Clone)]
pub struct BlobRef {
    /// Its name on the target ([`layout::blob_name`]).
    pub name: String,
    pub policy_id: i64,
    /// Its key on its policy's storage.
    pub source: String,
    pub size: i64,
    pub entity_id: i64,
}

/// One line of the manifest besides the header and the blobs.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `folder`, `file`, `version` (an older version of the file at `path`) or, in an
    /// `instance` backup, `entity` (a blob as the database knows it).
    pub kind: &'static str,
    /// From the root backed up, starting with `/` (`/` is the root itself).
    pub path: String,
    pub size: i64,
    pub mtime: DateTime<Utc>,
    pub owner: Option<i64>,
    pub file_id: Option<i64>,
    pub blob: Option<BlobRef>,
}

/// The entries of `source` for a task of kind `task_kind`; an error says what is wrong.
pub async fn collect(
    state: &AppState,
    task_kind: &str,
    source: &Value,
) -> Result<Vec<Entry>, String> {
    match task_kind {
        kind::FOLDER => {
            let user_id = source["user_id"].as_i64().ok_or("source.user_id missing")?;
            let uri = source["uri"].as_str().ok_or("source.uri missing")?;
            let root = folder_of(state, user_id, uri).await?;
            tree(state, &root).await
        }
        kind::USERS => {
            let ids: Vec<i64> = source["user_ids"]
                .as_array()
                .ok_or("source.user_ids missing")?
                .iter()
                .filter_map(Value::as_i64)
                .collect();
            let mut out = Vec::new();
            for id in ids {
                let root = file::Entity::find()
                    .filter(file::Column::OwnerId.eq(id))
                    .filter(file::Column::ParentId.is_null())
                    .filter(file::Column::Name.eq(""))
                    .filter(file::Column::DeletedAt.is_null())
                    .one(&state.db)
                    .await
                    .map_err(|e| e.to_string())?;
                match root {
                    Some(root) => out.extend(tree(state, &root).await?),
                    None => return Err(format!("user {id} has no drive")),
                }
            }
            Ok(out)
        }
        kind::INSTANCE => every_blob(&state.db).await,
        other => Err(format!("unknown backup kind {other:?}")),
    }
}

/// The folder `uri` of user `user_id`, as that user sees it.
async fn folder_of(state: &AppState, user_id: i64, uri: &str) -> Result<file::Model, String> {
    let gone = || format!("user {user_id} no longer exists");
    let user = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(gone)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(gone)?;
    let caller = Caller::User(Arc::new(acting_as(user, group)));
    let fs = FsCtx::new(state, &caller);
    let parsed = FileUri::parse(uri).map_err(|e| format!("{uri}: {e}"))?;
    let node = nav::resolve(&fs, &parsed)
        .await
        .map_err(|e| format!("{uri}: {e}"))?;
    if !node.owned || !node.is_folder() {
        return Err(format!("{uri}: not a folder of user {user_id}"));
    }
    Ok(node.file)
}

/// The root's subtree as entries, paths from the root.
async fn tree(state: &AppState, root: &file::Model) -> Result<Vec<Entry>, String> {
    let rows = walk::descendants_all(&state.db, root.id, WALK_LIMIT)
        .await
        .map_err(|e| e.to_string())?;
    let mut paths: HashMap<i64, String> = HashMap::from([(root.id, String::new())]);
    let mut out = vec![Entry {
        kind: "folder",
        path: "/".into(),
        size: 0,
        mtime: root.updated_at,
        owner: Some(root.owner_id),
        file_id: Some(root.id),
        blob: None,
    }];
    let mut files = Vec::new();
    for row in rows {
        let parent = row.parent_id.and_then(|p| paths.get(&p)).cloned();
        let Some(parent) = parent else { continue };
        let path = format!("{parent}/{}", row.name);
        paths.insert(row.id, path.clone());
        if row.r#type == file::kind::FOLDER {
            out.push(Entry {
                kind: "folder",
                path,
                size: 0,
                mtime: row.updated_at,
                owner: Some(row.owner_id),
                file_id: Some(row.id),
                blob: None,
            });
        } else if !row.is_symbolic {
            files.push((row, path));
        }
    }
    for chunk in files.chunks(CHUNK) {
        file_entries(state, chunk, &mut out).await?;
    }
    Ok(out)
}

/// The entries of a chunk of files: each file with its current blob, then its older
/// versions (uploads in progress and deleted versions left out), oldest first.
async fn file_entries(
    state: &AppState,
    chunk: &[(file::Model, String)],
    out: &mut Vec<Entry>,
) -> Result<(), String> {
    let ids: Vec<i64> = chunk.iter().map(|(f, _)| f.id).collect();
    let mut versions: HashMap<i64, Vec<entity::Model>> = HashMap::new();
    let links = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.is_in(ids))
        .find_also_related(entity::Entity)
        .all(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    for (link, e) in links {
        if let Some(e) = e.filter(|e| {
            e.r#type == entity::kind::VERSION
                && e.upload_session_id.is_none()
                && e.deleted_at.is_none()
        }) {
            versions.entry(link.file_id).or_default().push(e);
        }
    }
    for (f, path) in chunk {
        let mut kept = versions.remove(&f.id).unwrap_or_default();
        kept.sort_by_key(|e| e.id);
        let current = kept.iter().position(|e| Some(e.id) == f.primary_entity);
        let current = current.map(|i| kept.remove(i));
        out.push(Entry {
            kind: "file",
            path: path.clone(),
            size: f.size,
            mtime: f.updated_at,
            owner: Some(f.owner_id),
            file_id: Some(f.id),
            blob: current.as_ref().map(blob_of),
        });
        for e in &kept {
            out.push(Entry {
                kind: "version",
                path: path.clone(),
                size: e.size,
                mtime: e.created_at,
                owner: Some(f.owner_id),
                file_id: Some(f.id),
                blob: Some(blob_of(e)),
            });
        }
    }
    Ok(())
}

/// Every stored blob of every policy (uploads in progress aside).
async fn every_blob(db: &impl ConnectionTrait) -> Result<Vec<Entry>, String> {
    let rows = entity::Entity::find()
        .filter(entity::Column::UploadSessionId.is_null())
        .order_by_asc(entity::Column::Id)
        .all(db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(rows
        .iter()
        .map(|e| Entry {
            kind: "entity",
            path: format!("/entities/{}", e.id),
            size: e.size,
            mtime: e.updated_at,
            owner: e.created_by,
            file_id: None,
            blob: Some(blob_of(e)),
        })
        .collect())
}

fn blob_of(e: &entity::Model) -> BlobRef {
    BlobRef {
        name: layout::blob_name(e.storage_policy_id, &e.source),
        policy_id: e.storage_policy_id,
        source: e.source.clone(),
        size: e.size,
        entity_id: e.id,
    }
}

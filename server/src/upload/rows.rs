//! The rows an upload writes: the folders on the way to a new file, the file row (a
//! placeholder or a file with its blob), the entity row of each new version and the link
//! between them, and what follows a new version becoming current. Every route that stores
//! a file (sessions, streamed writes, edits, imports) writes them the same way.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, sea_query::OnConflict,
};
use stratus_entity::{entity, file, file_entity};

use super::{UploadError, deferred::Deferred};
use crate::{
    fs::{
        changes::Change,
        error::{FsError, name_clash},
        journal, metadata, tree,
        uri::FileUri,
        version,
    },
    media_meta,
    thumb::store as thumb,
};

/// Walks to the parent folder of `uri`, creating missing folders; returns its id. `known` is
/// the start of the way, root first (as [`crate::fs::path::chain`] returns it): only what lies below its
/// last row is looked up.
pub(super) async fn ensure_parents(
    txn: &DatabaseTransaction,
    owner: i64,
    mut known: Vec<file::Model>,
    uri: &FileUri,
    made: &mut Vec<Change>,
) -> Result<i64, UploadError> {
    let folders = &uri.segments()[..uri.segments().len() - 1];
    known.truncate(folders.len() + 1);
    let mut parent = known.pop().ok_or(FsError::ParentNotExist)?;
    // The depth of `parent`: the folders above it are known.
    let start = known.len();
    for (depth, segment) in folders.iter().enumerate() {
        if depth < start {
            continue;
        }
        if parent.r#type != file::kind::FOLDER || parent.is_symbolic {
            return Err(FsError::ParentNotExist.into());
        }
        let (folder, new) = match tree::ensure_folder(txn, owner, &parent, segment).await {
            Ok(found) => found,
            // A file or a symbolic entry where a folder should be. (Not a racing insert:
            // writers of one owner's files take turns.)
            Err(FsError::Exists(_)) => return Err(FsError::ParentNotExist.into()),
            Err(e) => return Err(e.into()),
        };
        if new {
            made.push(journal::created_at(&folder, &folders[..=depth]));
        }
        parent = folder;
    }
    if parent.r#type != file::kind::FOLDER || parent.is_symbolic {
        return Err(FsError::ParentNotExist.into());
    }
    Ok(parent.id)
}

/// Inserts a file row: a placeholder (size 0 until its upload completes) when `current` is
/// `None`, else a file whose current version is that entity.
pub(super) async fn insert_file(
    txn: &DatabaseTransaction,
    owner: i64,
    parent: i64,
    name: &str,
    policy_id: i64,
    current: Option<&entity::Model>,
) -> Result<file::Model, UploadError> {
    Ok(
        file_row(owner, parent, name, policy_id, current, Utc::now())
            .insert(txn)
            .await
            .map_err(|e| name_clash(e, name))?,
    )
}

/// The row [`insert_file`] inserts.
pub(super) fn file_row(
    owner: i64,
    parent: i64,
    name: &str,
    policy_id: i64,
    current: Option<&entity::Model>,
    now: chrono::DateTime<Utc>,
) -> file::ActiveModel {
    file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(file::kind::FILE),
        name: Set(name.to_owned()),
        owner_id: Set(owner),
        size: Set(current.map_or(0, |e| e.size)),
        parent_id: Set(Some(parent)),
        is_symbolic: Set(false),
        storage_policy_id: Set(Some(policy_id)),
        primary_entity: Set(current.map(|e| e.id)),
        ..Default::default()
    }
}

/// Adds the stored blob at `key` to `target` as a new version and makes it the current one
/// (then [`new_version_is_current`]), written by user `by`. The caller has charged the quota
/// and holds the owner's transaction. Shared by whole-body writes: small edits and WebDAV `PUT`.
pub(super) async fn add_current_version(
    txn: &DatabaseTransaction,
    target: file::Model,
    (key, size, policy_id): (&str, i64, i64),
    by: i64,
) -> Result<file::Model, UploadError> {
    let blob = insert_version(txn, by, key, size, policy_id).await?;
    link(txn, target.id, blob.id).await?;
    let replaced = target.primary_entity;
    let mut active = target.into_active_model();
    active.primary_entity = Set(Some(blob.id));
    active.size = Set(size);
    active.storage_policy_id = Set(Some(policy_id));
    active.updated_at = Set(blob.created_at);
    let updated = active.update(txn).await?;
    new_version_is_current(txn, &updated).await?;
    if let Some(replaced) = replaced {
        version::drop_if_empty(txn, &updated, replaced).await?;
    }
    Ok(updated)
}

/// Creates file `name` in folder `parent` with the stored blob at `key` as its only version.
/// A new file has no older versions, thumbnail or marks to settle, so none of
/// [`new_version_is_current`] applies: three statements instead of ten, which counts inside
/// the write lock that every writer of the database queues for.
pub(super) async fn insert_file_with_version(
    txn: &DatabaseTransaction,
    owner: i64,
    parent: i64,
    name: &str,
    blob: (&str, i64, i64),
    by: i64,
) -> Result<file::Model, UploadError> {
    let (key, size, policy_id) = blob;
    let entity = insert_version(txn, by, key, size, policy_id).await?;
    let file = insert_file(txn, owner, parent, name, policy_id, Some(&entity)).await?;
    link(txn, file.id, entity.id).await?;
    Ok(file)
}

/// The entity row of a stored blob that becomes a file's version, written by user `by`.
async fn insert_version(
    txn: &DatabaseTransaction,
    by: i64,
    key: &str,
    size: i64,
    policy_id: i64,
) -> Result<entity::Model, UploadError> {
    Ok(version_row(by, key, size, policy_id, Utc::now())
        .insert(txn)
        .await?)
}

/// The row [`insert_version`] inserts.
fn version_row(
    by: i64,
    key: &str,
    size: i64,
    policy_id: i64,
    now: chrono::DateTime<Utc>,
) -> entity::ActiveModel {
    entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(entity::kind::VERSION),
        source: Set(key.to_owned()),
        size: Set(size),
        reference_count: Set(1),
        storage_policy_id: Set(policy_id),
        created_by: Set(Some(by)),
        ..Default::default()
    }
}

/// A new file to create with its blob as its only version.
pub(super) struct NewFile<'a> {
    pub owner: i64,
    pub parent: i64,
    pub name: &'a str,
    pub key: &'a str,
    pub size: i64,
    pub policy_id: i64,
    /// Who wrote it (the version's author).
    pub by: i64,
}

/// [`insert_file_with_version`] for many files at once: three statements for all of them, the
/// last (the links) left in `deferred` for the caller to send. Returns the files in the order
/// of `new`. The files must be in different places (a clash fails the statement, and with it
/// the caller's transaction).
pub(super) async fn insert_files_with_versions(
    txn: &DatabaseTransaction,
    new: &[NewFile<'_>],
    deferred: &mut Deferred,
) -> Result<Vec<file::Model>, UploadError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let entities: HashMap<String, entity::Model> = entity::Entity::insert_many(
        new.iter()
            .map(|n| version_row(n.by, n.key, n.size, n.policy_id, now)),
    )
    .exec_with_returning(txn)
    .await?
    .into_iter()
    .map(|e| (e.source.clone(), e))
    .collect();
    let rows = new
        .iter()
        .map(|n| {
            let current = entities.get(n.key).ok_or(FsError::NotFound)?;
            Ok(file_row(
                n.owner,
                n.parent,
                n.name,
                n.policy_id,
                Some(current),
                now,
            ))
        })
        .collect::<Result<Vec<_>, UploadError>>()?;
    let mut files: HashMap<(i64, String), file::Model> = file::Entity::insert_many(rows)
        .exec_with_returning(txn)
        .await?
        .into_iter()
        .map(|f| ((f.parent_id.unwrap_or_default(), f.name.clone()), f))
        .collect();
    let mut out = Vec::with_capacity(new.len());
    for n in new {
        let file = files
            .remove(&(n.parent, n.name.to_owned()))
            .ok_or(FsError::NotFound)?;
        out.push(file);
    }
    let links = file_entity::Entity::insert_many(out.iter().map(|f| file_entity::ActiveModel {
        file_id: Set(f.id),
        entity_id: Set(f.primary_entity.unwrap_or_default()),
    }));
    deferred.push(txn.get_database_backend(), &links);
    Ok(out)
}

/// What follows a new version becoming current, whichever route wrote it: the oldest versions
/// beyond the cap go, and the old version's thumbnail is released (and a `thumb:disabled`
/// mark and the EXIF keys, which were about the old bytes, dropped).
pub(super) async fn new_version_is_current(
    txn: &DatabaseTransaction,
    file: &file::Model,
) -> Result<(), UploadError> {
    version::cap_versions(txn, file).await?;
    metadata::remove_with_namespaces(
        txn,
        file.id,
        &[thumb::DISABLED, thumb::ERROR],
        media_meta::NAMESPACES,
    )
    .await?;
    Ok(thumb::release(txn, file.id, None).await?)
}

/// The insert of the guard's record of an overwrite (`fs::watch::decide`), sent in the
/// transaction that makes the new version current, before the old one may be released.
pub(super) fn guard_insert(
    record: &crate::fs::watch::Record,
) -> sea_orm::Insert<stratus_entity::guard_change::ActiveModel> {
    stratus_entity::guard_change::Entity::insert(record.clone())
}

pub(crate) async fn link(
    db: &impl ConnectionTrait,
    file_id: i64,
    entity_id: i64,
) -> Result<(), UploadError> {
    file_entity::Entity::insert(file_entity::ActiveModel {
        file_id: Set(file_id),
        entity_id: Set(entity_id),
    })
    .on_conflict(
        OnConflict::columns([file_entity::Column::FileId, file_entity::Column::EntityId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

//! `POST /file/upload/:sessionId/:index`: receiving chunks, and completing the upload once
//! every chunk is in.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, sea_query::OnConflict,
};
use stratus_entity::{entity, file, file_entity, upload_session};

use super::{SESSION_META, SessionProps, UploadError, chunk_span, live_session};
use crate::{
    fs::{error::FsError, journal, lock, metadata, tx, uri::FileUri, version},
    media_meta,
    state::AppState,
    storage::{ByteStream, StorageError},
    thumb::store as thumb,
};

/// Whether the call finished the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkOutcome {
    /// More chunks are expected.
    Received,
    /// That was the last missing chunk; the file is complete.
    Completed,
}

/// Writes chunk `index` of session `session_id` for `user_id`. `declared` is the request's
/// `Content-Length`, which must equal the chunk's exact length (the streamed body is checked
/// too).
pub async fn put_chunk(
    state: &AppState,
    user_id: i64,
    session_id: &str,
    index: i64,
    declared: Option<u64>,
    body: ByteStream,
) -> Result<ChunkOutcome, UploadError> {
    let session = live_session(&state.db, session_id, user_id).await?;
    let props = SessionProps::from_row(&session)?;
    if props.upload_id.is_some() {
        return Err(UploadError::NotThisWay(
            "its chunks go straight to the bucket, with the session's upload URLs",
        ));
    }
    let (offset, len) =
        chunk_span(session.size, session.chunk_size, index).ok_or(UploadError::ChunkIndex)?;
    // An empty chunk may come without `Content-Length` (clients omit it for empty bodies);
    // its body is still checked to be empty while streaming.
    if declared.unwrap_or(0) != len as u64 || (declared.is_none() && len != 0) {
        return Err(UploadError::ChunkLength { index, len });
    }
    // Every chunk is already in, so the completion after the last one failed or was cut off
    // (the blob may already be in place, with the database not told). The chunk sent again
    // is the client retrying: the completion runs again, and the stored bytes stay as they
    // are, since a driver may have moved its partial blob away already.
    if props.all_received() {
        complete_session(state, &session).await?;
        return Ok(ChunkOutcome::Completed);
    }
    let driver = state.storage.driver(session.storage_policy_id).await?;
    driver
        .put_chunk(&props.key, index as u64, offset as u64, body, len as u64)
        .await?;

    // Mark the chunk under the owner's write lock, re-reading the row so that concurrent
    // chunks never lose each other's bits.
    let txn = tx::begin(&state.db, user_id).await?;
    let session = live_session(&txn, session_id, user_id).await?;
    let mut props = SessionProps::from_row(&session)?;
    // Only the request that sets the last missing bit completes: two last chunks racing
    // both see every bit set once both are marked, and must not both publish the blob.
    let was_complete = props.all_received();
    let mut bits = props.received.into_bytes();
    if let Some(bit) = bits.get_mut(index as usize) {
        *bit = b'1';
    }
    props.received = String::from_utf8(bits).expect("ascii");
    let complete = !was_complete && props.all_received();
    let mut active = session.into_active_model();
    active.props = Set(props.to_json());
    active.updated_at = Set(Utc::now());
    let session = active.update(&txn).await?;
    txn.commit().await?;
    if !complete {
        // `was_complete`: another request holds the completion; this chunk is in.
        return Ok(ChunkOutcome::Received);
    }
    complete_session(state, &session).await?;
    Ok(ChunkOutcome::Completed)
}

/// Adds the stored blob at `key` to `target` as a new version and makes it the current one
/// (then [`new_version_is_current`]). The caller has charged the quota and holds the owner's
/// transaction. Shared by whole-body writes: small edits and WebDAV `PUT`.
pub(super) async fn add_current_version(
    txn: &DatabaseTransaction,
    target: file::Model,
    key: &str,
    size: i64,
    policy_id: i64,
) -> Result<file::Model, UploadError> {
    let blob = insert_version(txn, target.owner_id, key, size, policy_id).await?;
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
) -> Result<file::Model, UploadError> {
    let (key, size, policy_id) = blob;
    let entity = insert_version(txn, owner, key, size, policy_id).await?;
    let file =
        super::create::insert_file(txn, owner, parent, name, policy_id, Some(&entity)).await?;
    link(txn, file.id, entity.id).await?;
    Ok(file)
}

/// The entity row of a stored blob that becomes a file's version.
async fn insert_version(
    txn: &DatabaseTransaction,
    owner: i64,
    key: &str,
    size: i64,
    policy_id: i64,
) -> Result<entity::Model, UploadError> {
    Ok(version_row(owner, key, size, policy_id, Utc::now())
        .insert(txn)
        .await?)
}

/// The row [`insert_version`] inserts.
fn version_row(
    owner: i64,
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
        created_by: Set(Some(owner)),
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
}

/// [`insert_file_with_version`] for many files at once: three statements for all of them.
/// Returns the files in the order of `new`. The files must be in different places (a clash
/// fails the statement, and with it the caller's transaction).
pub(super) async fn insert_files_with_versions(
    txn: &DatabaseTransaction,
    new: &[NewFile<'_>],
) -> Result<Vec<file::Model>, UploadError> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let entities: HashMap<String, entity::Model> = entity::Entity::insert_many(
        new.iter()
            .map(|n| version_row(n.owner, n.key, n.size, n.policy_id, now)),
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
            Ok(super::create::file_row(
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
    file_entity::Entity::insert_many(out.iter().map(|f| file_entity::ActiveModel {
        file_id: Set(f.id),
        entity_id: Set(f.primary_entity.unwrap_or_default()),
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(out)
}

/// What follows a new version becoming current, whichever route wrote it: the oldest versions
/// beyond the cap go, and the old version's thumbnail is released (and a `thumb:disabled`
/// mark and the EXIF keys, which were about the old bytes, dropped).
async fn new_version_is_current(
    txn: &DatabaseTransaction,
    file: &file::Model,
) -> Result<(), UploadError> {
    version::cap_versions(txn, file).await?;
    metadata::remove_with_namespaces(txn, file.id, &[thumb::DISABLED], &[media_meta::NAMESPACE])
        .await?;
    Ok(thumb::release(txn, file.id, None).await?)
}

/// Finishes an upload whose chunks are all in: verifies and publishes the blob, then turns
/// the placeholder into the file (or the new entity into the file's current version, capping
/// the kept versions), drops the session and its lock, all in one transaction. Completing
/// twice is harmless: the second call finds no session and does nothing.
pub async fn complete_session(
    state: &AppState,
    session: &upload_session::Model,
) -> Result<(), UploadError> {
    let props = SessionProps::from_row(session)?;
    let driver = state.storage.driver(session.storage_policy_id).await?;
    driver
        .complete_upload(&props.key, session.size as u64)
        .await
        .map_err(|e| match e {
            StorageError::LengthMismatch { expected, got } => {
                UploadError::SizeMismatch { expected, got }
            }
            other => other.into(),
        })?;

    let owner = session.user_id;
    let txn = tx::begin(&state.db, owner).await?;
    let deleted = upload_session::Entity::delete_many()
        .filter(upload_session::Column::Id.eq(session.id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        // Completed (or cancelled) by a concurrent request.
        return Ok(());
    }
    let (Some(file_id), Some(entity_id)) = (session.file_id, session.entity_id) else {
        return Err(UploadError::SessionGone);
    };
    let now = Utc::now();
    let modified = props
        .last_modified
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .unwrap_or(now);
    entity::Entity::update_many()
        .col_expr(
            entity::Column::UploadSessionId,
            Option::<String>::None.into(),
        )
        .col_expr(entity::Column::Size, session.size.into())
        .col_expr(entity::Column::UpdatedAt, modified.into())
        .filter(entity::Column::Id.eq(entity_id))
        .exec(&txn)
        .await?;
    let target = file::Entity::find_by_id(file_id)
        .one(&txn)
        .await?
        .ok_or(UploadError::SessionGone)?;
    let mut active = target.into_active_model();
    active.size = Set(session.size);
    active.primary_entity = Set(Some(entity_id));
    active.storage_policy_id = Set(Some(session.storage_policy_id));
    active.updated_at = Set(now);
    let target = active.update(&txn).await?;
    link(&txn, file_id, entity_id).await?;
    if props.version {
        new_version_is_current(&txn, &target).await?;
    }
    metadata::remove(&txn, file_id, &[SESSION_META, thumb::DISABLED]).await?;
    if !props.metadata.is_empty() {
        metadata::apply(&txn, file_id, &props.metadata).await?;
    }
    lock::force_release(&txn, owner, std::slice::from_ref(&props.lock_token)).await?;
    // The session's URI is where the file is: the upload lock kept it there.
    let path = match FileUri::parse(&session.uri) {
        Ok(uri) => uri,
        Err(_) => crate::fs::nav::uri_of(&txn, &target).await?,
    };
    journal::record(&txn, &[journal::modified(&target, &path)]).await?;
    txn.commit().await?;
    tracing::debug!(session = %session.session_id, size = session.size, "upload completed");
    media_meta::queue_for(state, &target).await;
    crate::fts::queue_for(state, &target).await;
    Ok(())
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

//! `DELETE /file/upload` and the expiry sentinel: dropping a session with everything it
//! holds (placeholder file or new entity, quota reservation, upload lock, partial blob); the
//! sentinel also settles what instances that are gone left in their journals.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use stratus_entity::{entity, file, file_entity, metadata, upload_session};

use super::{SessionProps, UploadError};
use crate::{
    fs::{journal, lock, quota, tx, uri::FileUri},
    state::AppState,
    storage::pending,
};

/// Sessions the sentinel handles per database round.
const SWEEP_BATCH: u64 = 100;

/// Cancels session `session_id` of `user_id`. `uri`, when given, must be the session's
/// target. Unknown sessions and other users' sessions are [`UploadError::SessionGone`] and
/// nothing is touched;
/// an expired session of the caller may still be cancelled.
pub async fn cancel(
    state: &AppState,
    user_id: i64,
    session_id: &str,
    uri: Option<&FileUri>,
) -> Result<(), UploadError> {
    let row = upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(session_id))
        .one(&state.db)
        .await?
        .filter(|s| super::drives(s, user_id))
        .ok_or(UploadError::SessionGone)?;
    if let Some(uri) = uri
        && FileUri::parse(&row.uri).ok().map(|u| u.segments().to_vec())
            != Some(uri.segments().to_vec())
    {
        return Err(UploadError::SessionElsewhere);
    }
    if discard(state, &row).await? {
        Ok(())
    } else {
        Err(UploadError::SessionGone)
    }
}

/// Cancels every session past its expiry; returns how many were dropped. Safe to run on
/// several instances at once (each session is dropped by whoever gets there first).
///
/// First it settles the journals of instances that are gone (see [`pending::recover`]): a
/// killed instance's open multipart uploads (a relayed completion or a long WebDAV PUT cut
/// mid-stream, a direct upload opened and not yet named by its session) are aborted by the
/// instances still running, rather than staying in the bucket until some instance starts.
pub async fn collect_expired_sessions(state: &AppState) -> Result<u64, UploadError> {
    if let Err(e) = pending::recover(&state.config.data_dir, &state.db, &state.storage).await {
        tracing::warn!(error = %e, "could not read the journals of stopped instances");
    }
    let mut dropped = 0;
    let mut after = 0i64;
    loop {
        let rows = upload_session::Entity::find()
            .filter(upload_session::Column::ExpiresAt.lte(Utc::now()))
            .filter(upload_session::Column::Id.gt(after))
            .order_by_asc(upload_session::Column::Id)
            .limit(SWEEP_BATCH)
            .all(&state.db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            match discard(state, row).await {
                Ok(true) => dropped += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(session = %row.session_id, error = %err, "could not drop an expired upload session");
                }
            }
        }
    }
    Ok(dropped)
}

/// Drops `row` and what it holds. `false` when the session was already gone (completed or
/// cancelled concurrently).
pub(crate) async fn discard(
    state: &AppState,
    row: &upload_session::Model,
) -> Result<bool, UploadError> {
    let props = SessionProps::from_row(row)?;
    let owner = row.user_id;
    let txn = tx::begin(&state.db, owner).await?;
    let deleted = upload_session::Entity::delete_many()
        .filter(upload_session::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Ok(false);
    }
    if let Some(entity_id) = row.entity_id {
        file_entity::Entity::delete_many()
            .filter(file_entity::Column::EntityId.eq(entity_id))
            .exec(&txn)
            .await?;
        entity::Entity::delete_many()
            .filter(entity::Column::Id.eq(entity_id))
            .filter(entity::Column::UploadSessionId.eq(row.session_id.as_str()))
            .exec(&txn)
            .await?;
    }
    if let Some(file_id) = row.file_id.filter(|_| !props.version && !props.live_photo) {
        // Only the placeholder itself: a file that completed meanwhile has a primary entity.
        let placeholder = file::Entity::find_by_id(file_id)
            .filter(file::Column::PrimaryEntity.is_null())
            .one(&txn)
            .await?;
        if let Some(placeholder) = placeholder {
            // Announced when the session began; its path is the session's, held by its lock.
            if let Ok(path) = FileUri::parse(&row.uri) {
                journal::record(&txn, &[journal::deleted(&placeholder, &path)]).await?;
            }
            file_entity::Entity::delete_many()
                .filter(file_entity::Column::FileId.eq(file_id))
                .exec(&txn)
                .await?;
            metadata::Entity::delete_many()
                .filter(metadata::Column::FileId.eq(file_id))
                .exec(&txn)
                .await?;
            file::Entity::delete_by_id(file_id).exec(&txn).await?;
        }
    }
    quota::release(&txn, owner, props.reserved).await?;
    lock::force_release(&txn, owner, std::slice::from_ref(&props.lock_token)).await?;
    txn.commit().await?;
    if let Some(upload_id) = &props.upload_id {
        discard_direct(state, row.storage_policy_id, &props.key, upload_id).await;
    }
    discard_blob(state, row.storage_policy_id, &props.key).await?;
    Ok(true)
}

/// Removes what the storage holds for a session whose row is gone: the partial upload (a
/// local `.stratus-part-*` file, an S3 multipart upload) and, when a completion raced with
/// the cancel, the published blob. Failures are logged: the blob is unnamed either way.
pub(crate) async fn discard_blob(
    state: &AppState,
    policy_id: i64,
    key: &str,
) -> Result<(), UploadError> {
    let driver = state.storage.driver(policy_id).await?;
    if let Err(err) = driver.abort_upload(key).await {
        tracing::warn!(key, error = %err, "could not discard a partial upload");
    }
    if let Err(err) = driver.delete(&[key.to_owned()]).await {
        tracing::warn!(key, error = %err, "could not delete a cancelled upload");
    }
    Ok(())
}

/// Aborts the direct upload `upload_id` of a session that is gone, with the parts the client
/// sent to it. Failures are logged: nothing refers to the upload any more.
pub(crate) async fn discard_direct(state: &AppState, policy_id: i64, key: &str, upload_id: &str) {
    let aborted = match state.storage.driver(policy_id).await {
        Ok(driver) => driver.abort_direct_upload(key, upload_id).await,
        Err(e) => Err(e),
    };
    if let Err(err) = aborted {
        tracing::warn!(key, error = %err, "could not abort an upload at the bucket");
    }
}

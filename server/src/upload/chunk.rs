//! `POST /file/upload/:sessionId/:index`: receiving chunks, and completing the upload once
//! every chunk is in.

use chrono::{TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use stratus_entity::{entity, file, upload_session};

use super::{SESSION_META, SessionProps, UploadError, chunk_span, live_session, rows};
use crate::{
    auth::caller::SignedIn,
    fs::{journal, lock, metadata, tx, uri::FileUri},
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

/// Writes chunk `index` of session `session_id` for `me`. `declared` is the request's
/// `Content-Length`, which must equal the chunk's exact length (the streamed body is checked
/// too).
pub async fn put_chunk(
    state: &AppState,
    me: &SignedIn,
    session_id: &str,
    index: i64,
    declared: Option<u64>,
    body: ByteStream,
) -> Result<ChunkOutcome, UploadError> {
    let user_id = me.user.id;
    let session = live_session(&state.db, session_id, user_id).await?;
    let props = SessionProps::from_row(&session)?;
    super::granted::recheck(state, me, &props).await?;
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
    let txn = tx::begin(&state.db, session.user_id).await?;
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
    let target = if props.live_photo {
        super::live_photo::attach(&txn, &target, entity_id).await?;
        target
    } else {
        make_current(&txn, target, session, &props, entity_id, now).await?
    };
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
    if !props.live_photo {
        media_meta::queue_for(state, &target).await;
        crate::fts::queue_for(state, &target).await;
    }
    Ok(())
}

/// Makes the uploaded entity the file's current version: the placeholder becomes the file,
/// or an existing file gets its new version (capping the kept ones).
async fn make_current(
    txn: &DatabaseTransaction,
    target: file::Model,
    session: &upload_session::Model,
    props: &SessionProps,
    entity_id: i64,
    now: chrono::DateTime<Utc>,
) -> Result<file::Model, UploadError> {
    let file_id = target.id;
    let mut active = target.into_active_model();
    active.size = Set(session.size);
    active.primary_entity = Set(Some(entity_id));
    active.storage_policy_id = Set(Some(session.storage_policy_id));
    active.updated_at = Set(now);
    let target = active.update(txn).await?;
    rows::link(txn, file_id, entity_id).await?;
    if props.version {
        rows::new_version_is_current(txn, &target).await?;
    }
    metadata::remove(txn, file_id, &[SESSION_META, thumb::DISABLED, thumb::ERROR]).await?;
    Ok(target)
}

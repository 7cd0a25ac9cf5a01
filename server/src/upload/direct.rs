//! Finishing uploads the client sent straight to a bucket (spec §6.2, §6.3): after completing
//! the multipart upload with the session's presigned URL, the client calls
//! `/callback/<type>/<session>/<key>`. The key is the session's callback secret, compared in
//! constant time; the object's size is then checked against the session before the upload is
//! published by the same completion as chunked uploads ([`complete_session`]).
//!
//! The session itself is opened by [`super::create`] (the driver's
//! [`crate::storage::StorageDriver::begin_direct_upload`]); one never completed is aborted
//! at the bucket when it is cancelled or expires ([`super::cancel`]).

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::upload_session;
use subtle::ConstantTimeEq;

use super::{SessionProps, UploadError, cancel, chunk::complete_session};
use crate::{state::AppState, storage::StorageError};

/// Completes direct upload `session_id` for a callback of a `policy_type` policy carrying
/// `key`. A wrong key changes nothing ([`UploadError::CallbackKey`]); an object that is not
/// there yet leaves the session open ([`UploadError::NotUploaded`]); an object of another
/// size than announced is deleted with the session and its placeholder
/// ([`UploadError::SizeMismatch`]).
pub async fn finish(
    state: &AppState,
    policy_type: &str,
    session_id: &str,
    key: &str,
) -> Result<(), UploadError> {
    let session = upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(session_id))
        .one(&state.db)
        .await?
        .filter(|s| s.expires_at > Utc::now())
        .ok_or(UploadError::SessionGone)?;
    let props = SessionProps::from_row(&session)?;
    if !bool::from(key.as_bytes().ct_eq(props.callback_secret.as_bytes())) {
        return Err(UploadError::CallbackKey);
    }
    let policy = state
        .storage
        .policy(session.storage_policy_id)
        .await?
        .ok_or(UploadError::PolicyMissing)?;
    if props.upload_id.is_none() || policy.r#type != policy_type {
        return Err(UploadError::NotThisWay(
            "the callback is not the one of this session's storage",
        ));
    }
    match complete_session(state, &session).await {
        Err(UploadError::Storage(StorageError::NotFound)) => Err(UploadError::NotUploaded),
        Err(err @ UploadError::SizeMismatch { .. }) => {
            // The parts the client sent are not the file it announced: nothing is kept.
            cancel::discard(state, &session).await?;
            Err(err)
        }
        other => other,
    }
}

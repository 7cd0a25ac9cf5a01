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
use stratus_entity::{node, storage_policy::kind, upload_session};
use subtle::ConstantTimeEq;

use super::{SessionProps, UploadError, cancel, chunk::complete_session};
use crate::{
    state::AppState,
    storage::{StorageError, remote::protocol},
};

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
    let session = live(state, session_id).await?;
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

async fn live(state: &AppState, session_id: &str) -> Result<upload_session::Model, UploadError> {
    upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(session_id))
        .one(&state.db)
        .await?
        .filter(|s| s.expires_at > Utc::now())
        .ok_or(UploadError::SessionGone)
}

/// Completes upload `session_id` for the call of the slave node that received its chunks
/// (`POST /callback/remote/<session>/<key>`): the request must be signed with the key of
/// the node the session's policy names (`authorization`, over `path` and the `X-Cr-*`
/// `headers`, good for the protocol's TTL), and carry the session's callback secret; then
/// the node is asked for the blob's size and the upload is published like any other.
pub async fn finish_remote(
    state: &AppState,
    session_id: &str,
    key: &str,
    signed: &SignedCall<'_>,
) -> Result<(), UploadError> {
    let session = live(state, session_id).await?;
    let policy = state
        .storage
        .policy(session.storage_policy_id)
        .await?
        .ok_or(UploadError::PolicyMissing)?;
    let node = match policy.node_id {
        Some(id) => node::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    }
    .filter(|n| n.deleted_at.is_none())
    .ok_or(UploadError::NotThisWay(
        "the session's storage is on no node",
    ))?;
    protocol::verify_request(
        node.slave_key.as_bytes(),
        signed.authorization,
        signed.path,
        signed.headers,
        "",
        protocol::Horizon::Request,
    )
    .map_err(|_| UploadError::CallbackKey)?;
    finish(state, kind::REMOTE, session_id, key).await
}

/// What a signed call from a node brings besides its route parameters.
pub struct SignedCall<'a> {
    pub authorization: Option<&'a str>,
    /// The decoded path the signature covers.
    pub path: &'a str,
    pub headers: &'a [(String, String)],
}

/// The master's own base URL, which nodes call back: the primary `siteURL`. Without one
/// configured, uploads to nodes are refused (a base taken from a request's `Host` could be
/// anyone's).
pub async fn master_base(state: &AppState) -> Result<String, UploadError> {
    let setting = state.settings.get("siteURL").await?;
    let primary = setting
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .trim_end_matches('/');
    if primary.is_empty() {
        return Err(UploadError::NotThisWay(
            "uploads to a storage node need the site URL (siteURL) the node calls back",
        ));
    }
    Ok(primary.to_owned())
}

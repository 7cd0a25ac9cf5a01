//! Chunked upload sessions (spec §6): create a session, receive chunks, complete, cancel.
//!
//! Everything a session needs lives in the database (`upload_sessions`, a placeholder file and
//! entity, an upload lock), and chunks are written at their offsets into the driver's partial
//! blob, so chunks may reach any instance and a session survives a restart.
//!
//! * [`create`]: checks the request, reserves the size against the group quota, creates the
//!   parent folders, the placeholder file (or, for `entity_type: "version"`, only a new entity
//!   of the existing file; for `"live_photo"`, an extra entity of an existing picture, see
//!   [`live_photo`]), the session row and the upload lock in one owner transaction;
//!   only then does the driver prepare the upload (and reserve the space on disk), and a
//!   session whose upload cannot begin is dropped again with all it holds.
//! * [`chunk`]: writes one chunk, marks it in the session's bitmap and completes the upload
//!   once every chunk is in. An empty file has one empty chunk (index 0), which completes it.
//! * [`direct`]: uploads the client sends straight to a bucket with presigned URLs; the
//!   client's callback completes them once the object's size is checked.
//! * [`edit`]: `PUT /file/content`, a whole new version in one request.
//! * [`empty`]: `POST /file/create` of a file, which starts with a 0-byte version.
//! * [`stream`]: writes a whole file (or a new version) from one request body of known or
//!   unknown length, for WebDAV `PUT`; same quota, name, policy and lock rules.
//! * [`commit`]: publishes what [`stream`] wrote; the publishes waiting at one moment share
//!   one transaction ([`batch_reads`]: what such a batch reads once; [`deferred`]: the writes
//!   it sends together).
//! * [`adopt`]: a blob already in storage published as a new file (imports).
//! * [`copy_over`]: another file's current blob made a file's new version (S3 server-side
//!   copy onto an existing key), referenced, not copied.
//! * [`policy`]: the caller's storage policy and its name and size rules, checked by every
//!   route above before it writes.
//! * [`rows`]: the rows they write: folders on the way, file, version entity and link.
//! * [`cancel`]: deletes a session with its placeholder, releases the reservation and lock;
//!   [`collect_expired_sessions`] does the same for sessions past their expiry.
//!
//! Quota: the reservation made at creation *is* the charge; completion changes nothing in
//! `users.storage`. For a new version the new entity is charged and the older versions stay
//! charged (Cloudreve's per-entity storage diffs) until the owner's version cap drops them
//! ([`crate::fs::version::cap_versions`], applied at completion).

pub mod adopt;
mod batch_reads;
pub mod cancel;
pub mod chunk;
pub mod commit;
pub mod copy_over;
pub mod create;
mod deferred;
pub mod direct;
pub mod edit;
pub mod empty;
pub mod error;
pub mod granted;
mod live_photo;
pub mod policy;
pub mod rows;
pub mod stream;
pub mod transfer;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stratus_entity::{storage_policy, upload_session};

pub use cancel::{cancel, collect_expired_sessions};
pub use error::UploadError;

/// `owner.application.type` of upload locks.
pub const LOCK_APP: &str = "upload";
/// Chunk size when the policy does not set one.
pub const DEFAULT_CHUNK_SIZE: i64 = 25 * 1024 * 1024;
/// Session lifetime when the setting is missing or invalid.
pub const DEFAULT_TTL_SECS: i64 = 86_400;
/// Private metadata key linking a placeholder file to its session.
pub const SESSION_META: &str = "sys:upload_session_id";

/// What the `props` JSON of an `upload_sessions` row holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionProps {
    /// Blob key in the session's storage policy.
    pub key: String,
    /// One character per chunk, `1` once received.
    pub received: String,
    /// Secret for callback URLs.
    pub callback_secret: String,
    /// Token of the upload lock on the target path.
    pub lock_token: String,
    /// True when the upload adds a version to an existing file.
    #[serde(default)]
    pub version: bool,
    /// True when the upload is the live photo of an existing picture ([`live_photo`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_photo: bool,
    /// Bytes reserved in the owner's quota.
    pub reserved: i64,
    #[serde(default)]
    pub last_modified: Option<i64>,
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Client metadata, applied at completion.
    #[serde(default)]
    pub metadata: Vec<(String, String)>,
    /// The provider's multipart upload id when the client uploads straight to the bucket
    /// ([`direct`]); `None` when chunks come through Stratus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_id: Option<String>,
    /// Into another owner's folder ([`granted`]): the user who drives the session, and their
    /// URI of the folder, whose grant every chunk checks again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploader: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_folder: Option<String>,
}

impl SessionProps {
    pub fn from_row(row: &upload_session::Model) -> Result<Self, UploadError> {
        serde_json::from_value(row.props.clone()).map_err(UploadError::CorruptSession)
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("serializable")
    }

    /// True when every chunk has been received.
    pub fn all_received(&self) -> bool {
        !self.received.is_empty() && self.received.bytes().all(|b| b == b'1')
    }
}

/// Number of chunks of an upload: an empty file has one (empty) chunk; chunk size 0 means
/// the whole file in one request.
pub fn chunk_count(size: i64, chunk_size: i64) -> i64 {
    if size <= 0 || chunk_size <= 0 {
        1
    } else {
        // Rounded up without `size + chunk_size - 1`, which overflows near `i64::MAX`.
        (size - 1) / chunk_size + 1
    }
}

/// `(offset, length)` of chunk `index`, or `None` when out of range.
pub fn chunk_span(size: i64, chunk_size: i64, index: i64) -> Option<(i64, i64)> {
    if index < 0 || index >= chunk_count(size, chunk_size) {
        return None;
    }
    if chunk_size <= 0 {
        return Some((0, size.max(0)));
    }
    let offset = index * chunk_size;
    Some((offset, chunk_size.min(size - offset).max(0)))
}

/// The chunk size a policy asks for (`settings.chunk_size`, default 25 MiB; 0 = one request).
pub fn policy_chunk_size(policy: &storage_policy::Model) -> i64 {
    match policy.settings.get("chunk_size") {
        Some(Value::Number(n)) => n.as_i64().filter(|n| *n >= 0).unwrap_or(DEFAULT_CHUNK_SIZE),
        Some(Value::String(s)) => s
            .parse()
            .ok()
            .filter(|n| *n >= 0)
            .unwrap_or(DEFAULT_CHUNK_SIZE),
        _ => DEFAULT_CHUNK_SIZE,
    }
}

/// The live session `session_id` of `user_id` (its owner, or the uploader of a session into
/// another owner's folder); unknown, expired or another user's: [`UploadError::SessionGone`].
pub async fn live_session(
    db: &impl ConnectionTrait,
    session_id: &str,
    user_id: i64,
) -> Result<upload_session::Model, UploadError> {
    upload_session::Entity::find()
        .filter(upload_session::Column::SessionId.eq(session_id))
        .one(db)
        .await?
        .filter(|s| drives(s, user_id) && s.expires_at > Utc::now())
        .ok_or(UploadError::SessionGone)
}

/// Whether `user_id` drives session `row`: its owner, or the recipient uploading into it.
pub fn drives(row: &upload_session::Model, user_id: i64) -> bool {
    row.user_id == user_id || SessionProps::from_row(row).is_ok_and(|p| p.uploader == Some(user_id))
}

/// Upload sessions not yet expired, of every user and instance (`/metrics`).
pub async fn open_sessions(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    upload_session::Entity::find()
        .filter(upload_session::Column::ExpiresAt.gt(Utc::now()))
        .count(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_file() {
        assert_eq!(chunk_count(0, 10), 1);
        assert_eq!(chunk_span(0, 10, 0), Some((0, 0)));
        assert_eq!(chunk_span(0, 10, 1), None);
        assert_eq!(chunk_count(10, 10), 1);
        assert_eq!(chunk_count(11, 10), 2);
        assert_eq!(chunk_span(25, 10, 2), Some((20, 5)));
        assert_eq!(chunk_span(20, 10, 1), Some((10, 10)));
        assert_eq!(chunk_span(20, 10, 2), None);
        assert_eq!(chunk_span(20, 10, -1), None);
        assert_eq!(chunk_span(7, 0, 0), Some((0, 7)));
        assert_eq!(chunk_count(7, 0), 1);
        assert_eq!(chunk_count(i64::MAX, 1 << 20), i64::MAX / (1 << 20) + 1);
    }
}

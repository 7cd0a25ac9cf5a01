//! What an upload, an edit or a streamed write can fail with, in the upload's own words.
//! The envelope code of each is chosen in `api/errors/upload.rs`, the WebDAV status in
//! `dav/error.rs`.

use sea_orm::DbErr;

use crate::{fs::error::FsError, storage::StorageError};

/// An upload failure.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// A request field is malformed; the text names the field.
    #[error("{0}")]
    Invalid(String),
    /// The same path is being uploaded by a live session.
    #[error("a file with the same name is being uploaded")]
    UploadOngoing,
    /// The session is unknown, expired or another user's.
    #[error("upload session expired or not found")]
    SessionGone,
    /// The session does not upload the file the request names.
    #[error("the session does not upload this file")]
    SessionElsewhere,
    /// The session row cannot be read.
    #[error("corrupt upload session")]
    CorruptSession(#[source] serde_json::Error),
    /// The chunk index is outside the upload.
    #[error("invalid chunk index")]
    ChunkIndex,
    /// The declared length of a chunk is not the chunk's length.
    #[error("chunk {index} must be exactly {len} bytes")]
    ChunkLength { index: i64, len: i64 },
    /// The stored upload does not have the announced size.
    #[error("the upload has {got} bytes, {expected} were announced")]
    SizeMismatch { expected: u64, got: u64 },
    /// The session's chunks do not go through Stratus (they go straight to the bucket), or
    /// a callback names another kind of storage than the session's.
    #[error("this upload session does not take that request: {0}")]
    NotThisWay(&'static str),
    /// A live photo upload names no picture: nothing, a folder or an empty file is there.
    #[error("there is no picture to attach the live photo to")]
    NoPicture,
    /// A callback's key is not the session's callback secret.
    #[error("invalid callback key")]
    CallbackKey,
    /// The client calls the callback before the object is in the bucket.
    #[error("the object is not in the bucket yet: complete the multipart upload first")]
    NotUploaded,
    /// The caller's group has no storage policy.
    #[error("your group cannot upload")]
    GroupCannotUpload,
    /// The group's storage policy is gone.
    #[error("storage policy does not exist")]
    PolicyMissing,
    /// The file is larger than the policy allows.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: i64 },
    /// An edit is larger than `maxEditSize`.
    #[error("edits are limited to {limit} bytes")]
    EditTooLarge { limit: u64 },
    /// The policy's extension list or name pattern refuses the file's name; the text says
    /// which.
    #[error("{0}")]
    NameRefused(String),
    /// Only the owner may write new content.
    #[error("only the owner can do this")]
    OwnerOnly,
    /// The file changed since the editor loaded it.
    #[error("the file has been changed by someone else")]
    StaleVersion,
    /// The process is stopping and its publish queue with it.
    #[error("the commit queue stopped")]
    Stopped,
    /// The storage driver failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A file-system rule refused (name, quota, locks, the target).
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<crate::fs::uri::UriError> for UploadError {
    fn from(err: crate::fs::uri::UriError) -> Self {
        Self::Fs(err.into())
    }
}

impl From<crate::fs::lock::LockError> for UploadError {
    fn from(err: crate::fs::lock::LockError) -> Self {
        Self::Fs(err.into())
    }
}

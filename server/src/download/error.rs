//! What serving or linking content can fail with. The envelope code and the HTTP status of
//! each are chosen in `api/errors/download.rs`.

use sea_orm::DbErr;

use crate::{fs::error::FsError, storage::StorageError};

/// A download failure.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The `:name` of a content URL cannot name a stored file; the text says why.
    #[error("{0}")]
    BadName(String),
    /// The signed route was requested without a signature.
    #[error("missing signature")]
    NoSignature,
    /// The signature does not match; the text says how.
    #[error("{0}")]
    BadSignature(String),
    /// The signature has expired.
    #[error("this link has expired")]
    Expired,
    /// A URL bound to a one-download record was served from its first byte already.
    #[error("this download link was used already")]
    UsedOnce,
    /// A visitor of a share named a version: visitors get only a file's current one.
    #[error("only the owner may use other versions of a shared file")]
    OwnerOnly,
    /// No servable blob: a folder, a blob still uploading, a missing version.
    #[error("entity does not exist")]
    EntityMissing,
    /// No direct link of the caller's files has this id (revoking).
    #[error("Direct link not found")]
    LinkNotFound,
    /// The direct link does not exist, or its file or owner is gone.
    #[error("this link does not exist")]
    LinkGone,
    /// The share the URL was made through no longer serves it.
    #[error(transparent)]
    Share(FsError),
    /// Reading the blob failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

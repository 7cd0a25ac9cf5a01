//! What asking for a thumbnail can fail with. The envelope code of each is chosen in
//! `api/errors/thumb.rs`.

use sea_orm::DbErr;

use crate::{download::DownloadError, fs::error::FsError, storage::StorageError};

/// A thumbnail failure.
#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    /// The file has no thumbnail and none is made for it (folder, empty file, a type or size
    /// the generator does not take, a picture that could not be decoded).
    #[error("no thumbnail for this file")]
    Unavailable,
    /// The worker slots are closed.
    #[error("no thumbnail worker: {0}")]
    Workers(#[from] tokio::sync::AcquireError),
    /// Resolving the file failed.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// Picking the source blob failed.
    #[error(transparent)]
    Source(#[from] DownloadError),
    /// Reading the source or writing the thumbnail failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

//! What making or opening an archive session can fail with. The envelope code and HTTP
//! status of each are chosen in `api/errors/archive.rs`. (A zip that fails midway only ends
//! its body: see [`super::stream::BuildError`].)

use sea_orm::DbErr;

use crate::{download::DownloadError, fs::error::FsError, queue::QueueError};

/// An archive failure.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The caller's group may not download archives.
    #[error("your group may not download archives")]
    NotAllowed,
    /// The caller's group may not run archive tasks.
    #[error("your group is not allowed to do this")]
    TaskNotAllowed,
    /// A request field is malformed; the message names it.
    #[error("{0}")]
    Invalid(&'static str),
    /// The task could not be queued.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The requester's group lost the permission since the session was made.
    #[error("your group is not allowed to do this")]
    NoLongerAllowed,
    /// Some of the URIs cannot be downloaded: each with why, out of `total`.
    #[error("{} of {total} items cannot be downloaded", failures.len())]
    Items {
        total: usize,
        failures: Vec<(String, FsError)>,
    },
    /// The session URL's signature is missing, wrong or expired.
    #[error(transparent)]
    Signature(DownloadError),
    /// No such session: never made, expired, or its one download was served.
    #[error("this archive has expired or was downloaded already")]
    Gone,
    /// A session could not be stored or read back.
    #[error("the archive session cannot be read: {0}")]
    Session(#[from] serde_json::Error),
    /// A file-system rule refused.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

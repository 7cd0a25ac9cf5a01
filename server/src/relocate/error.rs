//! `RelocateError`: why a relocation cannot be queued.

use sea_orm::DbErr;

use crate::{fs::error::FsError, queue::QueueError};

#[derive(Debug, thiserror::Error)]
pub enum RelocateError {
    /// A request field is malformed; the text names the field.
    #[error("{0}")]
    Invalid(String),
    /// The target policy does not exist (or was deleted).
    #[error("storage policy does not exist")]
    PolicyNotFound,
    /// The caller's group may not store in the target policy.
    #[error("your group cannot use this storage policy")]
    PolicyNotAllowed,
    /// A source is not the caller's, or not in the caller's drive.
    #[error("only the owner can relocate a file")]
    NotOwner,
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

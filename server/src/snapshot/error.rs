//! `SnapshotError`: why a snapshot or a schedule cannot be taken, read or deleted.

use sea_orm::DbErr;

use crate::{fs::error::FsError, queue::QueueError};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A request field is malformed; the text names the field.
    #[error("{0}")]
    Invalid(String),
    /// The caller's group may not take snapshots.
    #[error("your group is not allowed to take snapshots")]
    NotAllowed,
    /// Snapshots are of folders only.
    #[error("only folders can be snapshotted")]
    NotFolder,
    /// Snapshots are of the caller's own drive only (`cloudreve://my/...`).
    #[error("only folders of your own drive can be snapshotted")]
    NotMyDrive,
    /// The folder has as many manual snapshots as the group allows.
    #[error("at most {0} snapshots per folder; delete one first")]
    TooManyPerFolder(u64),
    /// The caller has as many schedules as the group allows.
    #[error("at most {0} snapshot schedules; delete one first")]
    TooManySchedules(u64),
    /// No such snapshot or schedule, or not the caller's.
    #[error("snapshot not found")]
    NotFound,
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

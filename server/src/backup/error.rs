//! What the backup services fail with, in their own words; `api/errors/backup.rs` maps each
//! case to its envelope code.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A field of the request is missing, malformed or out of range; the text names it.
    #[error("{0}")]
    Invalid(String),
    /// The schedule is not one Stratus reads; the text says why.
    #[error("schedule: {0}")]
    Schedule(String),
    #[error("backup target not found")]
    TargetNotFound,
    #[error("backup task not found")]
    TaskNotFound,
    #[error("backup record not found")]
    RecordNotFound,
    /// These tasks still write to the target.
    #[error("the backup target is used by tasks {0}")]
    TargetInUse(String),
    /// The target refused the test write, read or delete; the driver's words.
    #[error("target test failed: {0}")]
    TargetTest(String),
    /// A run of the task is queued or running already.
    #[error("a run of this backup task is already queued or running")]
    Busy,
    /// The task holds as many manual records as it may; older ones must be deleted first.
    #[error("the task already has {0} manual backups; delete one before running it again")]
    TooManyManual(u64),
    /// A record that is still running cannot be deleted.
    #[error("the backup is still running")]
    Running,
    /// The target's storage failed; the driver's words.
    #[error("{0}")]
    Storage(String),
    /// The target's storage (a bucket, a node) could not be reached; the driver's words.
    #[error("{0}")]
    Unreachable(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl BackupError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }
}

impl From<crate::storage::StorageError> for BackupError {
    fn from(err: crate::storage::StorageError) -> Self {
        match err {
            crate::storage::StorageError::Unreachable(_) => Self::Unreachable(err.to_string()),
            other => Self::Storage(other.to_string()),
        }
    }
}

//! What a file-system operation can fail with, and the envelope code of each.

use sea_orm::DbErr;

use crate::api::envelope::{ApiError, ErrorCode};

/// A file-system failure. Callers that may not see an object get [`FsError::NotFound`]
/// whether or not it exists, so nothing is learned about other users' files.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// The object does not exist, or the caller may not know it does.
    #[error("object not found")]
    NotFound,
    /// A folder on the path does not exist.
    #[error("parent folder does not exist")]
    ParentNotExist,
    /// An object with this name already exists in the folder.
    #[error("an object named {0:?} already exists")]
    Exists(String),
    /// The name is not allowed.
    #[error("illegal name: {0}")]
    IllegalName(String),
    /// Signed-in callers only.
    #[error("login required")]
    LoginRequired,
    /// The caller may not do this here.
    #[error("{0}")]
    NoPermission(&'static str),
    /// The root folder cannot be renamed, moved or deleted.
    #[error("the root folder is protected")]
    RootProtected,
    /// The object is in the trash.
    #[error("the object is in the trash")]
    InTrash,
    /// Bad arguments (e.g. moving a folder into itself).
    #[error("{0}")]
    Invalid(String),
    /// Not enough quota left.
    #[error("insufficient storage capacity")]
    InsufficientCapacity,
    /// The folder walk hit the group's limit.
    #[error("too many files")]
    WalkLimit,
    /// A lock held by someone else covers the path.
    #[error(transparent)]
    Lock(#[from] super::lock::LockError),
    /// The share link does not exist, expired, or its file or owner is gone.
    #[error("share link not found or expired")]
    ShareInvalid,
    /// The share needs a password and the one given is missing or wrong.
    #[error("incorrect share password")]
    SharePassword,
    /// Too many wrong share passwords lately.
    #[error("too many wrong share passwords")]
    ShareThrottled,
    /// The caller's group may not do this (e.g. create shares).
    #[error("your group is not allowed to do this")]
    GroupNotAllowed,
    /// One's own share cannot be saved.
    #[error("you cannot save your own share")]
    SaveOwnShare,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<FsError> for ApiError {
    fn from(err: FsError) -> Self {
        match err {
            FsError::NotFound => ApiError::code(ErrorCode::NotFound),
            FsError::ParentNotExist => ApiError::code(ErrorCode::ParentNotExist),
            FsError::Exists(_) => ApiError::new(ErrorCode::ObjectExisted, err.to_string()),
            FsError::IllegalName(_) => ApiError::new(ErrorCode::IllegalObjectName, err.to_string()),
            FsError::LoginRequired => ApiError::code(ErrorCode::LoginRequired),
            FsError::NoPermission(msg) => ApiError::new(ErrorCode::NoPermission, msg),
            FsError::RootProtected => ApiError::code(ErrorCode::RootProtected),
            FsError::InTrash => ApiError::code(ErrorCode::FileInTrash),
            FsError::Invalid(msg) => ApiError::new(ErrorCode::ParamError, msg),
            FsError::InsufficientCapacity => ApiError::code(ErrorCode::InsufficientCapacity),
            FsError::WalkLimit => ApiError::code(ErrorCode::WalkLimit),
            FsError::ShareInvalid => ApiError::code(ErrorCode::ShareLinkNotFound),
            FsError::SharePassword => ApiError::code(ErrorCode::IncorrectPassword),
            FsError::ShareThrottled => ApiError::new(
                ErrorCode::SharePasswordThrottled,
                format!(
                    "Too many wrong passwords; try again in {} minutes",
                    crate::auth::throttle::WINDOW_SECS / 60
                ),
            )
            .with_retry_after(crate::auth::throttle::WINDOW_SECS as u64),
            FsError::GroupNotAllowed => ApiError::code(ErrorCode::GroupNotAllowed),
            FsError::SaveOwnShare => ApiError::code(ErrorCode::SaveOwnShare),
            FsError::Lock(e) => e.into(),
            FsError::Db(e) => e.into(),
        }
    }
}

impl From<super::uri::UriError> for FsError {
    fn from(err: super::uri::UriError) -> Self {
        match err {
            super::uri::UriError::IllegalName(name) => FsError::IllegalName(name),
            other => FsError::Invalid(other.to_string()),
        }
    }
}

/// A unique-index violation means a concurrent writer took the name first.
pub fn name_clash(err: DbErr, name: &str) -> FsError {
    let text = err.to_string().to_ascii_lowercase();
    if text.contains("unique") || text.contains("duplicate key") {
        FsError::Exists(name.to_owned())
    } else {
        FsError::Db(err)
    }
}

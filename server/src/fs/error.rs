//! What a file-system operation can fail with, in the file system's own words (the wire code
//! of each is chosen in `api::errors::fs`).

use sea_orm::DbErr;

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
    /// Only the owner may do this (e.g. manage versions), even where others may see the object.
    #[error("only the owner may do this")]
    OwnerOnly,
    /// The version named is not one of the file's versions.
    #[error("version not found")]
    VersionNotFound,
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
    /// An anonymous visitor opened a share while the anonymous group may not open shares
    /// (signing in may help).
    #[error("anonymous access denied; sign in to open this share")]
    ShareAnonymousDenied,
    /// Too many wrong share passwords lately.
    #[error("too many wrong share passwords")]
    ShareThrottled,
    /// The share only takes uploads: its folder cannot be listed or downloaded (deviations §5).
    #[error("this share only accepts uploads; its files cannot be listed or downloaded")]
    ShareUploadOnly,
    /// The URI is pinned already, under another name.
    #[error("uri already pinned with different name")]
    PinnedUnderOtherName,
    /// One's own share cannot be saved.
    #[error("you cannot save your own share")]
    SaveOwnShare,
    /// The guard against mass deletion stopped the credential (`guard/`); the text says why.
    #[error("{0}")]
    Guarded(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
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

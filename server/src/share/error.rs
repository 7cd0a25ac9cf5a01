//! What managing share links can fail with (the wire code of each is chosen in
//! `api::errors::share`). Opening a share through the file system fails with [`FsError`]'s
//! share variants instead, as any other path of a tree does.

use sea_orm::DbErr;

use crate::fs::error::FsError;

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// The caller's group may not create shares.
    #[error("your group is not allowed to do this")]
    GroupNotAllowed,
    /// The caller has as many shares as the group's `max_shares`.
    #[error("at most {0} shares per user; delete one first")]
    TooMany(u64),
    /// The caller may not share this object.
    #[error("{0}")]
    NotShareable(&'static str),
    /// The root folder cannot be shared.
    #[error("the root folder cannot be shared")]
    Root,
    /// Bad options or page token.
    #[error("{0}")]
    Invalid(String),
    /// No such share among the caller's (or it is someone else's).
    #[error("share not found")]
    NotFound,
    /// The profile's owner does not list their shares (`share_links_in_profile`).
    #[error("User has disabled share links in profile")]
    ProfileHidden,
    /// The share's owner or the owner's group is gone.
    #[error("share link not found or expired")]
    Gone,
    /// Uploads were sent to a share that does not take them (deviations §5).
    #[error("this share does not accept uploads")]
    NotUploadShare,
    /// The upload would pass the share's upload limit.
    #[error("the share's upload limit is reached")]
    UploadCap,
    /// The address uploaded into shares too often lately.
    #[error("too many uploads from your address; try again later")]
    UploadThrottled,
    /// The file system refused (resolving the shared object).
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

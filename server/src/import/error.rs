//! `ImportError`: why an import cannot be queued.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Only administrators import.
    #[error("only administrators can import")]
    AdminOnly,
    /// A request field is malformed; the text names the field.
    #[error("{0}")]
    Invalid(String),
    /// The user to import for does not exist.
    #[error("user not found")]
    UserNotFound,
    /// The policy does not exist (or was deleted).
    #[error("storage policy does not exist")]
    PolicyNotFound,
    /// Only local policies hold folders Stratus can index.
    #[error("only local storage policies can be imported from")]
    NotLocal,
    /// `src` leaves the policy's root (`..`, an absolute path elsewhere, a symlink).
    #[error("src must be a folder inside the storage policy's root")]
    OutsideRoot,
    /// `src` does not exist or is not a folder.
    #[error("src is not a folder: {0}")]
    NotAFolder(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

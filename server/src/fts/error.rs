//! `FtsError`: why a full-text search was refused, in the index's own words.

use sea_orm::DbErr;

use crate::fs::error::FsError;

#[derive(Debug, thiserror::Error)]
pub enum FtsError {
    /// The site has full-text search off (`fts_enabled`).
    #[error("full-text search is off")]
    Disabled,
    /// The query holds no word to look for.
    #[error("the query holds no word to search for")]
    EmptyQuery,
    /// A filter could not be understood.
    #[error("{0}")]
    BadFilter(String),
    #[error(transparent)]
    Fs(#[from] FsError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

//! What the notification service can fail with, in its own words.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A field of the request is missing, malformed or out of range; the text names it.
    #[error("{0}")]
    Invalid(String),
    /// No channel has this id.
    #[error("notification channel not found")]
    NotFound,
    /// Sending failed; the receiver's or the transport's own words.
    #[error("{0}")]
    Delivery(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<crate::admin::AdminError> for NotifyError {
    fn from(err: crate::admin::AdminError) -> Self {
        match err {
            crate::admin::AdminError::Db(e) => Self::Db(e),
            other => Self::Invalid(other.to_string()),
        }
    }
}

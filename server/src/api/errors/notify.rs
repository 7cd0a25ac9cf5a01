//! [`NotifyError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    notify::NotifyError,
};

impl From<NotifyError> for ApiError {
    fn from(err: NotifyError) -> Self {
        let msg = err.to_string();
        match err {
            // A failed test answers the receiver's or the transport's words, like the node
            // and storage tests.
            NotifyError::Invalid(_) | NotifyError::Delivery(_) => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            NotifyError::NotFound => ApiError::new(ErrorCode::NotFound, msg),
            NotifyError::Db(e) => e.into(),
        }
    }
}

//! [`QueueError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    queue::QueueError,
};

impl From<QueueError> for ApiError {
    fn from(err: QueueError) -> Self {
        let msg = err.to_string();
        match err {
            QueueError::NotFound => ApiError::new(ErrorCode::NotFound, msg),
            QueueError::Ended => ApiError::new(ErrorCode::ParamError, msg),
            QueueError::TooManyTasks(_) => ApiError::new(ErrorCode::CreateTaskError, msg),
            QueueError::Db(e) => e.into(),
        }
    }
}

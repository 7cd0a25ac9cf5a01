//! [`RestoreError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    backup::restore::RestoreError,
};

impl From<RestoreError> for ApiError {
    fn from(err: RestoreError) -> Self {
        let msg = err.to_string();
        use RestoreError as R;
        match err {
            R::NoRecord(_) => ApiError::new(ErrorCode::NotFound, msg),
            R::NotCompleted(_) => ApiError::new(ErrorCode::Conflict, msg),
            R::NotFresh(_) | R::Invalid(_) => ApiError::new(ErrorCode::ParamError, msg),
            R::Db(e) => e.into(),
            R::Target(_)
            | R::Storage(_)
            | R::Manifest { .. }
            | R::Dump(_)
            | R::Io(_)
            | R::Blobs { .. } => ApiError::new(ErrorCode::IoError, msg),
        }
    }
}

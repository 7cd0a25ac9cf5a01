//! [`BackupError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    backup::BackupError,
};

impl From<BackupError> for ApiError {
    fn from(err: BackupError) -> Self {
        use BackupError as B;
        let msg = err.to_string();
        match err {
            B::Invalid(_) | B::Schedule(_) | B::TargetTest(_) => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            B::TargetNotFound | B::TaskNotFound | B::RecordNotFound => {
                ApiError::new(ErrorCode::NotFound, msg)
            }
            B::TargetInUse(_) | B::Busy | B::TooManyManual(_) | B::Running => {
                ApiError::new(ErrorCode::Conflict, msg)
            }
            B::Storage(_) => ApiError::new(ErrorCode::IoError, msg),
            B::Unreachable(_) => ApiError::new(ErrorCode::NodeOffline, msg),
            B::Db(e) => e.into(),
        }
    }
}

//! [`SnapshotError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    snapshot::SnapshotError,
};

impl From<SnapshotError> for ApiError {
    fn from(err: SnapshotError) -> Self {
        let msg = err.to_string();
        use SnapshotError as S;
        match err {
            S::Invalid(_) => ApiError::new(ErrorCode::ParamError, msg),
            S::NotAllowed => ApiError::new(ErrorCode::NoPermission, msg),
            S::NotFolder | S::NotMyDrive => ApiError::new(ErrorCode::ParamError, msg),
            // A limit of the group's: the request is refused, as other group caps are.
            S::TooManyPerFolder(_) | S::TooManySchedules(_) => {
                ApiError::new(ErrorCode::GroupNotAllowed, msg)
            }
            S::NotFound => ApiError::new(ErrorCode::NotFound, msg),
            S::Fs(e) => e.into(),
            S::Queue(e) => e.into(),
            S::Db(e) => e.into(),
        }
    }
}

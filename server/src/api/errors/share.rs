//! [`ShareError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    share::error::ShareError,
};

impl From<ShareError> for ApiError {
    fn from(err: ShareError) -> Self {
        match err {
            ShareError::GroupNotAllowed => ApiError::code(ErrorCode::GroupNotAllowed),
            e @ ShareError::TooMany(_) => ApiError::new(ErrorCode::GroupNotAllowed, e.to_string()),
            ShareError::NotShareable(msg) => ApiError::new(ErrorCode::NoPermission, msg),
            ShareError::Root => ApiError::code(ErrorCode::RootProtected),
            ShareError::Invalid(msg) => ApiError::new(ErrorCode::ParamError, msg),
            e @ ShareError::ProfileHidden => ApiError::new(ErrorCode::ParamError, e.to_string()),
            ShareError::NotFound => ApiError::code(ErrorCode::NotFound),
            ShareError::Gone => ApiError::code(ErrorCode::ShareLinkNotFound),
            e @ ShareError::NotUploadShare => ApiError::new(ErrorCode::NoPermission, e.to_string()),
            e @ ShareError::UploadCap => {
                ApiError::new(ErrorCode::InsufficientCapacity, e.to_string())
            }
            e @ ShareError::UploadThrottled => {
                ApiError::new(ErrorCode::TooManyRequests, e.to_string())
                    .with_retry_after(crate::share::upload::WINDOW_SECS as u64)
            }
            ShareError::Fs(e) => e.into(),
            ShareError::Db(e) => e.into(),
        }
    }
}

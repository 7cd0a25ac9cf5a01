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
            ShareError::Fs(e) => e.into(),
            ShareError::Db(e) => e.into(),
        }
    }
}

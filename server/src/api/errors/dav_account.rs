//! [`DavAccountError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    dav::account::DavAccountError,
};

impl From<DavAccountError> for ApiError {
    fn from(err: DavAccountError) -> Self {
        let msg = err.to_string();
        match err {
            DavAccountError::NotAllowed | DavAccountError::TooMany(_) => {
                ApiError::new(ErrorCode::GroupNotAllowed, msg)
            }
            DavAccountError::Uri(e) => e.into(),
            DavAccountError::RootWithQuery
            | DavAccountError::RootKind
            | DavAccountError::BadName
            | DavAccountError::BadPageToken => ApiError::new(ErrorCode::ParamError, msg),
            DavAccountError::OthersRoot => ApiError::new(ErrorCode::NoPermission, msg),
            DavAccountError::NotFound => ApiError::code(ErrorCode::NotFound),
            DavAccountError::Random(_) | DavAccountError::NoUniquePassword => {
                ApiError::new(ErrorCode::InternalSetting, msg)
            }
            DavAccountError::Db(e) => e.into(),
        }
    }
}

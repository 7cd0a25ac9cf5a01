//! [`S3KeyError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::s3_key::S3KeyError,
};

impl From<S3KeyError> for ApiError {
    fn from(err: S3KeyError) -> Self {
        let msg = err.to_string();
        match err {
            S3KeyError::NotAllowed => ApiError::new(ErrorCode::GroupNotAllowed, msg),
            S3KeyError::Uri(e) => e.into(),
            S3KeyError::NotOwnFolder | S3KeyError::BadName => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            S3KeyError::NotFound => ApiError::new(ErrorCode::NotFound, msg),
            S3KeyError::Seal(_) => ApiError::new(ErrorCode::InternalSetting, msg),
            S3KeyError::Fs(e) => e.into(),
            S3KeyError::Db(e) => e.into(),
        }
    }
}

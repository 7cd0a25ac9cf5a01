//! Thumbnail failures as envelopes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    thumb::ThumbError,
};

impl From<ThumbError> for ApiError {
    fn from(err: ThumbError) -> Self {
        match err {
            ThumbError::Unavailable => ApiError::new(ErrorCode::EntityNotExist, err.to_string()),
            ThumbError::Workers(e) => ApiError::code(ErrorCode::IoError).with_cause(e),
            ThumbError::Fs(e) => e.into(),
            ThumbError::Source(e) => e.into(),
            ThumbError::Storage(e) => super::upload::storage(e),
            ThumbError::Db(e) => e.into(),
        }
    }
}

impl From<crate::thumb::version::VersionError> for ApiError {
    fn from(err: crate::thumb::version::VersionError) -> Self {
        // Cloudreve answers a tool it cannot run as a parameter error naming the executable.
        ApiError::new(
            ErrorCode::ParamError,
            format!("Failed to invoke the executable: {err}"),
        )
    }
}

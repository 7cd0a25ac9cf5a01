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

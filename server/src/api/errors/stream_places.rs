//! [`TooManyStreams`] as an envelope code: 429, the client may retry once one of its streams
//! ends.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    stream_places::TooManyStreams,
};

impl From<TooManyStreams> for ApiError {
    fn from(err: TooManyStreams) -> Self {
        ApiError::new(ErrorCode::TooManyRequests, err.to_string())
    }
}

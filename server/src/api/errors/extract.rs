//! Extraction failures as envelopes (for `POST /workflow/extract` and `GET /file/archive`).

use crate::{
    api::envelope::{ApiError, ErrorCode},
    extract::ExtractError,
};

impl From<ExtractError> for ApiError {
    fn from(err: ExtractError) -> Self {
        use ExtractError as E;
        let msg = err.to_string();
        match err {
            E::NotAllowed => ApiError::new(ErrorCode::GroupNotAllowed, msg),
            E::Unsupported | E::Encrypted => ApiError::new(ErrorCode::UnsupportedArchiveType, msg),
            E::Encoding(_) | E::Invalid(_) | E::Field(_) | E::WrongPassword => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            E::Corrupt(_)
            | E::UnsafeName(_)
            | E::TooManyEntries(_)
            | E::HeaderTooLarge(_)
            | E::TooBig(_) => ApiError::new(ErrorCode::ListFilesError, msg),
            E::Busy => ApiError::new(ErrorCode::TooManyRequests, msg),
            E::Io(e) => ApiError::new(ErrorCode::IoError, msg).with_cause(e),
            E::Download(e) => e.into(),
            E::Upload(e) => e.into(),
            E::Fs(e) => e.into(),
            E::Storage(e) => ApiError::new(ErrorCode::IoError, msg).with_cause(e),
            E::Stopped => ApiError::new(ErrorCode::IoError, msg),
            E::Uri(e) => e.into(),
            E::Queue(e) => e.into(),
        }
    }
}

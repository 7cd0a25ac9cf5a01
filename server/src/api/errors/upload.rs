//! Upload failures as envelopes.

use poem::http::StatusCode;

use crate::{
    api::envelope::{ApiError, ErrorCode},
    storage::StorageError,
    upload::UploadError,
};

impl From<UploadError> for ApiError {
    fn from(err: UploadError) -> Self {
        use UploadError as U;
        let msg = err.to_string();
        match err {
            U::Invalid(_) => ApiError::new(ErrorCode::ParamError, msg),
            U::UploadOngoing => ApiError::code(ErrorCode::ConflictUploadOngoing),
            U::SessionGone => ApiError::code(ErrorCode::UploadSessionExpired),
            U::SessionElsewhere => ApiError::new(ErrorCode::UploadSessionExpired, msg),
            U::CorruptSession(e) => {
                ApiError::new(ErrorCode::UploadSessionExpired, msg).with_cause(e)
            }
            U::ChunkIndex => ApiError::code(ErrorCode::InvalidChunkIndex),
            U::ChunkLength { .. } => ApiError::new(ErrorCode::InvalidContentLength, msg),
            U::SizeMismatch { .. } => ApiError::new(ErrorCode::MetaMismatch, msg),
            U::NotThisWay(_) => ApiError::new(ErrorCode::PolicyNotAllowed, msg),
            // Cloudreve's answer for a live photo without its picture (spec §6.1 step 3).
            U::NoPicture => ApiError::new(ErrorCode::ParentNotExist, msg),
            U::CallbackKey => ApiError::new(ErrorCode::CredentialInvalid, msg)
                .with_status(StatusCode::UNAUTHORIZED),
            U::NotUploaded => ApiError::new(ErrorCode::MetaMismatch, msg),
            U::GroupCannotUpload => ApiError::new(ErrorCode::PolicyNotAllowed, msg),
            U::PolicyMissing => ApiError::code(ErrorCode::PolicyNotExist),
            U::TooLarge { .. } | U::EditTooLarge { .. } => {
                ApiError::new(ErrorCode::FileTooLarge, msg)
            }
            U::NameRefused(_) => ApiError::new(ErrorCode::IllegalObjectName, msg),
            U::OwnerOnly => ApiError::code(ErrorCode::OwnerOnly),
            U::StaleVersion => ApiError::code(ErrorCode::StaleVersion),
            U::Stopped => ApiError::new(ErrorCode::DatabaseError, msg),
            U::Storage(e) => storage(e),
            U::Fs(e) => e.into(),
            U::Db(e) => e.into(),
        }
    }
}

/// A storage failure while writing or reading a blob for the caller (an upload, a
/// thumbnail), as the client sees it.
pub(super) fn storage(err: StorageError) -> ApiError {
    match err {
        StorageError::LengthMismatch { .. } => ApiError::code(ErrorCode::InvalidContentLength),
        StorageError::NotFound => ApiError::code(ErrorCode::UploadSessionExpired),
        StorageError::NoSpace(_) => ApiError::new(
            ErrorCode::UploadFailed,
            "the storage has no room for this file",
        )
        .with_cause(err),
        StorageError::Unsupported(what) => ApiError::new(
            ErrorCode::PolicyNotAllowed,
            format!("not supported by this storage: {what}"),
        ),
        StorageError::Unreachable(_) => ApiError::new(
            ErrorCode::NodeOffline,
            "the storage node cannot be reached; try again later",
        )
        .with_cause(err),
        other => ApiError::code(ErrorCode::IoError).with_cause(other),
    }
}

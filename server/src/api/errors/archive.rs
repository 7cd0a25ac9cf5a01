//! Archive failures as envelopes, and the HTTP status each has on the archive route.

use poem::{Response, http::StatusCode};

use super::download::refuse;
use crate::{
    api::{
        envelope::{ApiError, ErrorCode},
        file::tree::batch_outcome,
    },
    archive::ArchiveError,
};

impl From<ArchiveError> for ApiError {
    fn from(err: ArchiveError) -> Self {
        use ArchiveError as A;
        match err {
            A::NotAllowed => ApiError::new(ErrorCode::GroupNotAllowed, err.to_string()),
            A::NoLongerAllowed | A::TaskNotAllowed => ApiError::code(ErrorCode::GroupNotAllowed),
            A::Invalid(_) => ApiError::new(ErrorCode::ParamError, err.to_string()),
            A::Queue(e) => e.into(),
            A::Items { total, failures } => {
                let failures = failures
                    .into_iter()
                    .map(|(uri, e)| (uri, ApiError::from(e)))
                    .collect();
                match batch_outcome(total, failures) {
                    Err(e) => e,
                    Ok(()) => ApiError::code(ErrorCode::BatchOperationNotFullyCompleted),
                }
            }
            A::Signature(e) => e.into(),
            A::Gone => ApiError::new(ErrorCode::NotFound, err.to_string()),
            A::Session(e) => ApiError::code(ErrorCode::InternalSetting).with_cause(e),
            A::Fs(e) => e.into(),
            A::Db(e) => e.into(),
        }
    }
}

/// A refused archive download: 403 for the signature or a group that lost the permission,
/// 404 for a session that is gone, else 500.
pub fn refusal(err: ArchiveError) -> Response {
    use ArchiveError as A;
    let status = match &err {
        A::Signature(_) | A::NotAllowed | A::NoLongerAllowed | A::TaskNotAllowed => {
            StatusCode::FORBIDDEN
        }
        A::Gone => StatusCode::NOT_FOUND,
        A::Invalid(_) => StatusCode::BAD_REQUEST,
        A::Items { .. } | A::Session(_) | A::Fs(_) | A::Db(_) | A::Queue(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    refuse(status, err.into())
}

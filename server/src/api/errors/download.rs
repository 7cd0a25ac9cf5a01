//! Download failures as envelopes, and the HTTP status each has on the content route and
//! on direct links.

use poem::{Response, error::ResponseError, http::StatusCode};

use crate::{
    api::envelope::{ApiError, ErrorCode},
    download::DownloadError,
};

impl From<DownloadError> for ApiError {
    fn from(err: DownloadError) -> Self {
        use DownloadError as D;
        let msg = err.to_string();
        match err {
            D::BadName(_) => ApiError::new(ErrorCode::ParamError, msg),
            D::NoSignature | D::BadSignature(_) => ApiError::new(ErrorCode::CredentialInvalid, msg),
            D::Expired | D::UsedOnce => ApiError::new(ErrorCode::SignExpired, msg),
            D::EntityMissing => ApiError::code(ErrorCode::EntityNotExist),
            D::OwnerOnly => ApiError::new(ErrorCode::OwnerOnly, msg),
            D::LinkGone | D::LinkNotFound => ApiError::new(ErrorCode::NotFound, msg),
            D::Share(e) => e.into(),
            D::Storage(e @ crate::storage::StorageError::Unreachable(_)) => ApiError::new(
                ErrorCode::NodeOffline,
                "the storage node holding the file cannot be reached",
            )
            .with_cause(e),
            D::Storage(e) => ApiError::code(ErrorCode::IoError).with_cause(e),
            D::Db(e) => e.into(),
        }
    }
}

/// The envelope of `err` sent with `status` instead of the code's own.
pub fn refuse(status: StatusCode, err: ApiError) -> Response {
    let mut resp = err.as_response();
    resp.set_status(status);
    resp
}

/// A refused content request (`/file/content/...`): 400 for a bad name, 403 for the
/// signature or a used one-download URL, 404 for the share or the entity, 502 for a storage
/// node that cannot be reached, else 500.
pub fn content_refusal(err: DownloadError) -> Response {
    use DownloadError as D;
    let status = match &err {
        D::BadName(_) => StatusCode::BAD_REQUEST,
        D::NoSignature | D::BadSignature(_) | D::Expired | D::UsedOnce | D::OwnerOnly => {
            StatusCode::FORBIDDEN
        }
        D::Share(_) | D::EntityMissing | D::LinkGone | D::LinkNotFound => StatusCode::NOT_FOUND,
        D::Storage(crate::storage::StorageError::Unreachable(_)) => StatusCode::BAD_GATEWAY,
        D::Storage(_) | D::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refuse(status, err.into())
}

/// A refused direct link (`/f/...`): always 404, so nothing is learned about why.
pub fn direct_refusal(err: DownloadError) -> Response {
    refuse(StatusCode::NOT_FOUND, err.into())
}

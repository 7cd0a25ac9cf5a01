//! [`RemoteDownloadError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    remote_download::RemoteDownloadError,
};

impl From<RemoteDownloadError> for ApiError {
    fn from(err: RemoteDownloadError) -> Self {
        use RemoteDownloadError as E;
        let msg = err.to_string();
        match err {
            E::NotAllowed => ApiError::new(ErrorCode::GroupNotAllowed, msg),
            E::Batch(_) => ApiError::new(ErrorCode::BatchAria2Size, msg),
            E::Source
            | E::BadUrl(_)
            | E::Param(_)
            | E::Refused(_)
            | E::Endpoint { .. }
            | E::NotTorrent(_)
            | E::NotSelectable => ApiError::new(ErrorCode::ParamError, msg),
            E::Storage(_) => ApiError::new(ErrorCode::IoError, msg),
            E::NotStarted => ApiError::new(ErrorCode::ParamError, msg),
            E::Downloader(_) => ApiError::new(ErrorCode::InternalSetting, msg),
            E::Uri(e) => e.into(),
            E::Fs(e) => e.into(),
            E::Queue(e) => e.into(),
            E::Db(e) => e.into(),
        }
    }
}

//! [`FsEventsError`] as envelope codes (spec 4.18 §3.1).

use crate::{
    api::envelope::{ApiError, ErrorCode},
    fs_events::FsEventsError,
};

impl From<FsEventsError> for ApiError {
    fn from(err: FsEventsError) -> Self {
        let msg = err.to_string();
        use FsEventsError as E;
        match err {
            E::Disabled => ApiError::code(ErrorCode::FeatureNotEnabled),
            E::NoClientId | E::InvalidClientId | E::UriNotAvailable => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            E::SingleFileView => ApiError::new(ErrorCode::NoPermission, msg),
            E::Login(e) => e.into(),
            E::Fs(e) => e.into(),
            E::Db(e) => e.into(),
        }
    }
}

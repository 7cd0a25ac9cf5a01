//! [`OidcError`] on the wire.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::sign_in::oidc::OidcError,
};

impl From<OidcError> for ApiError {
    fn from(err: OidcError) -> Self {
        let msg = err.to_string();
        match err {
            OidcError::UnknownProvider | OidcError::NotLinked => {
                ApiError::new(ErrorCode::NotFound, msg)
            }
            OidcError::CodeGone | OidcError::StateGone | OidcError::LinkGone => {
                ApiError::new(ErrorCode::LoginSessionNotExist, msg)
            }
            OidcError::LastWay | OidcError::StateMismatch => {
                ApiError::new(ErrorCode::NoPermission, msg)
            }
            OidcError::LinkedElsewhere | OidcError::AlreadyLinked => {
                ApiError::new(ErrorCode::Conflict, msg)
            }
            OidcError::Settings(_) | OidcError::Refused(_) => {
                ApiError::new(ErrorCode::InternalSetting, msg)
            }
            OidcError::Provider(_) => ApiError::new(ErrorCode::InternalSetting, msg),
            OidcError::Declined(_) | OidcError::IdToken(_) | OidcError::NoEmail => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            OidcError::SignIn(e) => (*e).into(),
            OidcError::Db(e) => e.into(),
        }
    }
}

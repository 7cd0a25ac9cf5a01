//! [`OAuthError`] as envelope codes (spec 4.18 §2.5–2.13). The token endpoint answers the same
//! codes inside its own bare error object (`api/session/oauth_token.rs`).

use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::oauth::OAuthError,
};

/// The code of each refusal.
pub fn code_of(err: &OAuthError) -> ErrorCode {
    match err {
        OAuthError::ClientNotFound
        | OAuthError::GrantNotFound
        | OAuthError::AdminClientNotFound => ErrorCode::NotFound,
        OAuthError::InvalidRedirectUri
        | OAuthError::InvalidScope
        | OAuthError::OpenidRequired
        | OAuthError::UnsupportedResponseType
        | OAuthError::UnsupportedChallengeMethod
        | OAuthError::InvalidField(_)
        | OAuthError::ScopesNoLongerAllowed => ErrorCode::ParamError,
        OAuthError::ConsentFromOAuthSession => ErrorCode::InsufficientScope,
        OAuthError::InvalidCode
        | OAuthError::InvalidVerifier
        | OAuthError::InvalidSecret
        | OAuthError::GrantRevoked => ErrorCode::CredentialInvalid,
        OAuthError::UserInactive => ErrorCode::UserNotFound,
        OAuthError::SystemClient => ErrorCode::InvalidActionOnSystemGroup,
        OAuthError::Signing(_) | OAuthError::Auth(_) | OAuthError::Db(_) => {
            ErrorCode::InternalSetting
        }
    }
}

impl From<OAuthError> for ApiError {
    fn from(err: OAuthError) -> Self {
        match err {
            OAuthError::Auth(e) => e.into(),
            OAuthError::Db(e) => e.into(),
            OAuthError::GrantRevoked => {
                ApiError::new(ErrorCode::CredentialInvalid, "Invalid refresh token")
            }
            OAuthError::Signing(e) => ApiError::code(ErrorCode::InternalSetting).with_cause(e),
            other => ApiError::new(code_of(&other), other.to_string()),
        }
    }
}

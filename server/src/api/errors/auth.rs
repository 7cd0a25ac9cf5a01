//! [`AuthError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    auth::{error::AuthError, sign_in::SignInError},
    caller::{LoginRequired, Refused},
};

impl From<LoginRequired> for ApiError {
    fn from(err: LoginRequired) -> Self {
        AuthError::from(err).into()
    }
}

impl From<Refused> for ApiError {
    fn from(err: Refused) -> Self {
        match err {
            Refused::Banned => ApiError::code(ErrorCode::UserBanned),
            Refused::NotActivated => ApiError::code(ErrorCode::UserNotActivated),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        let msg = err.to_string();
        match err {
            AuthError::LoginRequired => ApiError::code(ErrorCode::LoginRequired),
            AuthError::NotAnAccessToken => ApiError::new(ErrorCode::CredentialInvalid, msg),
            AuthError::GroupMissing => ApiError::code(ErrorCode::GroupNotFound),
            AuthError::UserGone => ApiError::code(ErrorCode::UserNotFound),
            AuthError::AnonymousGroupMissing => ApiError::new(ErrorCode::InternalSetting, msg),
            AuthError::Throttled { retry_after } => {
                ApiError::new(ErrorCode::TooManyRequests, msg).with_retry_after(retry_after as u64)
            }
            AuthError::Signing(cause) => ApiError::code(ErrorCode::EncryptError).with_cause(cause),
            AuthError::PasskeysDisabled => ApiError::code(ErrorCode::FeatureNotEnabled),
            AuthError::PasskeyNeedsDomain => ApiError::new(ErrorCode::InitWebAuthnFailed, msg),
            AuthError::WebAuthnSetup(cause) => {
                ApiError::code(ErrorCode::InitWebAuthnFailed).with_cause(cause)
            }
            AuthError::BadCredential(cause) => {
                ApiError::code(ErrorCode::WebAuthnCredentialError).with_cause(cause)
            }
            AuthError::PasskeyTaken { cause } => {
                let err = ApiError::new(ErrorCode::WebAuthnCredentialError, msg);
                match cause {
                    Some(cause) => err.with_cause(cause),
                    None => err,
                }
            }
            AuthError::CeremonyGone => ApiError::new(ErrorCode::LoginSessionNotExist, msg),
            AuthError::Refused(e) => e.into(),
            AuthError::Db(e) => e.into(),
        }
    }
}

impl From<SignInError> for ApiError {
    fn from(err: SignInError) -> Self {
        match err {
            SignInError::NoAccount => ApiError::code(ErrorCode::NotFound),
            SignInError::Captcha => ApiError::code(ErrorCode::CaptchaError),
            SignInError::InvalidPassword => ApiError::code(ErrorCode::InvalidPassword),
            SignInError::Hashing(cause) => {
                ApiError::code(ErrorCode::EncryptError).with_cause(cause)
            }
            SignInError::SessionGone => ApiError::code(ErrorCode::LoginSessionNotExist),
            SignInError::WrongSecondFactor => ApiError::code(ErrorCode::TwoFaCodeWrong),
            SignInError::InvalidRefresh => {
                ApiError::new(ErrorCode::CredentialInvalid, "Invalid refresh token")
            }
            SignInError::Directory(e) => ApiError::new(ErrorCode::InternalSetting, e.to_string()),
            SignInError::EmailTaken => ApiError::new(ErrorCode::EmailExisted, err.to_string()),
            SignInError::SignUpClosed => {
                ApiError::new(ErrorCode::FeatureNotEnabled, err.to_string())
            }
            SignInError::Auth(e) => e.into(),
            SignInError::OAuth(e) => e.into(),
            SignInError::Users(e) => e.into(),
        }
    }
}

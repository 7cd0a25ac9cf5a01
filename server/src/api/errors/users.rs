//! [`UsersError`] as envelope codes.

use crate::{
    api::envelope::{ApiError, ErrorCode},
    mail::MailError,
    users::UsersError,
};

impl From<UsersError> for ApiError {
    fn from(err: UsersError) -> Self {
        let msg = err.to_string();
        use UsersError as U;
        match err {
            U::InvalidEmail | U::UnsafeEmail | U::InvalidPassword | U::Field(_) => {
                ApiError::new(ErrorCode::ParamError, msg)
            }
            U::EmailTaken => ApiError::code(ErrorCode::EmailExisted),
            U::EmailLookAlike => ApiError::new(ErrorCode::EmailExisted, msg),
            U::UserNotFound => ApiError::code(ErrorCode::UserNotFound),
            U::GroupNotFound(_) => ApiError::code(ErrorCode::GroupNotFound),
            U::RegistrationClosed => ApiError::code(ErrorCode::FeatureNotEnabled),
            U::CaptchaWrong => ApiError::code(ErrorCode::CaptchaError),
            U::BadSignature(_) => ApiError::new(ErrorCode::CredentialInvalid, msg),
            U::CannotActivate => ApiError::code(ErrorCode::UserCannotActivate),
            U::ResetLinkInvalid => ApiError::code(ErrorCode::InvalidTempLink),
            U::WrongPassword => ApiError::new(ErrorCode::IncorrectPassword, msg),
            U::TwoFaCodeWrong => ApiError::code(ErrorCode::TwoFaCodeWrong),
            U::DirectoryPassword | U::ProviderPassword => {
                ApiError::new(ErrorCode::NoPermission, msg)
            }
            U::Mail(e) => mail_failed(e),
            U::Auth(e) => e.into(),
            U::Db(e) => e.into(),
            U::Other(e) => ApiError::code(ErrorCode::EncryptError).with_cause(e),
        }
    }
}

/// 40028; the SMTP detail stays in the server log (and in `error` in debug mode).
fn mail_failed(err: MailError) -> ApiError {
    match err {
        MailError::NotConfigured => ApiError::new(ErrorCode::FailedSendEmail, err.to_string()),
        err => ApiError::code(ErrorCode::FailedSendEmail).with_cause(err),
    }
}

//! What an account operation can fail with, in the service's own words; the envelope code of
//! each is chosen in `api/errors/users.rs`.

use crate::{auth::error::AuthError, email_address::AddressError, mail::MailError};

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    /// The e-mail address is not acceptable.
    #[error("invalid e-mail address")]
    InvalidEmail,
    /// A new address mixes scripts or holds invisible characters.
    #[error("{}", AddressError::Unsafe)]
    UnsafeEmail,
    /// The password is shorter than 6 or longer than 128 characters.
    #[error("password must be 6 to 128 characters")]
    InvalidPassword,
    /// Another account uses this address.
    #[error("e-mail address already in use")]
    EmailTaken,
    /// Another account's address reads like this one.
    #[error("an account with a look-alike e-mail address exists")]
    EmailLookAlike,
    /// No account has this address (or id).
    #[error("no user with this e-mail address")]
    UserNotFound,
    /// The group does not exist.
    #[error("group {0} does not exist")]
    GroupNotFound(i64),
    /// Self-registration is switched off (`register_enabled`).
    #[error("registration is not enabled")]
    RegistrationClosed,
    /// The captcha a form needs was not solved.
    #[error("the captcha is wrong")]
    CaptchaWrong,
    /// An activation link's signature is missing, malformed or expired.
    #[error("{0}")]
    BadSignature(String),
    /// The account is not (or no longer) waiting for its activation.
    #[error("the account cannot be activated")]
    CannotActivate,
    /// A reset link names no account, or its secret is wrong, spent or expired.
    #[error("the reset link is invalid or has expired")]
    ResetLinkInvalid,
    /// A settings field is malformed; the message names the field.
    #[error("{0}")]
    Field(String),
    /// The current password given with a new one is wrong.
    #[error("current_password is incorrect")]
    WrongPassword,
    /// The account signs in through the directory, which holds its password.
    #[error(
        "This account signs in through the organisation's directory: change or reset its password there"
    )]
    DirectoryPassword,
    /// The account was made by an OpenID Connect provider and has no password here.
    #[error(
        "This account signs in through an OpenID Connect provider and has no password here: it cannot be given one"
    )]
    ProviderPassword,
    /// The two-factor code is wrong (or was used already).
    #[error("the two-factor code is wrong")]
    TwoFaCodeWrong,
    /// An activation or reset mail could not be sent.
    #[error(transparent)]
    Mail(#[from] MailError),
    /// Sign-in throttling refused, or a session could not be handled.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// Hashing failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl UsersError {
    /// A malformed settings field.
    pub fn field(msg: impl Into<String>) -> Self {
        UsersError::Field(msg.into())
    }
}

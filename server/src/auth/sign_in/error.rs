//! What a sign-in can fail with (the wire code of each is chosen in `api::errors::auth`).

use sea_orm::DbErr;

use crate::{
    auth::{error::AuthError, oauth::OAuthError},
    caller::Refused,
    users::UsersError,
};

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// `GET /session/prepare` for an address no account has.
    #[error("no such account")]
    NoAccount,
    /// The captcha is on and its answer is wrong or spent.
    #[error("Incorrect captcha")]
    Captcha,
    /// Unknown login or wrong password (one answer for both).
    #[error("Incorrect e-mail or password")]
    InvalidPassword,
    /// The password could not be checked or hashed.
    #[error("cannot check the password: {0}")]
    Hashing(String),
    /// The 2FA step's session is unknown, spent or expired.
    #[error("Login session does not exist")]
    SessionGone,
    /// A wrong TOTP or recovery code.
    #[error("Incorrect 2FA code")]
    WrongSecondFactor,
    /// The directory could not answer (settings, address, time-out, connection).
    #[error(transparent)]
    Directory(#[from] super::directory::DirectoryError),
    /// An outside identity's e-mail belongs to a local account not linked to it.
    #[error(
        "An account with this e-mail address exists already: sign in with it and link this sign-in in its settings"
    )]
    EmailTaken,
    /// An outside identity has no account and the source may not make one.
    #[error("There is no account for this sign-in, and new accounts cannot be made through it")]
    SignUpClosed,
    /// A refresh token that is not (or no longer) good.
    #[error("Invalid refresh token")]
    InvalidRefresh,
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// An OAuth chain whose client or grant no longer allows a refresh.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Users(#[from] UsersError),
}

impl From<DbErr> for SignInError {
    fn from(e: DbErr) -> Self {
        SignInError::Auth(AuthError::Db(e))
    }
}

impl From<Refused> for SignInError {
    fn from(e: Refused) -> Self {
        SignInError::Auth(AuthError::Refused(e))
    }
}

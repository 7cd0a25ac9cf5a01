//! What an OpenID Connect sign-in or link can fail with (the wire code of each is chosen in
//! `api::errors::oidc`; the callback shows the message on the sign-in page instead).

use sea_orm::DbErr;

use crate::{auth::sign_in::SignInError, net::guard::GuardError};

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// `oidc_providers` or `oidc_allowed_cidrs` is malformed; the message names the field.
    #[error("OpenID Connect sign-in is not set up: {0}")]
    Settings(String),
    /// No provider has this id.
    #[error("There is no such sign-in provider")]
    UnknownProvider,
    /// The outbound guard refused an address of the provider.
    #[error("The provider's address is refused: {0} (list it in oidc_allowed_cidrs)")]
    Refused(String),
    /// The provider could not be reached, or answered something unusable.
    #[error("The provider could not complete the sign-in: {0}")]
    Provider(String),
    /// The provider sent the user back with an error (they declined, for instance).
    #[error("The provider refused the sign-in: {0}")]
    Declined(String),
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce).
    #[error("The provider's ID token is refused: {0}")]
    IdToken(String),
    /// The callback's `state` is unknown, expired or used already.
    #[error("This sign-in expired or was used already: start it again")]
    StateGone,
    /// The callback's `state` is not the one this browser started.
    #[error("This sign-in was started in another browser: start it again")]
    StateMismatch,
    /// The link request is unknown, expired or used already.
    #[error("This link request expired: start it again from the settings")]
    LinkGone,
    /// Neither the ID token nor the userinfo has an e-mail address.
    #[error("The provider gave no e-mail address (the email scope is needed)")]
    NoEmail,
    /// The provider's user is linked to another account.
    #[error("This provider account is linked to another account already")]
    LinkedElsewhere,
    /// The account has a link to this provider already.
    #[error("Your account is linked to this provider already")]
    AlreadyLinked,
    /// The one-time code of `POST /session/oidc/finish` is unknown, used or expired.
    #[error("This sign-in code is unknown, used or expired: sign in again")]
    CodeGone,
    /// The account has no link to this provider.
    #[error("Your account is not linked to this provider")]
    NotLinked,
    /// Unlinking would leave an account without a password no way to sign in.
    #[error(
        "This is the only way to sign in to your account: set a password or link another sign-in first"
    )]
    LastWay,
    #[error(transparent)]
    SignIn(Box<SignInError>),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl OidcError {
    pub fn refused(e: GuardError) -> Self {
        match e {
            GuardError::Internal { .. } | GuardError::Scheme | GuardError::NoHost => {
                OidcError::Refused(e.to_string())
            }
            other => OidcError::Provider(other.to_string()),
        }
    }
}

impl From<SignInError> for OidcError {
    fn from(e: SignInError) -> Self {
        OidcError::SignIn(Box::new(e))
    }
}

impl From<crate::users::UsersError> for OidcError {
    fn from(e: crate::users::UsersError) -> Self {
        OidcError::SignIn(Box::new(e.into()))
    }
}

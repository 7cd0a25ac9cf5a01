//! Why an OAuth request was refused, in the provider's own words.

use sea_orm::DbErr;

use crate::auth::error::AuthError;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// No enabled client with this id.
    #[error("App not found")]
    ClientNotFound,
    #[error("Invalid redirect URI")]
    InvalidRedirectUri,
    #[error("Invalid scope requested")]
    InvalidScope,
    #[error("The openid scope is required")]
    OpenidRequired,
    #[error("Unsupported response type")]
    UnsupportedResponseType,
    #[error("Unsupported code challenge method")]
    UnsupportedChallengeMethod,
    #[error("{0}")]
    InvalidField(String),
    /// A token obtained through OAuth may not consent for any client.
    #[error("Consent requires a signed-in session, not an application's token")]
    ConsentFromOAuthSession,
    /// Unknown, expired or already used code, or one issued to another client.
    #[error("Invalid or expired authorization code")]
    InvalidCode,
    #[error("Invalid code verifier")]
    InvalidVerifier,
    #[error("Invalid client secret")]
    InvalidSecret,
    /// The client no longer allows a scope the code was granted.
    #[error("Requested scopes are no longer allowed")]
    ScopesNoLongerAllowed,
    #[error("User is not active")]
    UserInactive,
    /// The refresh of an OAuth token whose client or grant no longer allows it.
    #[error("The authorization was revoked")]
    GrantRevoked,
    #[error("Grant not found")]
    GrantNotFound,
    #[error("System clients cannot be deleted")]
    SystemClient,
    #[error("OAuth client not found")]
    AdminClientNotFound,
    #[error("signing: {0}")]
    Signing(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

//! What signing in, resolving a caller or a passkey ceremony can fail with (the wire code of
//! each is chosen in `api::errors::auth`).

use sea_orm::DbErr;

use crate::caller::{LoginRequired, Refused};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The route needs a signed-in caller.
    #[error("login required")]
    LoginRequired,
    /// A refresh token was presented as an access token.
    #[error("This token cannot be used to access the API")]
    NotAnAccessToken,
    /// The account a remembered caller names is deleted.
    #[error("the account no longer exists")]
    UserGone,
    /// The signed-in account's group row is missing.
    #[error("the account's group does not exist")]
    GroupMissing,
    /// The anonymous group row is missing.
    #[error("anonymous group is missing")]
    AnonymousGroupMissing,
    /// Too many failed sign-ins for the account or from the address lately; the window
    /// (seconds) a retry waits, told by the throttle so this type depends on nothing of it.
    #[error("Too many failed sign-in attempts; try again in {} minutes", retry_after / 60)]
    Throttled { retry_after: i64 },
    /// Tokens could not be signed.
    #[error("cannot sign tokens: {0}")]
    Signing(String),
    /// Passkeys are switched off (`authn_enabled`).
    #[error("passkeys are not enabled")]
    PasskeysDisabled,
    /// WebAuthn needs a domain name as relying party id.
    #[error("Passkeys need a domain name in the primary site URL, not an IP address")]
    PasskeyNeedsDomain,
    /// The relying party or a ceremony could not be set up.
    #[error("{0}")]
    WebAuthnSetup(String),
    /// The authenticator's answer does not verify.
    #[error("{0}")]
    BadCredential(String),
    /// The credential is registered already (`cause`: the index violation, if one).
    #[error("This passkey is already registered")]
    PasskeyTaken { cause: Option<String> },
    /// The ceremony expired or was spent.
    #[error("The passkey session does not exist or has expired")]
    CeremonyGone,
    /// The account may not sign in.
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<LoginRequired> for AuthError {
    fn from(_: LoginRequired) -> Self {
        AuthError::LoginRequired
    }
}

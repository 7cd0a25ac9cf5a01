//! The account of an outside identity (a directory entry, a provider's user): found by its
//! link, made on the first sign-in, and brought up to date on each later one.

use stratus_entity::user;

use super::SignInError;
use crate::{
    state::AppState,
    users::{
        self,
        external::{self, Profile},
    },
};

/// The account linked to `subject` of `provider`, refreshed from `profile`; a new one when
/// there is none and `may_create`. An address a local account holds is refused: that account
/// is linked only by its owner (or by a verified e-mail where a provider allows it).
pub async fn account_for(
    state: &AppState,
    provider: &str,
    subject: &str,
    profile: &Profile,
    may_create: bool,
) -> Result<user::Model, SignInError> {
    if let Some(account) = external::find(&state.db, provider, subject).await? {
        return Ok(external::refresh(&state.db, account, profile).await?);
    }
    if let Ok(email) = users::normalize_email(&profile.email)
        && users::find_by_email(&state.db, &email).await?.is_some()
    {
        return Err(SignInError::EmailTaken);
    }
    if !may_create {
        return Err(SignInError::SignUpClosed);
    }
    let default_group = site_default_group(state).await?;
    match external::create(&state.db, provider, subject, profile, default_group).await {
        Err(users::UsersError::EmailTaken | users::UsersError::EmailLookAlike) => {
            Err(SignInError::EmailTaken)
        }
        other => Ok(other?),
    }
}

/// The group new accounts join (`default_group`).
pub async fn site_default_group(state: &AppState) -> Result<i64, SignInError> {
    Ok(state
        .settings
        .get("default_group")
        .await?
        .trim()
        .parse()
        .unwrap_or(2))
}

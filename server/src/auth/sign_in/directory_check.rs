//! Directory accounts' credentials checked against the directory. A directory account's
//! app passwords, WebDAV accounts, S3 keys and sessions outlive any one sign-in, so the
//! periodic job `directory_account_check` (and a failed password sign-in of the account) asks
//! the directory whether the linked entry still answers the sign-in filter and is not
//! disabled; when it does not, they are all cut. A directory that cannot be reached cuts
//! nothing. A password changed in the directory leaves them as they are: they are secrets of
//! their own, as in Nextcloud, and the account's owner revokes them in Settings.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::external_identity;

use super::directory::{Config, DirectoryError};
use crate::{
    access_watch,
    auth::{credentials, session},
    state::AppState,
    users::external::DIRECTORY,
};

/// Checks every directory account; answers how many credentials were cut.
pub async fn check_all(state: &AppState) -> Result<u64, String> {
    let Some(directory) = Config::load(state).await.map_err(|e| e.to_string())? else {
        return Ok(0);
    };
    let links = external_identity::Entity::find()
        .filter(external_identity::Column::Provider.eq(DIRECTORY))
        .all(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    let mut cut = 0;
    for link in links {
        cut += check_link(state, &directory, &link)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(cut)
}

/// Checks the directory account `user_id` (a failed password sign-in asks); answers how many
/// credentials were cut.
pub async fn check_account(
    state: &AppState,
    directory: &Config,
    user_id: i64,
) -> Result<u64, DirectoryError> {
    let links = crate::users::external::links_of(&state.db, user_id)
        .await
        .map_err(|e| DirectoryError::Settings(e.to_string()))?;
    let mut cut = 0;
    for link in links.iter().filter(|l| l.provider == DIRECTORY) {
        cut += check_link(state, directory, link).await?;
    }
    Ok(cut)
}

async fn check_link(
    state: &AppState,
    directory: &Config,
    link: &external_identity::Model,
) -> Result<u64, DirectoryError> {
    if directory.still_there(&link.subject).await? {
        return Ok(0);
    }
    let cut = cut(state, link.user_id)
        .await
        .map_err(|e| DirectoryError::Settings(e.to_string()))?;
    if cut > 0 {
        tracing::info!(
            user = link.user_id,
            cut,
            "directory entry gone or disabled: credentials cut"
        );
    }
    Ok(cut)
}

/// Cuts every credential of `user_id` that works without the directory: app passwords, S3
/// keys, WebDAV accounts and session chains (refresh tokens, and access tokens with them).
async fn cut(state: &AppState, user_id: i64) -> Result<u64, sea_orm::DbErr> {
    let mut cut = credentials::cut_devices(state, user_id).await?;
    cut += session::end_all(&state.db, user_id, None).await?;
    session::Chains::of(state).forget_all();
    access_watch::notice(state, access_watch::Narrowed::User(user_id));
    Ok(cut)
}

//! Turning share rows into the `Share` shape, revealing only what the caller may see.

use sea_orm::{ConnectionTrait, EntityTrait};
use stratus_entity::{file, group, share, user};

use super::access;
use crate::{
    api::dto::{share::Share, user::User},
    auth::caller::Caller,
    fs::{error::FsError, nav},
    ids::{HashIds, IdKind},
};

/// `<base>/s/<id>`, plus `/<password>` when `with_password` and the share has one.
pub fn share_url(ids: &HashIds, base: &str, share: &share::Model, with_password: bool) -> String {
    let id = ids.encode(share.id, IdKind::Share);
    match share
        .password
        .as_deref()
        .filter(|p| with_password && !p.is_empty())
    {
        Some(pw) => format!("{base}/s/{id}/{pw}"),
        None => format!("{base}/s/{id}"),
    }
}

/// Whether the owner asked to expose the folder view to visitors.
pub fn share_view(share: &share::Model) -> bool {
    share
        .props
        .as_ref()
        .and_then(|p| p.get("share_view"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// What to present besides the row.
pub struct Shown<'a> {
    pub caller: &'a Caller,
    /// Site base URL for the link.
    pub base: &'a str,
    pub unlocked: bool,
    /// Add `source_uri` (owner only).
    pub owner_extended: bool,
}

/// Presents `share`; the file and owner are read as they are now (a share whose file or
/// owner is gone is shown as expired).
pub async fn present(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    share: &share::Model,
    shown: &Shown<'_>,
) -> Result<Share, FsError> {
    let valid = access::check(db, share.clone()).await.ok();
    let file = match &valid {
        Some(live) => Some(live.file.clone()),
        None => file::Entity::find_by_id(share.file_id).one(db).await?,
    };
    let owner = user::Entity::find_by_id(share.user_id)
        .one(db)
        .await?
        .ok_or(FsError::ShareInvalid)?;
    let owner_group = group::Entity::find_by_id(owner.group_id)
        .one(db)
        .await?
        .ok_or(FsError::ShareInvalid)?;
    let is_owner = shown.caller.user_id() == Some(share.user_id);
    let unlocked = shown.unlocked || is_owner;
    let source_uri = match (&file, is_owner && shown.owner_extended) {
        (Some(f), true) => Some(nav::uri_of(db, f).await?.to_string()),
        _ => None,
    };
    Ok(Share {
        id: ids.encode(share.id, IdKind::Share),
        name: file.as_ref().map(|f| f.name.clone()),
        remain_downloads: share.remain_downloads.filter(|_| unlocked),
        visited: share.views,
        downloaded: unlocked.then_some(share.downloads),
        expires: share.expires.filter(|_| unlocked),
        unlocked,
        source_type: file.as_ref().map(|f| f.r#type),
        owner: User::redacted(ids, &owner, &owner_group, shown.caller.user_id().is_some()),
        created_at: share.created_at,
        expired: valid.is_none(),
        url: share_url(ids, shown.base, share, unlocked),
        is_private: is_owner.then(|| share.password.as_deref().is_some_and(|p| !p.is_empty())),
        share_view: is_owner.then(|| share_view(share)),
        password: share.password.clone().filter(|p| unlocked && !p.is_empty()),
        source_uri,
    })
}

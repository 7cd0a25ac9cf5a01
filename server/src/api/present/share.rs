//! Turning share rows into the `Share` shape, revealing only what the caller may see.

use sea_orm::ConnectionTrait;
use stratus_entity::{file, share};

use crate::{
    api::{dto::share::Share, envelope::ApiError, present::user::Redactor},
    auth::caller::Caller,
    ids::{HashIds, IdKind},
    share::{
        batch::Batch,
        details::{self, Details, share_url, share_view, show_readme},
    },
};

/// What to present besides the row.
pub struct Shown<'a> {
    pub caller: &'a Caller,
    /// Site base URL for the link.
    pub base: &'a str,
    pub unlocked: bool,
    /// Add `source_uri` (owner only).
    pub owner_extended: bool,
    /// How the owner is shown to the caller.
    pub users: &'a Redactor<'a>,
}

/// Presents `share`; the file and owner are read as they are now (a share whose file or
/// owner is gone is shown as expired).
pub async fn present(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    share: &share::Model,
    shown: &Shown<'_>,
) -> Result<Share, ApiError> {
    let found = details::details(db, share, with_source(share, shown)).await?;
    Ok(present_found(ids, share, shown, found))
}

/// [`present`] for a page of shares: what they show is read for all of them at once, in a
/// fixed number of statements whatever the page's size ([`Batch`]).
pub async fn present_all(
    db: &impl ConnectionTrait,
    ids: &HashIds,
    shares: &[share::Model],
    shown: &Shown<'_>,
) -> Result<Vec<Share>, ApiError> {
    let batch = Batch::read(db, shares).await?.with_groups(db).await?;
    shares
        .iter()
        .map(|share| {
            let found = batch.details(share, with_source(share, shown))?;
            Ok(present_found(ids, share, shown, found))
        })
        .collect()
}

/// Only the owner asking for it sees where a share points.
fn with_source(share: &share::Model, shown: &Shown<'_>) -> bool {
    shown.caller.user_id() == Some(share.user_id) && shown.owner_extended
}

fn present_found(ids: &HashIds, share: &share::Model, shown: &Shown<'_>, found: Details) -> Share {
    let is_owner = shown.caller.user_id() == Some(share.user_id);
    let unlocked = shown.unlocked || is_owner;
    let file = found.file.as_ref();
    let protected = share.password.as_deref().is_some_and(|p| !p.is_empty());
    Share {
        id: ids.encode(share.id, IdKind::Share),
        name: file.map(|f| f.name.clone()),
        remain_downloads: share.remain_downloads.filter(|_| unlocked),
        visited: share.views,
        downloaded: unlocked.then_some(share.downloads),
        expires: share.expires.filter(|_| unlocked),
        unlocked,
        source_type: file.map(|f| f.r#type),
        owner: shown.users.user(&found.owner, &found.owner_group),
        created_at: share.created_at,
        expired: !found.valid,
        url: share_url(ids, shown.base, share, unlocked),
        is_private: is_owner.then_some(protected),
        password_protected: protected.then_some(true),
        size: file
            .filter(|f| unlocked && f.r#type == file::kind::FILE)
            .map_or(0, |f| f.size),
        share_view: is_owner.then(|| share_view(share)),
        show_readme: (unlocked && show_readme(share)).then_some(true),
        password: share.password.clone().filter(|p| unlocked && !p.is_empty()),
        source_uri: found.source_uri.map(|u| u.to_string()),
        upload_only: share.upload_only.then_some(true),
        upload_limit: share.upload_limit.filter(|_| unlocked && share.upload_only),
        uploaded: (unlocked && share.upload_only).then_some(share.uploaded),
    }
}

//! What a share shows besides its row: its link, its options, and its file and owner as they
//! are now. `api::present::share` turns these into the wire shape.

use sea_orm::{ConnectionTrait, EntityTrait};
use stratus_entity::{file, group, share, user};

use super::{access, error::ShareError};
use crate::{
    fs::{
        chain::{self, Link},
        nav,
        uri::FileUri,
    },
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
    flag(share, "share_view")
}

/// Whether the owner asked to show the shared folder's README to visitors.
pub fn show_readme(share: &share::Model) -> bool {
    flag(share, "show_read_me")
}

/// A boolean option in the share's props (false when absent).
fn flag(share: &share::Model, key: &str) -> bool {
    share
        .props
        .as_ref()
        .and_then(|p| p.get(key))
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A share's file and owner as they are now.
pub struct Details {
    /// The share works right now.
    pub valid: bool,
    /// The shared file, while its row exists.
    pub file: Option<file::Model>,
    pub owner: user::Model,
    pub owner_group: group::Model,
    /// Where the shared item is in its owner's tree, when asked for: a folder, or a file's
    /// folder.
    pub source_uri: Option<FileUri>,
}

/// Reads what `share` shows; `with_source` adds the file's URI (for its owner). A share
/// whose owner or owner's group is gone is [`ShareError::Gone`].
pub async fn details(
    db: &impl ConnectionTrait,
    share: &share::Model,
    with_source: bool,
) -> Result<Details, ShareError> {
    let live = access::check(db, share.clone()).await.ok();
    let valid = live.is_some();
    // A working share has read its file and owner already.
    let (file, owner) = match live {
        Some(live) => (Some(live.file), live.owner),
        None => (
            file::Entity::find_by_id(share.file_id).one(db).await?,
            user::Entity::find_by_id(share.user_id)
                .one(db)
                .await?
                .ok_or(ShareError::Gone)?,
        ),
    };
    let owner_group = group::Entity::find_by_id(owner.group_id)
        .one(db)
        .await?
        .ok_or(ShareError::Gone)?;
    let source_uri = match (&file, with_source) {
        (Some(f), true) => Some(source_of(db, f).await?),
        _ => None,
    };
    Ok(Details {
        valid,
        file,
        owner,
        owner_group,
        source_uri,
    })
}

/// Where a share's `source_uri` points, as in Cloudreve: a shared folder itself, a shared
/// file's folder (clients append the file's name).
async fn source_of(db: &impl ConnectionTrait, f: &file::Model) -> Result<FileUri, ShareError> {
    let uri = nav::uri_of(db, f).await?;
    Ok(source_from(f, uri))
}

/// [`source_of`] with the chain of the file's parent read already (a page of shares).
pub(super) fn source_along(f: &file::Model, up: &[Link]) -> Result<FileUri, ShareError> {
    Ok(source_from(f, chain::uri_along(f, up)?))
}

fn source_from(f: &file::Model, uri: FileUri) -> FileUri {
    match f.r#type {
        file::kind::FOLDER => uri,
        _ => uri.parent().unwrap_or(uri),
    }
}

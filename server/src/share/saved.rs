//! Saved shares: a signed-in visitor keeps a share as a symbolic file in their own tree
//! (`POST /file/create` with `sys:shared_redirect` = the share URI and `sys:shared_owner`);
//! `cloudreve://shared_with_me` lists them. Such an entry follows its share: when the share
//! stops working, so does the entry.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stratus_entity::{file, metadata};

use super::access;
use crate::fs::{
    error::FsError,
    metadata::SHARED_REDIRECT,
    nav::FsCtx,
    uri::{FileUri, FsKind},
};

/// Checks the share named by a `sys:shared_redirect` value of a new file: it must be
/// someone else's valid share, and the caller must be able to open it. `Ok(true)` when the
/// new file is a saved share (and so symbolic).
pub async fn check_new(ctx: &FsCtx<'_>, metadata: &[(String, String)]) -> Result<bool, FsError> {
    let Some((_, target)) = metadata.iter().find(|(k, _)| k == SHARED_REDIRECT) else {
        return Ok(false);
    };
    let me = ctx.user()?;
    let uri = FileUri::parse(target)?;
    if uri.fs != FsKind::Share {
        return Err(FsError::Invalid(format!(
            "{SHARED_REDIRECT} must be a share URI"
        )));
    }
    let id = access::share_id(ctx.state, &uri)?;
    let share = access::find(&ctx.state.db, id)
        .await?
        .ok_or(FsError::ShareInvalid)?;
    if share.user_id == me.user.id {
        return Err(FsError::SaveOwnShare);
    }
    access::open(ctx, &uri).await?;
    Ok(true)
}

/// Checks that the share a saved entry points to still works (and, if it has a password,
/// that the saved URI still carries the right one). A symbolic row that names no share has
/// nothing to follow and passes.
pub async fn check_entry(ctx: &FsCtx<'_>, entry: &file::Model) -> Result<(), FsError> {
    match target(&ctx.state.db, entry.id).await? {
        Some(uri) => access::open(ctx, &uri).await.map(|_| ()),
        None => Ok(()),
    }
}

/// The share URI the saved entry `entry_id` points to: `None` when it names none, and
/// [`FsError::ShareInvalid`] when what it names is not a share URI.
pub async fn target(db: &impl ConnectionTrait, entry_id: i64) -> Result<Option<FileUri>, FsError> {
    let Some(target) = redirect_of(db, entry_id).await? else {
        return Ok(None);
    };
    let uri = FileUri::parse(&target).map_err(|_| FsError::ShareInvalid)?;
    if uri.fs != FsKind::Share {
        return Err(FsError::ShareInvalid);
    }
    Ok(Some(uri))
}

async fn redirect_of(db: &impl ConnectionTrait, file_id: i64) -> Result<Option<String>, FsError> {
    Ok(metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(SHARED_REDIRECT))
        .one(db)
        .await?
        .map(|m| m.value))
}

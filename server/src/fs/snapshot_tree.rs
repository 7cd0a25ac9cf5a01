//! The `snapshot` filesystem as the rest of `fs` sees it. `cloudreve://<id>@snapshot/<path>`
//! names a node of one of the caller's snapshots; the tree is rows of `snapshot_nodes`, not
//! files, so nothing in `fs` that reads or changes `files` rows may act on it. [`refuse`]
//! is what [`super::nav::resolve`] answers for such a URI: not found for anyone but the
//! snapshot's owner, read-only for the owner. Reading a snapshot (listing, downloads, copies
//! out of it) is the snapshot module's business, which the API calls for these URIs.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stratus_entity::snapshot;

use super::{
    error::FsError,
    nav::FsCtx,
    uri::{FileUri, FsKind},
};
use crate::ids::IdKind;

/// What every write into a snapshot answers.
pub const READ_ONLY: &str =
    "snapshots are read-only: copy files out of a snapshot into your drive to change them";

/// The snapshot `uri` names, when the caller owns it and it is complete; else
/// [`FsError::NotFound`] (another user's snapshot answers exactly like a missing one).
pub async fn open(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<snapshot::Model, FsError> {
    let me = ctx.user()?;
    if uri.fs != FsKind::Snapshot {
        return Err(FsError::NotFound);
    }
    let id = uri.id.as_deref().ok_or(FsError::NotFound)?;
    let id = ctx
        .state
        .ids
        .decode(id, IdKind::Snapshot)
        .map_err(|_| FsError::NotFound)?;
    find_owned(&ctx.state.db, id, me.user.id)
        .await?
        .filter(|s| s.status == snapshot::status::COMPLETED)
        .ok_or(FsError::NotFound)
}

/// The snapshot `id` when `owner_id` owns it.
pub async fn find_owned(
    db: &impl ConnectionTrait,
    id: i64,
    owner_id: i64,
) -> Result<Option<snapshot::Model>, FsError> {
    Ok(snapshot::Entity::find_by_id(id)
        .filter(snapshot::Column::OwnerId.eq(owner_id))
        .one(db)
        .await?)
}

/// The refusal of a file-system operation on a snapshot URI: not found unless the caller
/// owns the snapshot, else [`READ_ONLY`].
pub async fn refuse(ctx: &FsCtx<'_>, uri: &FileUri) -> FsError {
    match open(ctx, uri).await {
        Ok(_) => FsError::NoPermission(READ_ONLY),
        Err(e) => e,
    }
}

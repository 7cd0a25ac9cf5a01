//! Upload-only shares (deviations §5): a visitor drops a file into the shared folder without
//! seeing what is in it. This module admits an upload (the share is valid, unlocked and takes
//! uploads; the name is a plain name; the address has not uploaded too often; the share's
//! cap has room) and reserves its bytes on the share; the edge then streams the body into the
//! owner's folder as the owner (`upload::stream`, charged to the owner's quota) and settles or
//! releases the reservation here.
//!
//! The bytes are reserved on the share row before the body is stored, with one conditional
//! `UPDATE`, so uploads running at once cannot pass the cap together. A crash between the
//! reservation and its release leaves the share counting bytes it did not receive: the cap
//! errs on the safe side.

use chrono::Duration;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use stratus_entity::{group, share};

use super::{access, error::ShareError};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::group_perm,
    door::work::acting_as,
    events,
    fs::{
        error::FsError,
        nav, trash,
        uri::{FileUri, validate_name},
    },
    ids::IdKind,
    request_ctx,
    state::AppState,
};

/// Uploads one address may make into shares in [`WINDOW_SECS`].
pub const MAX_UPLOADS_PER_ADDRESS: u64 = 100;
/// The sliding window of [`MAX_UPLOADS_PER_ADDRESS`].
pub const WINDOW_SECS: i64 = 600;

/// An upload let in, with its bytes reserved on the share.
pub struct Admitted {
    pub share_id: i64,
    /// The share's owner, whose quota the file is charged to.
    pub owner: SignedIn,
    /// Where the file goes: a free name in the shared folder, in the owner's tree.
    pub target: FileUri,
    /// Bytes reserved on the share.
    pub reserved: i64,
}

/// What a visitor sends.
pub struct Drop<'a> {
    pub hashid: &'a str,
    pub password: Option<&'a str>,
    pub name: &'a str,
    /// The body's length; required, since it is reserved before the body is read.
    pub size: Option<u64>,
}

/// Lets the upload in and reserves its size on the share.
pub async fn admit(
    state: &AppState,
    caller: &Caller,
    drop: &Drop<'_>,
) -> Result<Admitted, ShareError> {
    let db = &state.db;
    let id = state
        .ids
        .decode(drop.hashid, IdKind::Share)
        .map_err(|_| ShareError::Gone)?;
    let row = access::find(db, id).await?.ok_or(ShareError::Gone)?;
    if !access::permissions(state, caller)
        .await?
        .enabled(group_perm::SHARE_DOWNLOAD)
    {
        return Err(FsError::ShareAnonymousDenied.into());
    }
    let live = access::check(db, row).await?;
    access::unlock(db, &live.share, drop.password, caller).await?;
    if !live.share.upload_only || live.is_single_file() {
        return Err(ShareError::NotUploadShare);
    }
    validate_name(drop.name).map_err(FsError::from)?;
    let size = drop
        .size
        .ok_or_else(|| ShareError::Invalid("Content-Length is required".into()))?;
    let size = i64::try_from(size).map_err(|_| ShareError::UploadCap)?;
    check_rate(db).await?;
    let owner_group = group::Entity::find_by_id(live.owner.group_id)
        .one(db)
        .await?
        .ok_or(ShareError::Gone)?;
    let folder = nav::uri_of(db, &live.file).await?;
    // A drop never replaces a file.
    let name = trash::free_name(db, live.file.id, drop.name, false).await?;
    let target = folder.join(&name).map_err(FsError::from)?;
    reserve(db, id, size).await?;
    // Counted when let in, so uploads running at once count too.
    record(db, caller, id, size).await;
    Ok(Admitted {
        share_id: id,
        owner: acting_as(live.owner, owner_group),
        target,
        reserved: size,
    })
}

/// Refuses an address that uploaded too often lately (attempts count, finished or not).
async fn check_rate(db: &impl ConnectionTrait) -> Result<(), ShareError> {
    let client = request_ctx::current().map(|c| c.client).unwrap_or_default();
    let (_, by_ip) = events::count_recent(
        db,
        events::kind::SHARE_UPLOAD,
        None,
        client.ip.as_deref(),
        Duration::seconds(WINDOW_SECS),
    )
    .await?;
    if by_ip >= MAX_UPLOADS_PER_ADDRESS {
        return Err(ShareError::UploadThrottled);
    }
    Ok(())
}

/// Adds `size` to the share's received bytes unless that passes its cap.
async fn reserve(db: &impl ConnectionTrait, id: i64, size: i64) -> Result<(), ShareError> {
    let fits = Expr::col(share::Column::UploadLimit)
        .is_null()
        .or(Expr::col(share::Column::Uploaded)
            .add(size)
            .lte(Expr::col(share::Column::UploadLimit)));
    let done = share::Entity::update_many()
        .col_expr(
            share::Column::Uploaded,
            Expr::col(share::Column::Uploaded).add(size),
        )
        .filter(share::Column::Id.eq(id))
        .filter(fits)
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(ShareError::UploadCap);
    }
    Ok(())
}

/// Gives back `bytes` of a reservation that were not stored (a failed upload, or a body
/// shorter than announced).
pub async fn release(db: &impl ConnectionTrait, share_id: i64, bytes: i64) {
    if bytes <= 0 {
        return;
    }
    let res = share::Entity::update_many()
        .col_expr(
            share::Column::Uploaded,
            Expr::col(share::Column::Uploaded).sub(bytes),
        )
        .filter(share::Column::Id.eq(share_id))
        .exec(db)
        .await;
    if let Err(e) = res {
        tracing::warn!(error = %e, share_id, "could not release a share upload reservation");
    }
}

/// Records an upload let in: the audit row that the per-address limit counts.
async fn record(db: &impl ConnectionTrait, caller: &Caller, share_id: i64, size: i64) {
    let client = request_ctx::current().map(|c| c.client).unwrap_or_default();
    events::record(
        db,
        events::kind::SHARE_UPLOAD,
        caller.user_id(),
        &client,
        Some(json!({ "share_id": share_id, "size": size })),
    )
    .await;
}

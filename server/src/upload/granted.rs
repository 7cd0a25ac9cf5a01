//! Uploads into a folder another user granted the caller write access to
//! (`cloudreve://<owner id>@my/…`). The session is the owner's: the file lands in their tree,
//! on their storage policy and charged to their quota, as what a recipient creates otherwise
//! does. It names the caller as its uploader, who alone drives its chunks, and every chunk
//! checks the grant again, so taking it back (or lowering it to read) stops the upload.

use std::sync::Arc;

use sea_orm::EntityTrait;
use stratus_entity::{group, user};

use super::{SessionProps, UploadError};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::fs_cap,
    door::work::{acting_for, copy},
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        uri::FileUri,
    },
    state::AppState,
};

/// Who an upload into another owner's folder acts for.
pub struct Acting {
    /// The folder's owner, as whom the session is opened.
    pub owner: SignedIn,
    /// The target in the owner's own terms (`cloudreve://my/…`).
    pub uri: FileUri,
    /// The caller's URI of the folder, checked again on every chunk.
    pub folder: String,
}

/// `None` when `uri` is in the caller's own tree; else the owner to act for, once the caller
/// is found to hold write access on the folder (anything less answers as the folder would).
pub async fn acting(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
) -> Result<Option<Acting>, UploadError> {
    let caller = as_caller(me);
    let ctx = FsCtx::new(state, &caller);
    if nav::foreign_owner(&ctx, uri)?.is_none() {
        return Ok(None);
    }
    let folder = writable_folder(&ctx, uri).await?;
    let owner_id = folder.file.owner_id;
    let name = uri.name().ok_or(FsError::RootProtected)?;
    let own = nav::uri_of(&state.db, &folder.file).await?.join(name)?;
    let user = user::Entity::find_by_id(owner_id)
        .one(&state.db)
        .await?
        .ok_or(FsError::NotFound)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await?
        .ok_or(FsError::NotFound)?;
    Ok(Some(Acting {
        // What the recipient changes in the owner's tree counts against the recipient's
        // credential (the guard).
        owner: acting_for(user, group, me),
        uri: own,
        folder: folder.uri.to_string(),
    }))
}

/// Refuses a chunk of a session `me` drives into another owner's folder unless the grant
/// still lets `me` upload there.
pub async fn recheck(
    state: &AppState,
    me: &SignedIn,
    props: &SessionProps,
) -> Result<(), UploadError> {
    let Some(folder) = props.granted_folder.as_deref() else {
        return Ok(());
    };
    let uri = FileUri::parse(folder).map_err(|_| FsError::NotFound)?;
    let caller = as_caller(me);
    let ctx = FsCtx::new(state, &caller);
    let node = nav::resolve(&ctx, &uri).await?;
    node.require(fs_cap::UPLOAD)?;
    Ok(())
}

/// The folder that would hold `uri`, which the caller may upload into.
async fn writable_folder(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<nav::Node, UploadError> {
    let folder = nav::resolve_parent(ctx, uri).await?;
    folder.require(fs_cap::UPLOAD)?;
    Ok(folder)
}

/// The caller as the file system takes it.
fn as_caller(me: &SignedIn) -> Caller {
    Caller::User(Arc::new(copy(me)))
}

//! `POST /file/create` of a file: as Cloudreve, a new file starts with an empty version, a
//! 0-byte blob on the user's storage policy, so it can be read and saved over like any other.

use super::{UploadError, policy, stream::discard};
use crate::{
    fs::{
        metadata::SHARED_REDIRECT,
        nav::{FsCtx, Node},
        tree::{self, EmptyBlob, Kind},
    },
    storage::keys,
};

/// Creates the empty file at `uri` (and any missing parent folders) with its 0-byte version.
/// A saved share (`sys:shared_redirect`) is a symbolic entry and gets no blob.
pub async fn create_file(
    ctx: &FsCtx<'_>,
    uri: &crate::fs::uri::FileUri,
    metadata: &[(String, String)],
    err_on_conflict: bool,
) -> Result<Node, UploadError> {
    if metadata.iter().any(|(k, _)| k == SHARED_REDIRECT) {
        return Ok(tree::create(ctx, uri, Kind::File, metadata, err_on_conflict).await?);
    }
    let (owner, name) = tree::new_place(ctx, uri).await?;
    let me = ctx.user()?;
    let policy = match owner == me.user.id {
        true => policy::group_policy(ctx.state, me).await?,
        // In another owner's folder (a write grant): on the owner's policy.
        false => policy::owner_policy(ctx.state, owner).await?,
    };
    policy::check_policy(&policy, &name, 0)?;
    let parent_path = uri.segments()[..uri.segments().len() - 1].join("/");
    let key_ctx = keys::KeyContext::new(owner, parent_path, name);
    let key = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &key_ctx)?;
    let driver = ctx.state.storage.driver(policy.id).await?;
    // The blob goes first, so no row ever names a missing one; a failed create deletes it.
    let pending = ctx.state.pending.before_put(&policy, &key);
    let empty = Box::pin(futures_util::stream::empty());
    if let Err(err) = driver.put(&key, empty, Some(0)).await {
        discard(&*driver, &key, pending).await;
        return Err(err.into());
    }
    let blob = EmptyBlob {
        key: &key,
        policy_id: policy.id,
    };
    match tree::create_empty_file(ctx, uri, metadata, err_on_conflict, blob).await {
        Ok(node) => {
            pending.settle();
            Ok(node)
        }
        Err(err) => {
            discard(&*driver, &key, pending).await;
            Err(err.into())
        }
    }
}

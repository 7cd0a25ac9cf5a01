//! `PUT /file/content`: a small edit. The whole new content comes in one request body and
//! becomes a new version (a new entity, made primary) of an existing file: Cloudreve's
//! prepare, upload and complete in one step. A recipient with write access to the file's
//! folder edits it too: the version is the owner's, charged to them, and names its author.
//!
//! The body is streamed to the storage driver under a fresh key and counted on the way; more
//! than `maxEditSize` bytes aborts the write, so at most the limit is ever stored or held.
//! Only once the blob is complete does one owner transaction check the base version again,
//! the locks and the quota, insert the entity, switch the file to it and cap the kept
//! versions. Any failure after the write deletes the blob.

use std::{
    io,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use futures_util::StreamExt;
use sea_orm::EntityTrait;
use stratus_entity::file;

use super::{
    UploadError, granted, policy,
    rows::{add_current_version, guard_insert},
};
use crate::{
    auth::caller::{Caller, SignedIn},
    boolset::fs_cap,
    download::link::EMPTY_ENTITY,
    fs::{
        error::FsError,
        journal,
        nav::{self, FsCtx, Node},
        quota, tree, tx,
        uri::FileUri,
        watch,
    },
    ids::IdKind,
    state::AppState,
    storage::{ByteStream, StorageError, keys},
};

/// `maxEditSize` when the setting is missing: 50 MiB.
pub const DEFAULT_MAX_EDIT_SIZE: i64 = 52_428_800;

/// What the client sends.
pub struct EditRequest<'a> {
    pub uri: &'a FileUri,
    /// Entity hashid the editor based its change on; empty or absent skips the check.
    pub previous: Option<&'a str>,
    /// The request's `Content-Length`, when given.
    pub declared: Option<u64>,
    pub body: ByteStream,
}

/// Stores `req.body` as the new current version of the caller's file at `req.uri`; returns
/// the updated file.
pub async fn put_content(
    state: &AppState,
    caller: &Caller,
    req: EditRequest<'_>,
) -> Result<Node, UploadError> {
    let ctx = FsCtx::new(state, caller);
    let author = ctx.user()?;
    let node = nav::resolve(&ctx, req.uri).await?;
    node.require(fs_cap::UPLOAD)?;
    let acting = acting_for(state, author, &node, req.uri).await?;
    let (me, own) = match &acting {
        Some(a) => (
            &a.owner,
            Node {
                uri: a.uri.clone(),
                ..node.clone()
            },
        ),
        None => (author, node.clone()),
    };
    if node.file.r#type != file::kind::FILE || node.file.is_symbolic {
        return Err(FsError::Exists(node.file.name.clone()).into());
    }
    let limit = max_edit_size(state).await?;
    if req.declared.is_some_and(|len| len > limit) {
        return Err(too_large(limit));
    }
    let policy = policy::group_policy(state, me).await?;
    policy::check_policy(&policy, &node.file.name, req.declared.unwrap_or(0) as i64)?;
    check_base(state, &node.file, req.previous)?;
    if let Some(len) = req.declared
        && me.user.storage.saturating_add(len as i64) > me.group.max_storage
    {
        return Err(FsError::InsufficientCapacity.into());
    }

    let key = blob_key(me, &policy, &own)?;
    let driver = state.storage.driver(policy.id).await?;
    let seen = Arc::new(AtomicU64::new(0));
    let body = limited(req.body, limit, seen.clone());
    let pending = state.pending.before_put(&policy, &key);
    if let Err(err) = driver.put(&key, body, req.declared).await {
        // A failed put stores nothing.
        pending.settle();
        return Err(if seen.load(Ordering::SeqCst) > limit {
            too_large(limit)
        } else {
            err.into()
        });
    }
    let size = seen.load(Ordering::SeqCst) as i64;
    let guard = match judged(state, me, &own).await {
        Ok(guard) => guard,
        Err(e) => {
            super::stream::discard(&*driver, &key, pending).await;
            return Err(e.into());
        }
    };
    let written = Written {
        policy: &policy,
        key: &key,
        size,
        author: author.user.id,
        guard,
    };
    match commit(state, me, &own, req.previous, written).await {
        Ok(file) => {
            pending.settle();
            Ok(Node { file, ..node })
        }
        Err(err) => {
            super::stream::discard(&*driver, &key, pending).await;
            Err(err)
        }
    }
}

/// The largest edit the site takes (`maxEditSize`).
async fn max_edit_size(state: &AppState) -> Result<u64, UploadError> {
    let max = state
        .settings
        .int("maxEditSize", DEFAULT_MAX_EDIT_SIZE)
        .await?;
    Ok(max.max(0) as u64)
}

/// An edit is an overwrite of `own`: the guard against mass deletion judges it (an app or
/// device editing through the API counts as it would over WebDAV), and its record is stored
/// with the version.
async fn judged(
    state: &AppState,
    me: &SignedIn,
    own: &Node,
) -> Result<Option<watch::Record>, FsError> {
    let mut change = watch::Change::new(watch::Action::Overwrite, own.file.id, own.uri.to_string());
    change.previous_entity = own.file.primary_entity;
    watch::decide(state, me, change).await
}

/// Whom an edit of `node` writes as: `None` for the caller's own file; for a file in a folder
/// another user granted the caller write access to, that owner, whose the version is (charged
/// to them, on their policy) though it names the caller as its author.
async fn acting_for(
    state: &AppState,
    author: &SignedIn,
    node: &Node,
    uri: &FileUri,
) -> Result<Option<granted::Acting>, UploadError> {
    if node.owned {
        return Ok(None);
    }
    let acting = granted::acting(state, author, uri).await?;
    acting.ok_or(UploadError::OwnerOnly).map(Some)
}

/// The storage key of a new version of `own` (the file in its owner's terms), by the policy's
/// naming rules.
fn blob_key(
    me: &SignedIn,
    policy: &stratus_entity::storage_policy::Model,
    own: &Node,
) -> Result<String, UploadError> {
    let segments = own.uri.segments();
    let parent_path = segments[..segments.len().saturating_sub(1)].join("/");
    let key_ctx = keys::KeyContext::new(me.user.id, parent_path, own.file.name.clone());
    Ok(keys::blob_key(
        &policy.dir_name_rule,
        &policy.file_name_rule,
        &key_ctx,
    )?)
}

/// The blob an edit stored, who wrote it, and the guard's record of it.
struct Written<'a> {
    policy: &'a stratus_entity::storage_policy::Model,
    key: &'a str,
    size: i64,
    author: i64,
    guard: Option<watch::Record>,
}

/// The owner transaction that turns the stored blob into the file's current version; `me` is
/// the owner, `node` the file in the owner's terms.
async fn commit(
    state: &AppState,
    me: &SignedIn,
    node: &Node,
    previous: Option<&str>,
    w: Written<'_>,
) -> Result<file::Model, UploadError> {
    let (policy, key, size) = (w.policy, w.key, w.size);
    policy::check_policy(policy, &node.file.name, size)?;
    let owner = me.user.id;
    let txn = tx::begin(&state.db, owner).await?;
    // Re-read under the owner's lock: the file may have been deleted or edited meanwhile.
    let current = file::Entity::find_by_id(node.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.owner_id == owner && f.parent_id.is_some())
        .ok_or(FsError::NotFound)?;
    check_base(state, &current, previous)?;
    tree::ensure_unlocked(&txn, owner, &node.uri, false, &[]).await?;
    quota::charge(&txn, owner, size, me.group.max_storage).await?;
    if let Some(record) = &w.guard {
        guard_insert(record).exec(&txn).await?;
    }
    let updated = add_current_version(&txn, current, (key, size, policy.id), w.author).await?;
    let path = journal::path_of(&txn, node).await?;
    journal::record(&txn, &[journal::modified(&updated, &path)]).await?;
    txn.commit().await?;
    crate::media_meta::queue_for(state, &updated).await;
    crate::fts::queue_for(state, &updated).await;
    Ok(updated)
}

/// `previous`, when given, must name the file's current content, else the edit is based on a
/// stale version. As in Cloudreve the hashids are compared, so an unknown or malformed id is
/// stale too; a file without content is [`EMPTY_ENTITY`].
fn check_base(
    state: &AppState,
    file: &file::Model,
    previous: Option<&str>,
) -> Result<(), UploadError> {
    let Some(previous) = previous.filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let current = state
        .ids
        .encode(file.primary_entity.unwrap_or(EMPTY_ENTITY), IdKind::Entity);
    if previous == current {
        Ok(())
    } else {
        Err(UploadError::StaleVersion)
    }
}

fn too_large(limit: u64) -> UploadError {
    UploadError::EditTooLarge { limit }
}

/// Passes `body` through, counting bytes into `seen`, and fails as soon as more than `limit`
/// bytes arrived, so the driver aborts the write.
fn limited(body: ByteStream, limit: u64, seen: Arc<AtomicU64>) -> ByteStream {
    Box::pin(body.map(move |piece| {
        let piece = piece?;
        let total = seen.fetch_add(piece.len() as u64, Ordering::SeqCst) + piece.len() as u64;
        if total > limit {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                StorageError::Other(format!("more than {limit} bytes")),
            ))
        } else {
            Ok(piece)
        }
    }))
}

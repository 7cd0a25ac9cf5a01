//! Writing a whole file from one streamed body (WebDAV `PUT`): the blob is streamed to the
//! storage driver first, then one owner transaction checks locks and quota, creates the file
//! (or adds a version to the existing one) and links the new entity. A failure after the blob
//! was written deletes it, so the database never points at a missing or partial blob.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use futures_util::StreamExt;
use sea_orm::DbBackend;
use stratus_entity::file;

use super::{
    chunk::{add_current_version, insert_file_with_version},
    create, storage_error,
};
use crate::{
    api::envelope::ApiError,
    auth::caller::SignedIn,
    fs::{
        error::FsError,
        nav, quota, tree, tx,
        uri::{FileUri, FsKind, validate_name},
    },
    state::AppState,
    storage::{ByteStream, keys},
};

/// SQLite has one writer at a time, and a writer that finds the lock taken waits in SQLite's
/// busy handler, which sleeps in growing steps; many small concurrent PUTs then spend most of
/// their time asleep. Streamed writes of this process queue here for their short commit
/// instead (SQLite's own lock still guards against other processes).
static SQLITE_COMMITS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One streamed write.
pub struct StreamWrite<'a> {
    /// Target, a `my` URI of the caller.
    pub uri: &'a FileUri,
    /// The body's length when the client announced it.
    pub size: Option<u64>,
    pub body: ByteStream,
    /// Lock tokens the client holds (WebDAV `If:`).
    pub lock_tokens: &'a [String],
}

/// Writes the file at `w.uri` (a new version when a file is already there; its parent folders
/// are created when missing) and returns its row.
pub async fn write(
    state: &AppState,
    me: &SignedIn,
    w: StreamWrite<'_>,
) -> Result<file::Model, ApiError> {
    let owner = me.user.id;
    let uri = w.uri.without_query();
    if uri.fs != FsKind::My {
        return Err(FsError::NoPermission("uploads go to your own files").into());
    }
    let name = uri.name().ok_or(FsError::RootProtected)?.to_owned();
    validate_name(&name)?;
    let policy = create::group_policy(state, me).await?;
    create::check_policy(&policy, &name, w.size.unwrap_or(0) as i64)?;
    let free = (me.group.max_storage - me.user.storage).max(0) as u64;
    if w.size.is_some_and(|s| s > free) {
        return Err(FsError::InsufficientCapacity.into());
    }
    // Locks are checked by the caller before the body is read (WebDAV checks them before it
    // opens the file) and again in the transaction that publishes the blob.
    let parent_path = uri.segments()[..uri.segments().len() - 1].join("/");
    let key_ctx = keys::KeyContext::new(owner, parent_path, name.clone());
    let key = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &key_ctx)
        .map_err(storage_error)?;
    let driver = state
        .storage
        .driver(policy.id)
        .await
        .map_err(storage_error)?;

    // A body of unknown length may not grow past the policy's limit or the free quota.
    let limit = match policy.max_size {
        max if max > 0 => free.min(max as u64),
        _ => free,
    };
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let body: ByteStream = Box::pin(w.body.map(move |piece| {
        let bytes = piece?;
        let total = counter.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
        if total > limit {
            return Err(std::io::Error::other("the body exceeds the allowed size"));
        }
        Ok(bytes)
    }));
    if let Err(err) = driver.put(&key, body, w.size).await {
        discard(&*driver, &key).await;
        let total = written.load(Ordering::Relaxed);
        if total > limit {
            return Err(if policy.max_size > 0 && total > policy.max_size as u64 {
                create::check_policy(&policy, &name, total as i64).unwrap_err()
            } else {
                FsError::InsufficientCapacity.into()
            });
        }
        return Err(storage_error(err));
    }
    let size = written.load(Ordering::Relaxed) as i64;
    let _queued = match state.db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_COMMITS.lock().await),
        _ => None,
    };
    let blob = Blob {
        key: &key,
        size,
        policy_id: policy.id,
    };
    match publish(state, me, &uri, &name, blob, w.lock_tokens).await {
        Ok(file) => Ok(file),
        Err(err) => {
            discard(&*driver, &key).await;
            Err(err)
        }
    }
}

async fn discard(driver: &dyn crate::storage::StorageDriver, key: &str) {
    if let Err(e) = driver.delete(&[key.to_owned()]).await {
        tracing::warn!(error = %e, key, "could not delete the blob of a failed write");
    }
}

/// A blob written and not yet published.
struct Blob<'a> {
    key: &'a str,
    size: i64,
    policy_id: i64,
}

/// Creates the file (or the new version) for `blob`, in one owner transaction.
async fn publish(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
    name: &str,
    Blob {
        key,
        size,
        policy_id,
    }: Blob<'_>,
    tokens: &[String],
) -> Result<file::Model, ApiError> {
    let owner = me.user.id;
    let txn = tx::begin(&state.db, owner).await?;
    tree::ensure_unlocked(&txn, owner, uri, false, tokens).await?;
    // The root, the folders above and the target, in one statement.
    let mut known = nav::chain(&txn, owner, uri.segments()).await?;
    if known.is_empty() {
        known.push(nav::insert_root(&txn, owner).await?);
    }
    let existing = (known.len() == uri.segments().len() + 1)
        .then(|| known.pop())
        .flatten();
    let parent = create::ensure_parents(&txn, owner, known, uri).await?;
    quota::charge(&txn, owner, size, me.group.max_storage).await?;
    let file = match existing {
        Some(existing) if existing.r#type == file::kind::FILE && !existing.is_symbolic => {
            add_current_version(&txn, existing, key, size, policy_id).await?
        }
        Some(_) => return Err(FsError::Exists(name.to_owned()).into()),
        None => insert_file_with_version(&txn, owner, parent, name, (key, size, policy_id)).await?,
    };
    txn.commit().await?;
    Ok(file)
}

//! Writing a whole file from one streamed body (WebDAV `PUT`): the blob is streamed to the
//! storage driver first, then [`super::commit`] checks locks and quota, creates the file (or
//! adds a version to the existing one) and links the new entity. A publish that failed deletes
//! the blob, so the database never points at a missing or partial blob; one cut off by a crash
//! is deleted at the next start (see [`crate::storage::pending`]).

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU64, Ordering},
};

use bytes::BytesMut;

use futures_util::StreamExt;
use stratus_entity::file;

use super::{UploadError, commit::Publish, policy};
use crate::{
    auth::caller::SignedIn,
    fs::{
        depth,
        error::FsError,
        path,
        uri::{FileUri, FsKind, validate_name},
        watch,
    },
    ids::IdKind,
    state::AppState,
    storage::{ByteStream, keys, pending::Pending},
};

/// One streamed write.
pub struct StreamWrite<'a> {
    /// Target, a `my` URI of the caller.
    pub uri: &'a FileUri,
    /// The body's length when the client announced it.
    pub size: Option<u64>,
    pub body: ByteStream,
    /// Lock tokens the client holds (WebDAV `If:`).
    pub lock_tokens: &'a [String],
    /// Whether the write goes to the change journal: not for a staging folder no client is
    /// told about.
    pub journal: bool,
    /// The file's modified time as the client gives it (WebDAV `X-OC-Mtime`).
    pub modified: Option<sea_orm::prelude::DateTimeUtc>,
    /// Who writes, when not the owner: a recipient writing into a folder granted to them,
    /// named as the new version's author.
    pub author: Option<i64>,
}

impl<'a> StreamWrite<'a> {
    /// A write of `body` (of unknown length) at `uri`, holding no lock and keeping no
    /// client's time; journaled when `journal`.
    pub fn plain(uri: &'a FileUri, body: ByteStream, journal: bool) -> Self {
        Self {
            uri,
            size: None,
            body,
            lock_tokens: &[],
            journal,
            modified: None,
            author: None,
        }
    }
}

/// Whether a `my` URI names the drive of user `owner`: no user in it, or theirs.
fn names_me(state: &AppState, uri: &FileUri, owner: i64) -> bool {
    match uri.id.as_deref().filter(|id| !id.is_empty()) {
        None => true,
        Some(id) => state.ids.decode(id, IdKind::User).ok() == Some(owner),
    }
}

/// Writes the file at `w.uri` (a new version when a file is already there; its parent folders
/// are created when missing) and returns its row.
pub async fn write(
    state: &AppState,
    me: &SignedIn,
    w: StreamWrite<'_>,
) -> Result<file::Model, UploadError> {
    write_as(state, me, w, false, None).await
}

/// What is at the target of a write, as the caller found it just before (WebDAV looks the
/// target up to answer 201 or 204): spares the guard a second lookup of it. A file created
/// there in between is then written over without being judged as an overwrite.
pub enum Found {
    Nothing,
    File(file::Model),
}

/// [`write`] to a target the caller looked up already.
pub async fn write_found(
    state: &AppState,
    me: &SignedIn,
    w: StreamWrite<'_>,
    found: Found,
) -> Result<file::Model, UploadError> {
    write_as(state, me, w, false, Some(found)).await
}

/// [`write`] that refuses (`Exists`) instead of adding a version when a file is already at the
/// target: for writers that must never replace a file (uploads into a share).
pub async fn write_new(
    state: &AppState,
    me: &SignedIn,
    w: StreamWrite<'_>,
) -> Result<file::Model, UploadError> {
    write_as(state, me, w, true, None).await
}

async fn write_as(
    state: &AppState,
    me: &SignedIn,
    w: StreamWrite<'_>,
    create_only: bool,
    found: Option<Found>,
) -> Result<file::Model, UploadError> {
    let owner = me.user.id;
    let uri = w.uri.without_query();
    if uri.fs != FsKind::My || !names_me(state, &uri, owner) {
        return Err(FsError::NoPermission("uploads go to your own files").into());
    }
    let name = uri.name().ok_or(FsError::RootProtected)?.to_owned();
    validate_name(&name)?;
    depth::check_new(state, &uri).await?;
    let policy = policy::group_policy(state, me).await?;
    policy::check_policy(&policy, &name, w.size.unwrap_or(0) as i64)?;
    let free = (me.group.max_storage - me.user.storage).max(0) as u64;
    if w.size.is_some_and(|s| s > free) {
        return Err(FsError::InsufficientCapacity.into());
    }
    // Locks are checked by the caller before the body is read (WebDAV checks them before it
    // opens the file) and again in the transaction that publishes the blob.
    let parent_path = uri.segments()[..uri.segments().len() - 1].join("/");
    let key_ctx = keys::KeyContext::new(owner, parent_path, name.clone());
    let key = keys::blob_key(&policy.dir_name_rule, &policy.file_name_rule, &key_ctx)?;
    let driver = state.storage.driver(policy.id).await?;

    // A body of unknown length may not grow past the policy's limit or the free quota.
    let limit = match policy.max_size {
        max if max > 0 => free.min(max as u64),
        _ => free,
    };
    // A watched credential writing over a file: the guard against mass deletion is asked
    // before the new content is published, with the first bytes of it, kept as they stream.
    let replaced = overwritten(state, me, &uri, create_only, found).await?;
    let sample = replaced
        .as_ref()
        .map(|_| Arc::new(Mutex::new(BytesMut::new())));
    let written = Arc::new(AtomicU64::new(0));
    let body = counted(w.body, limit, written.clone(), sample.clone());
    let pending = state.pending.before_put(&policy, &key);
    if let Err(err) = driver.put(&key, body, w.size).await {
        discard(&*driver, &key, pending).await;
        let total = written.load(Ordering::Relaxed);
        if total > limit {
            return Err(if policy.max_size > 0 && total > policy.max_size as u64 {
                policy::check_policy(&policy, &name, total as i64).unwrap_err()
            } else {
                FsError::InsufficientCapacity.into()
            });
        }
        return Err(err.into());
    }
    let size = written.load(Ordering::Relaxed) as i64;
    let guard = match judge_overwrite(state, me, replaced, sample, &uri).await {
        Ok(guard) => guard,
        Err(e) => {
            discard(&*driver, &key, pending).await;
            return Err(e.into());
        }
    };
    let publish = Publish {
        owner,
        max_storage: me.group.max_storage,
        uri,
        name,
        key: key.clone(),
        size,
        policy_id: policy.id,
        tokens: w.lock_tokens.to_vec(),
        journal: w.journal,
        create_only,
        origin: crate::request_ctx::current(),
        modified: w.modified,
        author: w.author.unwrap_or(owner),
        guard,
    };
    publish_or_discard(state, &*driver, pending, publish).await
}

/// The body counted into `written` and cut off past `limit`; its first bytes copied into
/// `sample` when there is one.
fn counted(
    body: ByteStream,
    limit: u64,
    written: Arc<AtomicU64>,
    sample: Option<Arc<Mutex<BytesMut>>>,
) -> ByteStream {
    Box::pin(body.map(move |piece| {
        let bytes = piece?;
        let total = written.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
        if total > limit {
            return Err(std::io::Error::other("the body exceeds the allowed size"));
        }
        if let Some(keep) = &sample {
            let mut kept = keep.lock().expect("sample");
            let room = watch::SAMPLE_BYTES.saturating_sub(kept.len());
            if room > 0 {
                kept.extend_from_slice(&bytes[..room.min(bytes.len())]);
            }
        }
        Ok(bytes)
    }))
}

/// Asks the guard against mass deletion about the overwrite of `replaced` (if any) with
/// content whose first bytes are `sample`; its record is stored with the publish.
async fn judge_overwrite(
    state: &AppState,
    me: &SignedIn,
    replaced: Option<file::Model>,
    sample: Option<Arc<Mutex<BytesMut>>>,
    uri: &FileUri,
) -> Result<Option<watch::Record>, FsError> {
    let Some(file) = replaced else {
        return Ok(None);
    };
    let mut change = watch::Change::new(watch::Action::Overwrite, file.id, uri.to_string());
    change.previous_entity = file.primary_entity;
    change.sample = sample.map(|s| s.lock().expect("sample").split().freeze());
    watch::decide(state, me, change).await
}

/// The file a write to `uri` gives a new version, when `me`'s changes are watched: from what
/// the caller found there when it looked, else looked up.
async fn overwritten(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
    create_only: bool,
    found: Option<Found>,
) -> Result<Option<file::Model>, UploadError> {
    Ok(match (create_only, found) {
        (true, _) | (false, Some(Found::Nothing)) => None,
        (false, Some(Found::File(row))) => {
            (row.r#type == file::kind::FILE && watch::watches(state, me).await).then_some(row)
        }
        (false, None) => replaced_file(state, me, uri).await?,
    })
}

/// The file a write to `uri` would give a new version, when `me`'s changes are watched.
pub(super) async fn replaced_file(
    state: &AppState,
    me: &SignedIn,
    uri: &FileUri,
) -> Result<Option<file::Model>, UploadError> {
    if !watch::watches(state, me).await {
        return Ok(None);
    }
    let segments = uri.segments();
    let chain = path::chain(&state.db, me.user.id, segments).await?;
    Ok(chain
        .into_iter()
        .nth(segments.len())
        .filter(|f| f.r#type == file::kind::FILE))
}

/// Publishes the written blob; when that published nothing the blob is deleted, so the
/// database never points at a missing blob and no blob is left unnamed.
async fn publish_or_discard(
    state: &AppState,
    driver: &dyn crate::storage::StorageDriver,
    pending: Pending,
    publish: Publish,
) -> Result<file::Model, UploadError> {
    let key = publish.key.clone();
    match super::commit::Committer::of(state).publish(publish).await {
        Ok(file) => {
            pending.settle();
            crate::media_meta::queue_for(state, &file).await;
            crate::fts::queue_for(state, &file).await;
            Ok(file)
        }
        Err(failed) => {
            if failed.published_nothing {
                discard(driver, &key, pending).await;
            } else {
                // Whether the row was committed is not known: the next start looks.
                drop(pending);
            }
            Err(failed.error)
        }
    }
}

/// Deletes the blob of a write that published nothing; when that fails, its record stays
/// open for the next start to try again.
pub(super) async fn discard(
    driver: &dyn crate::storage::StorageDriver,
    key: &str,
    pending: Pending,
) {
    match driver.delete(&[key.to_owned()]).await {
        Ok(failed) if failed.is_empty() => pending.settle(),
        Ok(failed) => {
            for (key, e) in failed {
                tracing::warn!(error = %e, key, "could not delete the blob of a failed write");
            }
        }
        Err(e) => tracing::warn!(error = %e, key, "could not delete the blob of a failed write"),
    }
}

//! Restoring a `folder` or `users` record into the drive (`POST /admin/backup/record/:id/restore`,
//! a `backup_restore` task on `io_intense`).
//!
//! The task streams the record's manifest and recreates each `folder` and `file` line (older
//! `version` lines are not restored): in place (a folder record: below the task's source
//! folder; a users record: each owner's drive root), or below `dst` in the drive of each
//! line's owner. Files are written by [`upload::stream::write`] as their owner, so quota and
//! locks apply and a name already taken gets a new version: the replaced content stays as an
//! older version. A file whose current content already equals the backup's is left alone, which
//! also makes a file redone after a crash a no-op. Each blob is checked by size and SHA-256
//! while it streams; a missing or damaged one fails only its file, named in the final error.
//! The index of the next manifest line is stored after each file, so a killed task resumes.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use futures_util::{FutureExt, StreamExt, future::BoxFuture, stream};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{entity, group, task as task_row, user};

use super::restore::{RestoreError, blob_key, download};
use crate::{
    caller::{Caller, SignedIn},
    door::work::acting_as,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        tree::{self, Kind},
        uri::FileUri,
    },
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind, store},
    state::AppState,
    storage::{ByteStream, StorageDriver, StorageError},
    upload::{
        UploadError,
        stream::{StreamWrite, write},
    },
};

/// File paths kept in the state for the final error; past that only counted.
const NAMED_FAILURES: usize = 50;

/// The stored state of a `backup_restore` task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RestoreState {
    pub record_id: i64,
    /// A folder URI (`cloudreve://my/...`) restored into, in each owner's drive.
    #[serde(default)]
    pub dst: Option<String>,
    /// Index (after the header) of the next manifest line to restore.
    #[serde(default)]
    pub next: usize,
    #[serde(default)]
    pub restored: u64,
    #[serde(default)]
    pub unchanged: u64,
    /// Files left alone because a WebDAV lock holds them.
    #[serde(default)]
    pub skipped: u64,
    /// Files that could not be restored (the first [`NAMED_FAILURES`]).
    #[serde(default)]
    pub failed: Vec<String>,
    #[serde(default)]
    pub failed_count: usize,
}

pub struct BackupRestore;

impl BackupRestore {
    pub const NAME: &'static str = queue::kinds::BACKUP_RESTORE;
}

impl TaskKind for BackupRestore {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

/// Checks a restore of record `id` into `dst` (or in place) and queues it as `admin`'s task.
pub async fn submit(
    state: &AppState,
    admin: i64,
    id: i64,
    dst: Option<String>,
) -> Result<task_row::Model, RestoreError> {
    let (record, target) = download::record_and_target(state, id).await?;
    let manifest = download::spool_manifest(state, target.as_ref(), &record.name).await?;
    let header = download::read_first_line(&manifest)?;
    match header["kind"].as_str() {
        Some("folder" | "users") => {}
        Some("instance") => {
            return Err(RestoreError::Invalid(
                "an instance record is restored on a fresh machine with `stratus restore`, \
                 not into the running drive"
                    .into(),
            ));
        }
        other => {
            return Err(RestoreError::Invalid(format!(
                "a record of kind {other:?} cannot be restored"
            )));
        }
    }
    let dst = match dst.filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => {
            let uri = FileUri::parse(&d).map_err(|e| RestoreError::Invalid(format!("dst: {e}")))?;
            if uri.fs != crate::fs::uri::FsKind::My || uri.id.is_some() {
                return Err(RestoreError::Invalid(
                    "dst: a folder of the drive (cloudreve://my/...)".into(),
                ));
            }
            Some(uri.to_string())
        }
    };
    let st = RestoreState {
        record_id: record.id,
        dst: dst.clone(),
        next: 0,
        restored: 0,
        unchanged: 0,
        skipped: 0,
        failed: Vec::new(),
        failed_count: 0,
    };
    let private = serde_json::to_string(&st).map_err(|e| RestoreError::Invalid(e.to_string()))?;
    let summary = json!({
        "phase": "",
        "props": {"backup_record": record.id, "record": record.name, "dst": dst},
    });
    Ok(store::submit(state, &BackupRestore, Some(admin), private, summary, None).await?)
}

fn retry(e: impl ToString) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let mut st: RestoreState = ctx.required_state()?;
    let state = &ctx.state;
    let (record, target) = match download::record_and_target(state, st.record_id).await {
        Ok(found) => found,
        Err(RestoreError::Db(e)) => return Err(retry(e)),
        Err(e) => return Err(TaskError::Fatal(e.to_string())),
    };
    let manifest = download::spool_manifest(state, target.as_ref(), &record.name)
        .await
        .map_err(retry)?;
    let header =
        download::read_first_line(&manifest).map_err(|e| TaskError::Fatal(e.to_string()))?;
    let folder_record = header["kind"] == "folder";
    let base = restore_base(st.dst.as_deref(), &header, folder_record)?;
    let source_user = header["source"]["user_id"].as_i64();
    let mut owners: HashMap<i64, Arc<SignedIn>> = HashMap::new();
    for (index, line) in download::manifest_lines(manifest).enumerate() {
        if index < st.next {
            continue;
        }
        let line = line.map_err(|e| TaskError::Fatal(e.to_string()))?;
        let kind = line["type"].as_str().unwrap_or_default();
        if kind == "folder" || kind == "file" {
            let owner_id = match (folder_record, source_user) {
                (true, Some(id)) => id,
                _ => line["owner"]
                    .as_i64()
                    .ok_or_else(|| TaskError::Fatal("a manifest line names no owner".into()))?,
            };
            let me = match owners.get(&owner_id) {
                Some(me) => me.clone(),
                None => {
                    let me = Arc::new(signed_in(state, owner_id).await?);
                    owners.insert(owner_id, me.clone());
                    me
                }
            };
            let path = line["path"].as_str().unwrap_or_default();
            let uri = below(&base, path).map_err(|e| TaskError::Fatal(format!("{path}: {e}")))?;
            let outcome = if kind == "folder" {
                ensure_folder(state, &me, &uri).await.map(|_| false)
            } else {
                restore_file(state, &me, target.as_ref(), &uri, &line).await
            };
            count(ctx, &mut st, &uri, outcome)?;
        }
        st.next = index + 1;
        if kind == "file" || kind == "folder" {
            ctx.progress("restored", st.restored as i64, 0, "");
            ctx.save_state(&st).await?;
        }
    }
    ctx.save_state(&st).await?;
    if st.failed_count > 0 {
        let more = st.failed_count - st.failed.len();
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        return Err(TaskError::Fatal(format!(
            "{} files could not be restored: {}{tail}",
            st.failed_count,
            st.failed.join(", ")
        )));
    }
    Ok(())
}

/// Where line paths go: the destination asked for, else the folder backed up (folder
/// records) or the drive root.
fn restore_base(
    dst: Option<&str>,
    header: &serde_json::Value,
    folder_record: bool,
) -> Result<FileUri, TaskError> {
    let base_raw = match (dst, folder_record) {
        (Some(dst), _) => dst.to_owned(),
        (None, true) => header["source"]["uri"]
            .as_str()
            .ok_or_else(|| TaskError::Fatal("the manifest names no source folder".into()))?
            .to_owned(),
        (None, false) => "cloudreve://my".to_owned(),
    };
    FileUri::parse(&base_raw).map_err(|e| TaskError::Fatal(e.to_string()))
}

/// Counts one item's outcome: a database failure retries the task; a locked or broken item
/// is logged and the restore goes on (broken ones are named in the end, up to
/// [`NAMED_FAILURES`]).
fn count(
    ctx: &TaskCtx,
    st: &mut RestoreState,
    uri: &FileUri,
    outcome: Result<bool, Failure>,
) -> Result<(), TaskError> {
    match outcome {
        Ok(true) => st.unchanged += 1,
        Ok(false) => st.restored += 1,
        Err(Failure::Retry(e)) => return Err(TaskError::Retry(e)),
        Err(Failure::Locked) => {
            ctx.log(LogLine::new("backupRestore.locked").arg("path", uri.path()));
            st.skipped += 1;
        }
        Err(Failure::File(why)) => {
            ctx.log(
                LogLine::new("backupRestore.failed")
                    .arg("path", uri.path())
                    .arg("reason", why.clone()),
            );
            tracing::warn!(file = %uri.path(), error = %why, "backup restore: file skipped");
            st.failed_count += 1;
            if st.failed.len() < NAMED_FAILURES {
                st.failed.push(uri.path());
            }
        }
    }
    Ok(())
}

/// Why one item was not restored.
enum Failure {
    /// The database failed: the whole task is tried again from its saved line.
    Retry(String),
    /// A lock holds the path: skipped and logged.
    Locked,
    /// This item only (a missing or damaged blob, the quota): logged and named.
    File(String),
}

impl From<FsError> for Failure {
    fn from(e: FsError) -> Self {
        match e {
            FsError::Db(e) => Failure::Retry(e.to_string()),
            FsError::Lock(_) => Failure::Locked,
            other => Failure::File(other.to_string()),
        }
    }
}

impl From<UploadError> for Failure {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Fs(e) => e.into(),
            other => Failure::File(other.to_string()),
        }
    }
}

/// `base` with the manifest path `path` (`/a/b`) below it.
fn below(base: &FileUri, path: &str) -> Result<FileUri, crate::fs::uri::UriError> {
    let mut uri = base.without_query();
    for name in path.split('/').filter(|n| !n.is_empty()) {
        uri = uri.join(name)?;
    }
    Ok(uri)
}

/// User `id` with their group, as the writes' caller.
async fn signed_in(state: &AppState, id: i64) -> Result<SignedIn, TaskError> {
    let gone = || TaskError::Fatal(format!("user {id} of the backup no longer exists"));
    let user = user::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(retry)?
        .ok_or_else(gone)?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await
        .map_err(retry)?
        .ok_or_else(gone)?;
    Ok(acting_as(user, group))
}

/// The folder at `uri` in `me`'s drive, created with its parents when missing.
async fn ensure_folder(state: &AppState, me: &Arc<SignedIn>, uri: &FileUri) -> Result<(), Failure> {
    if uri.is_root() {
        return Ok(());
    }
    let caller = Caller::User(me.clone());
    let ctx = FsCtx::new(state, &caller);
    match nav::resolve(&ctx, uri).await {
        Ok(node) if node.is_folder() => Ok(()),
        Ok(_) => Err(Failure::File("a file is in the way of the folder".into())),
        Err(FsError::NotFound) => tree::create(&ctx, uri, Kind::Folder, &[], false)
            .await
            .map(|_| ())
            .map_err(Failure::from),
        Err(e) => Err(e.into()),
    }
}

/// Restores the file of manifest line `line` at `uri`; `true` when it already had that content.
async fn restore_file(
    state: &AppState,
    me: &Arc<SignedIn>,
    target: &dyn StorageDriver,
    uri: &FileUri,
    line: &Value,
) -> Result<bool, Failure> {
    let size = line["size"].as_u64().unwrap_or_default();
    let sha = line["sha256"].as_str().unwrap_or_default().to_owned();
    if same_content(state, me, uri, size, &sha).await? {
        return Ok(true);
    }
    if let Some(parent) = uri.parent() {
        ensure_folder(state, me, &parent).await?;
    }
    let body: ByteStream = match line["blob"].as_str() {
        // A file backed up empty has no blob.
        None if size == 0 => Box::pin(stream::empty()),
        None => return Err(Failure::File("the manifest names no blob".into())),
        Some(blob) => {
            let key = blob_key(blob);
            let object = match target.get(&key, None).await {
                Ok(object) => object,
                Err(StorageError::NotFound) => {
                    return Err(Failure::File(format!(
                        "blob {blob} is missing on the target"
                    )));
                }
                Err(e) => return Err(Failure::File(format!("blob {blob}: {e}"))),
            };
            if object.size != size {
                return Err(Failure::File(format!(
                    "blob {blob} has {} bytes on the target, {size} expected",
                    object.size
                )));
            }
            checked(object.stream, size, sha)
        }
    };
    let w = StreamWrite {
        uri,
        size: Some(size),
        body,
        lock_tokens: &[],
        journal: true,
        modified: None,
        author: None,
    };
    write(state, me, w).await?;
    Ok(false)
}

/// `body` checked while it streams: a last error piece when it does not have `size` bytes of
/// SHA-256 `sha`, so the write fails and publishes nothing.
fn checked(body: ByteStream, size: u64, sha: String) -> ByteStream {
    let hasher = Arc::new(Mutex::new((Sha256::new(), 0u64)));
    let seen = hasher.clone();
    let data = body.map(move |piece| {
        let piece = piece?;
        let mut h = seen.lock().expect("hasher");
        h.0.update(&piece);
        h.1 += piece.len() as u64;
        Ok(piece)
    });
    let end = stream::once(async move {
        let (h, n) = std::mem::take(&mut *hasher.lock().expect("hasher"));
        let got = hex::encode(h.finalize());
        if n != size || (!sha.is_empty() && !got.eq_ignore_ascii_case(&sha)) {
            Some(Err(std::io::Error::other(format!(
                "the blob is corrupt on the target ({n} bytes, sha256 {got})"
            ))))
        } else {
            None
        }
    })
    .filter_map(futures_util::future::ready);
    Box::pin(data.chain(end))
}

/// Whether the file at `uri` exists with a current version of `size` bytes and SHA-256 `sha`.
async fn same_content(
    state: &AppState,
    me: &Arc<SignedIn>,
    uri: &FileUri,
    size: u64,
    sha: &str,
) -> Result<bool, Failure> {
    let caller = Caller::User(me.clone());
    let ctx = FsCtx::new(state, &caller);
    let node = match nav::resolve(&ctx, uri).await {
        Ok(node) => node,
        Err(FsError::NotFound) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    if node.is_folder() || node.file.size as u64 != size {
        return Ok(false);
    }
    let Some(current) = node.file.primary_entity else {
        return Ok(size == 0);
    };
    let row = entity::Entity::find_by_id(current)
        .one(&state.db)
        .await
        .map_err(|e| Failure::Retry(e.to_string()))?;
    let Some(row) = row else { return Ok(false) };
    let driver = state
        .storage
        .driver(row.storage_policy_id)
        .await
        .map_err(|e| Failure::File(e.to_string()))?;
    let object = match driver.get(&row.source, None).await {
        Ok(object) => object,
        // Unreadable current content: write the backup's over it as a new version.
        Err(_) => return Ok(false),
    };
    let mut h = Sha256::new();
    let mut body = object.stream;
    while let Some(piece) = body.next().await {
        match piece {
            Ok(piece) => h.update(&piece),
            Err(_) => return Ok(false),
        }
    }
    Ok(hex::encode(h.finalize()).eq_ignore_ascii_case(sha))
}

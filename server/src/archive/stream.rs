//! Building an archive on the fly, as the requester: every URI of the session is resolved
//! again with the requester's rights now (so what was trashed, deleted or is not theirs is
//! left out), folders are walked one page of children at a time, and each file's bytes go
//! from the storage driver to the client through [`ZipEncoder`] without being held.
//!
//! A background task writes into a small channel that the response body drains, so memory
//! stays flat: a few chunks in flight, the walk's pending pages, and the central-directory
//! records. If anything fails after the first byte, the body ends with an error, which
//! aborts the HTTP response: the client sees a broken download, never a short zip that
//! looks complete.

use std::{
    collections::{HashMap, HashSet},
    io,
};

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, future, stream};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use stratus_entity::{entity, file, snapshot_node};
use tokio::sync::mpsc;

use super::zip::{ZipEncoder, ZipError, check_path, needs_zip64};
use crate::{
    auth::caller::Caller,
    boolset::fs_cap,
    download::link,
    fs::{
        error::FsError,
        nav::{self, FsCtx, Node},
        snapshot_tree,
        uri::{FileUri, FsKind},
    },
    net::AbortHandle,
    state::AppState,
    storage::{ByteStream, StorageError},
};

/// Children fetched per query.
const PAGE: u64 = 500;
/// Chunks buffered between the writer task and the response.
const CHANNEL: usize = 8;
/// Small pieces (headers, descriptors, small files) are gathered up to this size.
const GATHER: usize = 64 * 1024;

/// Why an archive could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The file system failed (resolving a URI).
    #[error(transparent)]
    Fs(#[from] FsError),
    /// The database failed (walking a folder).
    #[error(transparent)]
    Db(#[from] DbErr),
    /// Reading a blob failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Reading a blob failed mid-stream.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// An entry could not be encoded (e.g. an illegal stored name).
    #[error(transparent)]
    Zip(#[from] ZipError),
    /// A blob did not have the size its driver announced.
    #[error("{path:?} has {actual} bytes, expected {expected}")]
    SizeMismatch {
        path: String,
        expected: u64,
        actual: u64,
    },
    /// More entries than the group's `max_walked_files`.
    #[error("more than {0} entries")]
    TooMany(usize),
    /// The client went away.
    #[error("the client closed the connection")]
    Closed,
}

/// The archive of `uris` as a byte stream, built in a background task as `caller`, with at
/// most `limit` entries (the group's `max_walked_files`). On a
/// failure the stream ends with an error and `abort` (the response's connection) is aborted,
/// so the client cannot take the partial body for a complete one.
pub fn body(
    state: AppState,
    caller: Caller,
    limit: usize,
    uris: Vec<String>,
    abort: Option<AbortHandle>,
) -> ByteStream {
    let (tx, rx) = mpsc::channel::<Bytes>(CHANNEL);
    let task = tokio::spawn(async move {
        let result = write(&state, &caller, limit, &uris, Out::new(tx)).await;
        match &result {
            Ok(()) | Err(BuildError::Closed) => {}
            Err(err) => tracing::warn!(error = %err, "archive download failed"),
        }
        result
    });
    let data = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (Ok(piece), rx))
    });
    // The channel closes when the task ends; its outcome decides how the body ends.
    let end = stream::once(async move {
        let err = match task.await {
            Ok(Ok(())) => return None,
            Ok(Err(err)) => io::Error::other(err.to_string()),
            Err(err) => io::Error::other(err),
        };
        if let Some(abort) = abort {
            abort.abort();
        }
        Some(Err(err))
    })
    .filter_map(future::ready);
    Box::pin(data.chain(end))
}

async fn write(
    state: &AppState,
    caller: &Caller,
    limit: usize,
    uris: &[String],
    out: Out,
) -> Result<(), BuildError> {
    // Each share the zip reaches into counted its download when the URL was handed out.
    let ctx = FsCtx::new(state, caller).with_download_counted();
    let mut zip = Writer {
        state,
        enc: ZipEncoder::new(),
        out,
        limit,
    };
    let mut top = HashSet::new();
    for raw in uris {
        if let Ok(uri) = FileUri::parse(raw)
            && uri.fs == FsKind::Snapshot
        {
            zip.snapshot_item(&ctx, &uri, &mut top).await?;
            continue;
        }
        let Some(node) = resolve(&ctx, raw).await? else {
            continue;
        };
        let file = &node.file;
        if node.is_folder() {
            // The root folder (`cloudreve://my`) has no name: its children go at the top.
            let prefix = if file.name.is_empty() {
                String::new()
            } else {
                let name = unique(&mut top, &file.name);
                zip.directory(&name, file.updated_at).await?;
                name
            };
            zip.folder(file.owner_id, file.id, prefix).await?;
        } else {
            match link::pick_entity(state, file, None).await {
                Ok(entity) => {
                    let name = unique(&mut top, &file.name);
                    zip.file(&name, file.updated_at, entity.as_ref()).await?;
                }
                // Still uploading, or the blob is gone: as if it were not there.
                Err(err) => tracing::debug!(uri = %raw, error = %err, "left out of archive"),
            }
        }
    }
    zip.finish().await
}

/// Resolves one URI as the requester; `None` when it is gone or no longer theirs to download.
async fn resolve(ctx: &FsCtx<'_>, raw: &str) -> Result<Option<Node>, BuildError> {
    let node = match FileUri::parse(raw).map_err(FsError::from) {
        Ok(uri) => nav::resolve(ctx, &uri).await,
        Err(err) => Err(err),
    };
    // The root of a single-file share is the file's folder: the session names the file
    // itself (`sources::check`), and the folder is never walked.
    let single_file_root = match &node {
        Ok(node) => crate::fs::share_tree::single_file_root(ctx, node)
            .await?
            .is_some(),
        Err(_) => false,
    };
    match node {
        Ok(node)
            if node.require(fs_cap::DOWNLOAD).is_ok()
                && !node.file.is_symbolic
                && !single_file_root =>
        {
            Ok(Some(node))
        }
        Ok(_) | Err(FsError::NotFound | FsError::NoPermission(_) | FsError::Invalid(_)) => {
            tracing::debug!(uri = %raw, "left out of archive");
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// A top-level name not used yet: `name`, else `name (2)`, `name (3)`, ...
fn unique(taken: &mut HashSet<String>, name: &str) -> String {
    if taken.insert(name.to_owned()) {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|i| format!("{stem} ({i}){ext}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .expect("some suffix is free")
}

/// The path of `name` inside the folder at `prefix`; a stored name that is not a single safe
/// segment is refused rather than allowed to climb out or nest.
fn join(prefix: &str, name: &str) -> Result<String, ZipError> {
    if name.contains('/') {
        return Err(ZipError::IllegalName(name.to_owned()));
    }
    check_path(name)?;
    Ok(if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    })
}

/// A folder still to be listed, from after `after` (a child name) on.
struct Frame {
    id: i64,
    prefix: String,
    after: Option<String>,
}

struct Writer<'a> {
    state: &'a AppState,
    enc: ZipEncoder,
    out: Out,
    limit: usize,
}

impl Writer<'_> {
    fn count(&self) -> Result<(), BuildError> {
        if self.enc.len() >= self.limit {
            return Err(BuildError::TooMany(self.limit));
        }
        Ok(())
    }

    async fn directory(&mut self, path: &str, modified: DateTime<Utc>) -> Result<(), BuildError> {
        self.count()?;
        let header = self.enc.directory(path, modified)?;
        self.out.small(&header).await
    }

    /// One file: an empty one without a blob, or a blob streamed from its driver.
    async fn file(
        &mut self,
        path: &str,
        modified: DateTime<Utc>,
        blob: Option<&entity::Model>,
    ) -> Result<(), BuildError> {
        self.count()?;
        let Some(blob) = blob else {
            let header = self.enc.start_file(path, modified, false)?;
            self.out.small(&header).await?;
            let descriptor = self.enc.finish_file()?;
            return self.out.small(&descriptor).await;
        };
        let driver = self.state.storage.driver(blob.storage_policy_id).await?;
        let object = driver.get(&blob.source, None).await?;
        let expected = object.size;
        let header = self.enc.start_file(path, modified, needs_zip64(expected))?;
        self.out.small(&header).await?;
        let mut stream = object.stream;
        while let Some(piece) = stream.next().await {
            let piece = piece?;
            self.enc.data(&piece)?;
            self.out.piece(piece).await?;
        }
        let actual = self.enc.written();
        if actual != expected {
            return Err(BuildError::SizeMismatch {
                path: path.to_owned(),
                expected,
                actual,
            });
        }
        let descriptor = self.enc.finish_file()?;
        self.out.small(&descriptor).await
    }

    /// Everything below folder `id` (owned by `owner`), depth first. Pending work is one
    /// frame per folder discovered but not listed yet, and one page of children at a time.
    async fn folder(&mut self, owner: i64, id: i64, prefix: String) -> Result<(), BuildError> {
        let db = &self.state.db;
        let mut stack = vec![Frame {
            id,
            prefix,
            after: None,
        }];
        while let Some(frame) = stack.pop() {
            let page = children(db, owner, frame.id, frame.after.as_deref()).await?;
            let full = page.len() as u64 == PAGE;
            let blobs = blobs_of(db, &page).await?;
            let mut folders = Vec::new();
            for child in &page {
                if child.is_symbolic {
                    continue;
                }
                let path = join(&frame.prefix, &child.name)?;
                if child.r#type == file::kind::FOLDER {
                    self.directory(&path, child.updated_at).await?;
                    folders.push(Frame {
                        id: child.id,
                        prefix: path,
                        after: None,
                    });
                    continue;
                }
                match child.primary_entity {
                    None if child.size == 0 => self.file(&path, child.updated_at, None).await?,
                    Some(id) if blobs.contains_key(&id) => {
                        self.file(&path, child.updated_at, blobs.get(&id)).await?
                    }
                    // Still uploading, or the blob is gone: as if it were not there.
                    _ => tracing::debug!(path, "left out of archive"),
                }
            }
            if full && let Some(last) = page.last() {
                stack.push(Frame {
                    after: Some(last.name.clone()),
                    ..frame
                });
            }
            // Subfolders go on top, so they are finished before the rest of this folder.
            stack.extend(folders.into_iter().rev());
        }
        Ok(())
    }

    /// One item of a snapshot (`cloudreve://<id>@snapshot/...`): a file's blob, or a
    /// folder's nodes as the snapshot holds them. A node gone or not the requester's is left
    /// out, as live items are.
    async fn snapshot_item(
        &mut self,
        ctx: &FsCtx<'_>,
        uri: &FileUri,
        top: &mut HashSet<String>,
    ) -> Result<(), BuildError> {
        let found = match snapshot_tree::resolve(ctx, uri).await {
            Ok(found) => found,
            Err(FsError::NotFound | FsError::NoPermission(_) | FsError::Invalid(_)) => {
                tracing::debug!(uri = %uri, "left out of archive");
                return Ok(());
            }
            Err(err) => return Err(err.into()),
        };
        let node = &found.node;
        if !found.is_folder() {
            let file = snapshot_tree::as_file(node, found.snapshot.owner_id);
            if let Ok(entity) = link::pick_entity(self.state, &file, None).await {
                let name = unique(top, &node.name);
                self.file(&name, node.updated_at, entity.as_ref()).await?;
            }
            return Ok(());
        }
        // The snapshot of a whole drive has a root without a name: its children go at the top.
        let prefix = if node.name.is_empty() {
            String::new()
        } else {
            let name = unique(top, &node.name);
            self.directory(&name, node.updated_at).await?;
            name
        };
        let db = &self.state.db;
        let mut stack = vec![(node.node_id, prefix)];
        while let Some((folder, prefix)) = stack.pop() {
            let page = snapshot_node::Entity::find()
                .filter(snapshot_node::Column::SnapshotId.eq(found.snapshot.id))
                .filter(snapshot_node::Column::ParentNodeId.eq(folder))
                .order_by_asc(snapshot_node::Column::Name)
                .all(db)
                .await?;
            let mut folders = Vec::new();
            for chunk in page.chunks(PAGE as usize) {
                let ids: Vec<i64> = chunk.iter().filter_map(|n| n.entity_id).collect();
                let blobs: HashMap<i64, entity::Model> = entity::Entity::find()
                    .filter(entity::Column::Id.is_in(ids))
                    .all(db)
                    .await?
                    .into_iter()
                    .filter(link::servable)
                    .map(|e| (e.id, e))
                    .collect();
                for child in chunk {
                    let path = join(&prefix, &child.name)?;
                    if child.r#type == file::kind::FOLDER {
                        self.directory(&path, child.updated_at).await?;
                        folders.push((child.node_id, path));
                    } else if let Some(blob) = child.entity_id.and_then(|id| blobs.get(&id)) {
                        self.file(&path, child.updated_at, Some(blob)).await?;
                    }
                }
            }
            stack.extend(folders.into_iter().rev());
        }
        Ok(())
    }

    async fn finish(mut self) -> Result<(), BuildError> {
        for piece in self.enc.finish()? {
            self.out.piece(piece).await?;
        }
        self.out.flush().await
    }
}

/// One page of the live children of `folder`, in name order (the unique index on
/// parent and name serves both the filter and the order), after the name `after`.
async fn children(
    db: &impl ConnectionTrait,
    owner: i64,
    folder: i64,
    after: Option<&str>,
) -> Result<Vec<file::Model>, DbErr> {
    let mut query = file::Entity::find()
        .filter(file::Column::ParentId.eq(folder))
        .filter(file::Column::OwnerId.eq(owner))
        .filter(file::Column::DeletedAt.is_null());
    if let Some(after) = after {
        query = query.filter(file::Column::Name.gt(after));
    }
    query
        .order_by_asc(file::Column::Name)
        .limit(PAGE)
        .all(db)
        .await
}

/// The servable blobs of a page of files, by id, in one query.
async fn blobs_of(
    db: &impl ConnectionTrait,
    page: &[file::Model],
) -> Result<HashMap<i64, entity::Model>, DbErr> {
    let ids: Vec<i64> = page.iter().filter_map(|f| f.primary_entity).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter(link::servable)
        .map(|e| (e.id, e))
        .collect())
}

/// The sending end of the body: small pieces are gathered into larger chunks, large ones
/// (blob chunks) are passed on as they are.
struct Out {
    tx: mpsc::Sender<Bytes>,
    gathered: BytesMut,
}

impl Out {
    fn new(tx: mpsc::Sender<Bytes>) -> Self {
        Self {
            tx,
            gathered: BytesMut::new(),
        }
    }

    async fn small(&mut self, bytes: &[u8]) -> Result<(), BuildError> {
        self.gathered.extend_from_slice(bytes);
        if self.gathered.len() >= GATHER {
            self.flush().await?;
        }
        Ok(())
    }

    async fn piece(&mut self, piece: Bytes) -> Result<(), BuildError> {
        if piece.len() < GATHER / 16 {
            return self.small(&piece).await;
        }
        self.flush().await?;
        self.send(piece).await
    }

    async fn flush(&mut self) -> Result<(), BuildError> {
        if self.gathered.is_empty() {
            return Ok(());
        }
        let chunk = self.gathered.split().freeze();
        self.send(chunk).await
    }

    async fn send(&self, chunk: Bytes) -> Result<(), BuildError> {
        self.tx.send(chunk).await.map_err(|_| BuildError::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_names_are_made_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique(&mut taken, "a.txt"), "a.txt");
        assert_eq!(unique(&mut taken, "a.txt"), "a (2).txt");
        assert_eq!(unique(&mut taken, "a.txt"), "a (3).txt");
        assert_eq!(unique(&mut taken, "docs"), "docs");
        assert_eq!(unique(&mut taken, "docs"), "docs (2)");
        assert_eq!(unique(&mut taken, ".env"), ".env");
        assert_eq!(unique(&mut taken, ".env"), ".env (2)");
    }

    #[test]
    fn stored_names_must_be_single_safe_segments() {
        assert_eq!(join("", "a").unwrap(), "a");
        assert_eq!(join("x/y", "a b").unwrap(), "x/y/a b");
        for bad in ["..", ".", "", "a/b", "a\\b", "/a", "a\nb"] {
            assert!(join("x", bad).is_err(), "{bad:?}");
        }
    }
}

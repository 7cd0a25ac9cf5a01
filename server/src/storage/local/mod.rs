//! The `local` driver: blobs are files under one root folder.
//!
//! Keys are `/`-separated paths, either relative to the root or absolute paths that lie under it
//! (the default policy's dir rule is `<data_dir>/uploads/{uid}/{path}`, so its keys are
//! absolute). An absolute key is matched against the root as configured, made absolute and
//! canonicalized, so any of these spellings works; anything else is refused. Keys never contain
//! `..`, NUL or `\`, and never a component starting with [`RESERVED_PREFIX`], which the driver
//! keeps for its own temporary and partial files.
//!
//! Symlinks never lead outside the root: parents are created one component at a time, and a
//! symlink on the way is followed only when its target is a directory inside the root; reads
//! canonicalize the whole path and check it.
//!
//! Durability: `put` and `copy` write a temporary file, make it durable, rename it over the key
//! and make the folder durable (in groups, see [`durable`]), so a crash never leaves half an
//! object under a key. The temporary file is named after the key, so a `delete` of the key
//! also removes one that a crash left. A chunked upload lives in a partial file next to its key until
//! `complete_upload` renames it the same way; each chunk is written at its offset in that file
//! and `fdatasync`ed before it is acknowledged. Large bodies (a streamed `put`, a chunk) go to
//! the file without a copy of ours, with write-back started behind them ([`stream_in`]), so the
//! sync at their end waits for their last few MiB only. Empty directories are left behind on delete
//! (removing them would race with a concurrent `put` creating a file there).

use std::{
    io::{self, SeekFrom},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;

mod durable;
mod names;
mod read;
mod root;
mod space;
mod stream_in;

use self::{
    durable::{Committer, TempFile, Written, sync_dir},
    names::{create_temp, partial_name, random_suffix, temp_name},
    root::{ParsedKey, Root},
    stream_in::SyncAs,
};
use super::{
    ByteRange, ByteStream, Capabilities, GetObject, ObjectMeta, PresignHeaders, StorageDriver,
    StorageError, UploadCredential,
};

/// Key components starting with this are refused: the driver names its own files with it.
pub const RESERVED_PREFIX: &str = ".stratus-";
/// Bytes per read when streaming an object out. Each read is one trip to the blocking pool,
/// so small reads cap a download far below the disk and the network: measured with
/// `bench/transfer.sh`, 64 KiB reads served 512 MiB at a quarter of nginx's speed, 1 MiB
/// reads at nginx's. The cost is one buffer of this size per open download.
pub const READ_CHUNK: usize = 1024 * 1024;

/// Stores blobs as files under a root folder.
#[derive(Clone)]
pub struct LocalDriver {
    inner: Arc<Root>,
    committer: Arc<Committer>,
}

impl LocalDriver {
    /// A driver storing under `root` (created on first use).
    pub fn new(root: PathBuf) -> Self {
        Self::with_root(Root::new(root, false))
    }

    fn with_root(root: Root) -> Self {
        let inner = Arc::new(root);
        Self {
            committer: Arc::new(Committer::new(inner.clone())),
            inner,
        }
    }

    /// Reserve the whole file on disk when an upload begins (policy setting `pre_allocate`),
    /// so a full disk fails the upload at once instead of half-way. A size the file system
    /// has no room for (keeping a margin free, see [`space`]) is refused before anything is
    /// written.
    pub fn with_pre_allocate(self, on: bool) -> Self {
        Self::with_root(Root::new(self.inner.given.clone(), on))
    }

    /// The root folder as configured.
    pub fn root(&self) -> &Path {
        &self.inner.given
    }

    /// Runs blocking filesystem work off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Root) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let root = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&root))
            .await
            .map_err(|e| StorageError::Other(format!("storage task failed: {e}")))?
    }
}

/// Bodies up to this size are gathered in memory and written by the committing thread itself
/// (see [`durable`]), one thread hand-off in all. Small WebDAV PUTs are most of what a desktop
/// client sends.
const SMALL_BODY: usize = 64 * 1024;

enum Gathered {
    /// The whole body, at most [`SMALL_BODY`] bytes.
    Whole(Vec<u8>),
    /// A larger body: what was read so far, then the rest.
    Stream(ByteStream),
}

/// Reads `body` while it stays within [`SMALL_BODY`]; a body announced as larger is not read.
async fn gather_small(mut body: ByteStream, size: Option<u64>) -> Result<Gathered, StorageError> {
    if size.is_some_and(|s| s > SMALL_BODY as u64) {
        return Ok(Gathered::Stream(body));
    }
    let mut head = Vec::new();
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(StorageError::Io)?;
        if head.len() + piece.len() > SMALL_BODY {
            let read = futures_util::stream::iter([Ok(bytes::Bytes::from(head)), Ok(piece)]);
            return Ok(Gathered::Stream(Box::pin(read.chain(body))));
        }
        head.extend_from_slice(&piece);
    }
    Ok(Gathered::Whole(head))
}

fn check_length(expected: Option<u64>, got: u64) -> Result<(), StorageError> {
    match expected {
        Some(expected) if expected != got => Err(StorageError::LengthMismatch { expected, got }),
        _ => Ok(()),
    }
}

/// The temporary file of a gathered body.
fn write_small(root: &Root, key: &str, bytes: &[u8]) -> Result<Written, StorageError> {
    use std::io::Write;
    let parsed = root.parse(key, false)?;
    let (dir, name) = root.prepare(&parsed.parts)?;
    let (temp, mut file) = create_temp(&dir, &name)?;
    file.write_all(bytes)?;
    Ok(Written {
        temp,
        file,
        dir,
        name,
        synced: false,
    })
}

fn meta(key: String, metadata: &std::fs::Metadata) -> ObjectMeta {
    ObjectMeta {
        key,
        size: metadata.len(),
        modified: metadata
            .modified()
            .map(DateTime::<Utc>::from)
            .unwrap_or_default(),
    }
}

#[async_trait]
impl StorageDriver for LocalDriver {
    async fn put(
        &self,
        key: &str,
        body: ByteStream,
        size: Option<u64>,
    ) -> Result<(), StorageError> {
        let body = match gather_small(body, size).await? {
            Gathered::Whole(bytes) => {
                check_length(size, bytes.len() as u64)?;
                let key = key.to_owned();
                return self
                    .committer
                    .commit(move |root| write_small(root, &key, &bytes))
                    .await;
            }
            Gathered::Stream(body) => body,
        };
        let (key, root) = (key.to_owned(), self.inner.clone());
        let open = move || {
            let parsed = root.parse(&key, false)?;
            let (dir, name) = root.prepare(&parsed.parts)?;
            let (temp, file) = create_temp(&dir, &name)?;
            Ok((file, (dir, name, temp)))
        };
        // Written and synced in one go; the committing thread renames it into place.
        let (file, (dir, name, temp)) =
            stream_in::stream_into(open, 0, body, size, SyncAs::All).await?;
        let written = Written {
            temp,
            file,
            dir,
            name,
            synced: true,
        };
        self.committer.commit(move |_| Ok(written)).await
    }

    async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<GetObject, StorageError> {
        let key = key.to_owned();
        let (opened, size, span) = self
            .blocking(move |root| {
                let path = root.existing(&root.parse(&key, false)?.parts)?;
                let mut file = std::fs::File::open(&path)?;
                let size = file.metadata()?.len();
                let span = match range {
                    Some(range) => range.resolve(size)?,
                    None => (0, size.saturating_sub(1)),
                };
                if span.0 > 0 {
                    io::Seek::seek(&mut file, SeekFrom::Start(span.0))?;
                }
                let len = if size == 0 { 0 } else { span.1 - span.0 + 1 };
                Ok((read::open_span(file, len)?, size, span))
            })
            .await?;
        Ok(GetObject {
            size,
            range: span,
            stream: read::stream(opened),
        })
    }

    async fn open_local(&self, key: &str) -> Result<Option<std::fs::File>, StorageError> {
        let key = key.to_owned();
        self.blocking(move |root| {
            let path = root.existing(&root.parse(&key, false)?.parts)?;
            Ok(Some(std::fs::File::open(path)?))
        })
        .await
    }

    async fn head(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        let key = key.to_owned();
        self.blocking(move |root| {
            let path = root.existing(&root.parse(&key, false)?.parts)?;
            Ok(meta(key, &std::fs::metadata(path)?))
        })
        .await
    }

    async fn delete(&self, keys: &[String]) -> Result<Vec<(String, StorageError)>, StorageError> {
        let keys = keys.to_vec();
        self.blocking(move |root| {
            let mut failed = Vec::new();
            for key in keys {
                let removed = root.parse(&key, false).and_then(|parsed| {
                    let Some((dir, name)) = root.locate(&parsed.parts)? else {
                        return Ok(());
                    };
                    // With the object go an unfinished chunked upload and the temporary
                    // file of a put a crash cut off.
                    let leftovers = [partial_name(&name), temp_name(&name)];
                    for path in [dir.join(&name)]
                        .into_iter()
                        .chain(leftovers.iter().map(|n| dir.join(n)))
                    {
                        match std::fs::remove_file(&path) {
                            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                                return Err(StorageError::Io(e));
                            }
                            _ => {}
                        }
                    }
                    Ok(())
                });
                if let Err(err) = removed {
                    failed.push((key, err));
                }
            }
            Ok(failed)
        })
        .await
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let (from, to) = (from.to_owned(), to.to_owned());
        let written = self
            .blocking(move |root| {
                let source = root.existing(&root.parse(&from, false)?.parts)?;
                let (dir, name) = root.prepare(&root.parse(&to, false)?.parts)?;
                let (temp, file) = create_temp(&dir, &name)?;
                drop(file);
                std::fs::copy(&source, temp.path())?;
                let file = std::fs::OpenOptions::new().write(true).open(temp.path())?;
                file.sync_all()?;
                Ok(Written {
                    temp,
                    file,
                    dir,
                    name,
                    synced: true,
                })
            })
            .await?;
        self.committer.commit(move |_| Ok(written)).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, StorageError> {
        let prefix = prefix.to_owned();
        self.blocking(move |root| {
            let ParsedKey { base, mut parts } = root.parse(&prefix, true)?;
            let partial = parts.pop().unwrap_or_default();
            let Some(dir) = root.folder(&parts)? else {
                return Ok(Vec::new());
            };
            let mut found = Vec::new();
            // (folder, its key with a trailing `/`, entries must start with this name prefix)
            let mut todo = vec![(dir, rel_prefix(&base, &parts), partial)];
            while let Some((dir, key_prefix, name_prefix)) = todo.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(entries) => entries,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(StorageError::Io(e)),
                };
                for entry in entries {
                    let entry = entry?;
                    let Ok(name) = entry.file_name().into_string() else {
                        continue; // not UTF-8: cannot be a key
                    };
                    if name.starts_with(RESERVED_PREFIX) || !name.starts_with(&name_prefix) {
                        continue;
                    }
                    // Symlinks are neither listed nor followed.
                    let kind = entry.file_type()?;
                    if kind.is_dir() {
                        todo.push((entry.path(), format!("{key_prefix}{name}/"), String::new()));
                    } else if kind.is_file() {
                        let metadata = entry.metadata()?;
                        found.push(meta(format!("{key_prefix}{name}"), &metadata));
                    }
                }
            }
            found.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(found)
        })
        .await
    }

    async fn health_check(&self) -> Result<(), StorageError> {
        self.blocking(|root| {
            let dir = root.canonical()?;
            let mut probe = TempFile(Some(
                dir.join(format!("{RESERVED_PREFIX}probe-{}", random_suffix())),
            ));
            std::fs::write(probe.path(), b"ok")?;
            let read = std::fs::read(probe.path())?;
            std::fs::remove_file(probe.path())?;
            probe.disarm();
            if read != b"ok" {
                return Err(StorageError::Other(
                    "storage root does not read back what was written".into(),
                ));
            }
            Ok(())
        })
        .await
    }

    async fn begin_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
    ) -> Result<UploadCredential, StorageError> {
        let key = key.to_owned();
        self.blocking(move |root| {
            let (dir, name) = root.prepare(&root.parse(&key, false)?.parts)?;
            let reserve = root.pre_allocate && size > 0;
            if reserve {
                space::ensure_room(&dir, size)?;
            }
            let path = dir.join(partial_name(&name));
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&path)?;
            // A failed reservation may have taken part of the space (ext4 keeps what it
            // allocated before running out): the file goes at once.
            let mut partial = TempFile(Some(path));
            if reserve {
                space::pre_allocate(&file, size)?;
            }
            partial.disarm();
            Ok(UploadCredential::Relay { chunk_size })
        })
        .await
    }

    async fn put_chunk(
        &self,
        key: &str,
        index: u64,
        offset: u64,
        body: ByteStream,
        len: u64,
    ) -> Result<(), StorageError> {
        // Written in place in the partial file, each chunk through its own handle, so that
        // chunks of one upload sent at once never wait for each other; `fdatasync` before the
        // chunk is acknowledged.
        let (owned, root) = (key.to_owned(), self.inner.clone());
        let open = move || {
            let parsed = root.parse(&owned, false)?;
            let (dir, name) = root.locate(&parsed.parts)?.ok_or(StorageError::NotFound)?;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(dir.join(partial_name(&name)))?;
            Ok((file, ()))
        };
        stream_in::stream_into(open, offset, body, Some(len), SyncAs::Data).await?;
        tracing::trace!(key, index, offset, len, "upload chunk written");
        Ok(())
    }

    async fn complete_upload(&self, key: &str, size: u64) -> Result<(), StorageError> {
        let key = key.to_owned();
        self.blocking(move |root| {
            let parsed = root.parse(&key, false)?;
            let (dir, name) = root.locate(&parsed.parts)?.ok_or(StorageError::NotFound)?;
            let (partial, target) = (dir.join(partial_name(&name)), dir.join(&name));
            let file = match std::fs::OpenOptions::new().write(true).open(&partial) {
                Ok(file) => file,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Completed before (a retried completion): fine if the object is whole.
                    let got = std::fs::metadata(&target)?.len();
                    if got != size {
                        return Err(StorageError::LengthMismatch {
                            expected: size,
                            got,
                        });
                    }
                    return Ok(());
                }
                Err(e) => return Err(StorageError::Io(e)),
            };
            let got = file.metadata()?.len();
            if got != size {
                return Err(StorageError::LengthMismatch {
                    expected: size,
                    got,
                });
            }
            file.sync_all()?;
            drop(file);
            std::fs::rename(&partial, &target)?;
            sync_dir(&dir)?;
            Ok(())
        })
        .await
    }

    async fn abort_upload(&self, key: &str) -> Result<(), StorageError> {
        let key = key.to_owned();
        self.blocking(move |root| {
            let parsed = root.parse(&key, false)?;
            let Some((dir, name)) = root.locate(&parsed.parts)? else {
                return Ok(());
            };
            match std::fs::remove_file(dir.join(partial_name(&name))) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StorageError::Io(e)),
                _ => Ok(()),
            }
        })
        .await
    }

    async fn presign_get(
        &self,
        _key: &str,
        _ttl: Duration,
        _headers: PresignHeaders<'_>,
    ) -> Result<Option<String>, StorageError> {
        Ok(None)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            proxy_required: true,
            presign: false,
            native_thumbnails: false,
            max_chunk_size: None,
            presign_max_ttl: None,
        }
    }
}

/// The key prefix of the folder `parts` below the root, ending in `/` (or empty at the root).
fn rel_prefix(base: &str, parts: &[String]) -> String {
    let mut out = base.to_owned();
    for part in parts {
        out.push_str(part);
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let driver = LocalDriver::new(dir.path().join("root"));
        super::super::conformance::run_all(&driver, "unit").await;
        let driver = driver.with_pre_allocate(true);
        super::super::conformance::run_all(&driver, "").await;
    }
}

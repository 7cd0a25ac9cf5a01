//! Blob storage: the narrow [`StorageDriver`] trait every backend implements, its errors and
//! capabilities, and the helpers around it.
//!
//! Keys are opaque strings produced from a policy's name rules ([`keys`]); user paths never
//! reach storage, so renaming or moving a file never touches a blob. Drivers are looked up per
//! storage policy through [`registry::DriverRegistry`], and every driver must pass
//! [`conformance::run_all`].

pub mod conformance;
pub mod keys;
pub mod local;
pub mod pending;
pub mod probe;
pub mod registry;
pub mod remote;
pub mod s3;

use std::{io, pin::Pin, time::Duration};

use async_trait::async_trait;
pub use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt, stream};

pub use local::LocalDriver;
pub use registry::DriverRegistry;
pub use remote::RemoteDriver;
pub use s3::{S3Config, S3Driver};

/// A stream of bytes flowing into or out of storage. Producers keep memory flat by yielding
/// bounded pieces (the local driver reads 64 KiB at a time).
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send>>;

/// Everything a storage operation can fail with. The API layer maps these to envelope codes.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The key (or the upload in progress for it) does not exist.
    #[error("object not found")]
    NotFound,
    /// The requested byte range lies outside an object of `size` bytes.
    #[error("range not satisfiable for an object of {size} bytes")]
    RangeNotSatisfiable { size: u64 },
    /// The body carried a different number of bytes than announced.
    #[error("length mismatch: expected {expected} bytes, got {got}")]
    LengthMismatch { expected: u64, got: u64 },
    /// The key is malformed or would leave the driver's namespace (`..`, NUL, outside the root,
    /// through a symlink, a reserved name).
    #[error("invalid storage key: {0}")]
    InvalidKey(String),
    /// The backend has no room for the object: its file system is full (or would be past the
    /// margin kept free), a quota of the file system is used up, or the size is more than one
    /// file there can hold.
    #[error("not enough storage space: {0}")]
    NoSpace(String),
    /// The backend failed with an I/O error.
    #[error("storage I/O error: {0}")]
    Io(#[source] io::Error),
    /// The driver (or the policy type) does not support this operation.
    #[error("not supported by this storage: {0}")]
    Unsupported(&'static str),
    /// The backend (a slave node) could not be reached, or did not answer.
    #[error("storage unreachable: {0}")]
    Unreachable(String),
    /// Any other backend failure (database lookup of a policy, provider error text, ...).
    #[error("storage error: {0}")]
    Other(String),
}

impl From<io::Error> for StorageError {
    /// A missing file is [`StorageError::NotFound`], a full file system (or a file larger
    /// than it takes) [`StorageError::NoSpace`]; everything else stays an I/O error.
    fn from(err: io::Error) -> Self {
        use io::ErrorKind::{FileTooLarge, NotFound, QuotaExceeded, StorageFull};
        match err.kind() {
            NotFound => StorageError::NotFound,
            StorageFull | QuotaExceeded | FileTooLarge => StorageError::NoSpace(err.to_string()),
            _ => StorageError::Io(err),
        }
    }
}

/// A byte range of an object, as asked by an HTTP `Range` header (inclusive ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=start-end`: from `start` to `end` inclusive (`end` is clamped to the last byte).
    FromTo(u64, u64),
    /// `bytes=start-`: from `start` to the end.
    From(u64),
    /// `bytes=-n`: the last `n` bytes (the whole object when it is shorter).
    Suffix(u64),
}

impl ByteRange {
    /// The inclusive `(start, end)` this range selects in an object of `size` bytes, following
    /// RFC 9110 §14.1.2; an empty selection is [`StorageError::RangeNotSatisfiable`].
    pub fn resolve(self, size: u64) -> Result<(u64, u64), StorageError> {
        let unsatisfiable = StorageError::RangeNotSatisfiable { size };
        if size == 0 {
            return Err(unsatisfiable);
        }
        let last = size - 1;
        match self {
            ByteRange::FromTo(start, end) if start <= end && start <= last => {
                Ok((start, end.min(last)))
            }
            ByteRange::From(start) if start <= last => Ok((start, last)),
            ByteRange::Suffix(n) if n > 0 => Ok((size - n.min(size), last)),
            _ => Err(unsatisfiable),
        }
    }
}

/// What [`StorageDriver::get`] returns.
pub struct GetObject {
    /// Size of the whole object, whatever the range.
    pub size: u64,
    /// Inclusive `(start, end)` of the bytes in `stream`. Only meaningful when `size > 0`
    /// (an empty object is always read whole, and `range` is then `(0, 0)`); prefer
    /// [`GetObject::len`] for the number of bytes streamed.
    pub range: (u64, u64),
    /// The selected bytes.
    pub stream: ByteStream,
}

impl GetObject {
    /// Number of bytes `stream` yields.
    pub fn len(&self) -> u64 {
        if self.size == 0 {
            0
        } else {
            self.range.1 - self.range.0 + 1
        }
    }

    /// `true` when `stream` yields nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for GetObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetObject")
            .field("size", &self.size)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

/// One stored object, from [`StorageDriver::head`] or [`StorageDriver::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// The key, spelled as the caller spelled the key (head) or the prefix (list).
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time.
    pub modified: DateTime<Utc>,
}

/// How the client sends the chunks of an upload (spec §6.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadCredential {
    /// Chunks go through Stratus (`POST /file/upload/<session>/<index>` → [`StorageDriver::put_chunk`]).
    /// `chunk_size` 0 means the whole file in one request.
    Relay { chunk_size: u64 },
    /// Chunks go straight to the provider with one presigned URL per part (S3-like), then the
    /// client calls `complete_url`.
    Presigned {
        chunk_size: u64,
        upload_id: String,
        part_urls: Vec<String>,
        complete_url: Option<String>,
    },
    /// Chunks go to a slave node at `url` with `Authorization: <credential>`.
    Remote {
        chunk_size: u64,
        url: String,
        credential: String,
    },
}

/// An upload a client sends to a node ([`StorageDriver::begin_node_upload`]).
#[derive(Debug, Clone, Copy)]
pub struct NodeUpload<'a> {
    /// The upload session's id, which the node's chunk URL names.
    pub session_id: &'a str,
    pub key: &'a str,
    pub size: u64,
    pub chunk_size: u64,
    /// How long the client may take.
    pub ttl: Duration,
    /// The master URL the node calls, signed, when the last chunk is in.
    pub callback: &'a str,
}

/// Response headers a presigned download makes the provider send (S3's `response-*` query
/// parameters, covered by the signature).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PresignHeaders<'a> {
    /// `Content-Disposition`, e.g. `attachment; filename="a.txt"`.
    pub disposition: Option<&'a str>,
    /// `Content-Type`, when the stored object's own type is not the one to serve.
    pub content_type: Option<&'a str>,
}

/// A thumbnail a driver with [`Capabilities::native_thumbnails`] renders where the blobs lie
/// ([`StorageDriver::render_thumbnail`]); also the body of a slave node's `/file/thumb`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThumbJob {
    /// The picture's key.
    pub src: String,
    /// Where the thumbnail is stored.
    pub dst: String,
    /// The box the thumbnail fits in.
    pub width: u32,
    pub height: u32,
    /// `png`, `jpg` or `webp`.
    pub encoding: String,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Largest picture read, in bytes.
    pub max_size: u64,
    /// Largest picture decoded, in pixels.
    pub max_pixels: u64,
    /// The file's extension (lower case), which the tools' copy of the source is named with.
    #[serde(default)]
    pub ext: String,
    /// The generators that take the file, in the order they are tried. Empty: the built-in
    /// one only, within `max_size`.
    #[serde(default)]
    pub generators: Vec<ThumbTool>,
    /// Where ffmpeg takes its frame (`thumb_ffmpeg_seek`) and its extra arguments.
    #[serde(default)]
    pub ffmpeg_seek: String,
    #[serde(default)]
    pub ffmpeg_args: Vec<String>,
    /// Seconds and bytes of address space each tool run may use.
    #[serde(default)]
    pub timeout_secs: u64,
    #[serde(default)]
    pub max_memory: u64,
}

/// One generator of a [`ThumbJob`], as the site settings configure it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThumbTool {
    /// The word of its settings keys (`builtin`, `ffmpeg`, `vips`…).
    pub kind: String,
    /// Its executable (empty for in-process generators).
    #[serde(default)]
    pub path: String,
    /// Largest source it takes, in bytes.
    pub max_size: u64,
}

/// What a driver can do; callers branch on this instead of on the policy type (spec §8.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Downloads must be streamed through Stratus (no URL the client could fetch directly).
    pub proxy_required: bool,
    /// [`StorageDriver::presign_get`] returns URLs.
    pub presign: bool,
    /// The backend renders thumbnails itself ([`StorageDriver::render_thumbnail`]).
    pub native_thumbnails: bool,
    /// Largest chunk the backend accepts, if it has a limit.
    pub max_chunk_size: Option<u64>,
    /// Longest validity the backend gives a presigned URL (spec §8.5, "max source URL
    /// expiry"); longer requests are cut to it.
    pub presign_max_ttl: Option<Duration>,
}

/// A blob store. Keys are opaque; each driver documents what it accepts and refuses the rest with
/// [`StorageError::InvalidKey`].
#[async_trait]
pub trait StorageDriver: Send + Sync {
    /// Stores `body` under `key`, replacing any previous object. Streams (never buffers the
    /// whole body); the object is visible only once complete, and durable when the put
    /// returns. A crash before that leaves a previous object or the whole new one; under a key
    /// that had none it may leave an incomplete object, which no caller was told was stored.
    /// With `size`, a body of another length is refused with [`StorageError::LengthMismatch`]
    /// and nothing is stored.
    async fn put(&self, key: &str, body: ByteStream, size: Option<u64>)
    -> Result<(), StorageError>;

    /// Reads the object, or the part of it selected by `range`.
    async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<GetObject, StorageError>;

    /// Size and modification time of the object.
    async fn head(&self, key: &str) -> Result<ObjectMeta, StorageError>;

    /// Deletes objects (and any unfinished upload under the same keys). Missing keys are not an
    /// error; per-key failures are returned, the outer error means the whole batch failed.
    async fn delete(&self, keys: &[String]) -> Result<Vec<(String, StorageError)>, StorageError>;

    /// Copies `from` to `to` (replacing `to`), e.g. to relocate a blob.
    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError>;

    /// Every complete object whose key starts with `prefix` (a plain string prefix, as in S3).
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, StorageError>;

    /// Checks that the backend is reachable and writable.
    async fn health_check(&self) -> Result<(), StorageError>;

    /// Prepares a chunked upload of `size` bytes to `key` and says how chunks are sent.
    /// Calling it again for the same key restarts the upload. A driver that reserves the
    /// space up front refuses a size it has no room for with [`StorageError::NoSpace`]; when
    /// it fails, it leaves nothing behind for the key.
    async fn begin_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
    ) -> Result<UploadCredential, StorageError>;

    /// Writes chunk `index` of exactly `len` bytes at byte `offset` of the upload begun for
    /// `key`. Chunks may arrive in any order and be sent again. A body of another length is
    /// [`StorageError::LengthMismatch`]; an upload that was never begun (or was aborted or
    /// completed) is [`StorageError::NotFound`].
    async fn put_chunk(
        &self,
        key: &str,
        index: u64,
        offset: u64,
        body: ByteStream,
        len: u64,
    ) -> Result<(), StorageError>;

    /// Finishes the upload: checks the object has `size` bytes
    /// ([`StorageError::LengthMismatch`] otherwise), makes it durable and visible under `key`.
    /// Completing an already completed upload of the right size succeeds again.
    async fn complete_upload(&self, key: &str, size: u64) -> Result<(), StorageError>;

    /// Discards an unfinished upload. Nothing to discard is not an error.
    async fn abort_upload(&self, key: &str) -> Result<(), StorageError>;

    /// Opens an upload the client sends straight to the backend, bypassing Stratus
    /// (spec §6.2): a [`UploadCredential::Presigned`] with one URL per chunk and one to
    /// complete, each valid for `ttl`. Its chunk size may differ from `chunk_size` when the
    /// backend has limits on parts. [`StorageDriver::complete_upload`] then checks what the
    /// client stored. A backend that itself calls the server once the client completed the
    /// upload (OSS) is told to call `callback`; others ignore it. A backend that takes no
    /// direct uploads answers [`StorageError::Unsupported`].
    async fn begin_direct_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
        ttl: Duration,
        callback: Option<&str>,
    ) -> Result<UploadCredential, StorageError> {
        let _ = (key, size, chunk_size, ttl, callback);
        Err(StorageError::Unsupported("uploads straight to the storage"))
    }

    /// Opens an upload the client sends to the node holding the blobs (spec §6.2, remote):
    /// a [`UploadCredential::Remote`] naming the node's chunk URL and the credential to send
    /// with each chunk; the node calls `upload.callback` once the last chunk is in. The
    /// session is then discarded with [`StorageDriver::abort_direct_upload`] and
    /// `upload.session_id`. Backends without nodes answer [`StorageError::Unsupported`].
    async fn begin_node_upload(
        &self,
        upload: &NodeUpload<'_>,
    ) -> Result<UploadCredential, StorageError> {
        let _ = upload;
        Err(StorageError::Unsupported("uploads straight to a node"))
    }

    /// Discards the direct upload `upload_id` begun for `key` and the parts sent to it.
    /// Nothing to discard is not an error.
    async fn abort_direct_upload(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        let _ = (key, upload_id);
        Ok(())
    }

    /// A URL the client may download the object from for `ttl`, answered with `headers`;
    /// `None` means downloads are proxied through Stratus.
    async fn presign_get(
        &self,
        key: &str,
        ttl: Duration,
        headers: PresignHeaders<'_>,
    ) -> Result<Option<String>, StorageError>;

    /// What this driver can do.
    /// Renders the thumbnail `job` asks for where the blobs lie, so the picture never travels:
    /// its size, or `Ok(Err(why))` when the picture cannot be thumbnailed (not a picture, too
    /// large). Drivers without [`Capabilities::native_thumbnails`] answer
    /// [`StorageError::Unsupported`].
    async fn render_thumbnail(&self, job: &ThumbJob) -> Result<Result<u64, String>, StorageError> {
        let _ = job;
        Err(StorageError::Unsupported(
            "thumbnails rendered by the storage",
        ))
    }

    /// The object `key` opened as a local file, for readers that seek in place; `None` when
    /// the driver keeps its objects elsewhere (see [`seekable`]).
    async fn open_local(&self, key: &str) -> Result<Option<std::fs::File>, StorageError> {
        let _ = key;
        Ok(None)
    }

    fn capabilities(&self) -> Capabilities;
}

/// A stream yielding `bytes` in one piece.
pub fn stream_once(bytes: impl Into<Bytes>) -> ByteStream {
    let bytes: Bytes = bytes.into();
    Box::pin(stream::once(async move { Ok(bytes) }))
}

/// The object `key` as a file a reader can seek in (zip and 7z directories, EXIF), since
/// drivers hand out streams: the driver's own file when it keeps objects on local disk, read
/// in place with nothing copied; else a copy in an unnamed temporary file in `temp_dir` (inside
/// the data dir, so such copies take from its disk and not from the system's temp folder).
pub async fn seekable(
    driver: &dyn StorageDriver,
    key: &str,
    temp_dir: &std::path::Path,
) -> Result<std::fs::File, StorageError> {
    if let Some(file) = driver.open_local(key).await? {
        return Ok(file);
    }
    let object = driver.get(key, None).await?;
    Ok(spool(object.stream, temp_dir).await?.into_std().await)
}

/// Copies a stream into an unnamed temporary file in `dir` (`O_TMPFILE` or unlinked at once,
/// so it is gone when closed, even after a crash) and rewinds it. Memory stays flat.
async fn spool(
    mut stream: ByteStream,
    dir: &std::path::Path,
) -> Result<tokio::fs::File, io::Error> {
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    tokio::fs::create_dir_all(dir).await?;
    let dir = dir.to_owned();
    let temp = tokio::task::spawn_blocking(move || tempfile::tempfile_in(dir))
        .await
        .map_err(io::Error::other)??;
    let mut out = tokio::fs::File::from_std(temp);
    while let Some(piece) = stream.next().await {
        out.write_all(&piece?).await?;
    }
    out.flush().await?;
    out.seek(io::SeekFrom::Start(0)).await?;
    Ok(out)
}

/// Reads a whole stream into memory. For small objects and tests only.
pub async fn collect(mut stream: ByteStream) -> Result<Vec<u8>, io::Error> {
    let mut out = Vec::new();
    while let Some(piece) = stream.next().await {
        out.extend_from_slice(&piece?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_resolve_like_rfc_9110() {
        let ok = |r: ByteRange, size| r.resolve(size).ok();
        assert_eq!(ok(ByteRange::FromTo(0, 0), 10), Some((0, 0)));
        assert_eq!(ok(ByteRange::FromTo(2, 5), 10), Some((2, 5)));
        assert_eq!(ok(ByteRange::FromTo(2, 500), 10), Some((2, 9)));
        assert_eq!(ok(ByteRange::FromTo(9, 9), 10), Some((9, 9)));
        assert_eq!(ok(ByteRange::From(3), 10), Some((3, 9)));
        assert_eq!(ok(ByteRange::Suffix(4), 10), Some((6, 9)));
        assert_eq!(ok(ByteRange::Suffix(40), 10), Some((0, 9)));
        for bad in [
            ByteRange::FromTo(10, 12),
            ByteRange::FromTo(5, 4),
            ByteRange::From(10),
            ByteRange::Suffix(0),
        ] {
            assert!(matches!(
                bad.resolve(10),
                Err(StorageError::RangeNotSatisfiable { size: 10 })
            ));
        }
        assert!(ByteRange::Suffix(5).resolve(0).is_err());
        assert!(ByteRange::From(0).resolve(0).is_err());
    }

    #[test]
    fn missing_files_are_not_found() {
        let err = StorageError::from(io::Error::from(io::ErrorKind::NotFound));
        assert!(matches!(err, StorageError::NotFound));
        let err = StorageError::from(io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(matches!(err, StorageError::Io(_)));
        for full in [
            rustix::io::Errno::NOSPC,
            rustix::io::Errno::DQUOT,
            rustix::io::Errno::FBIG,
        ] {
            let err = StorageError::from(io::Error::from(full));
            assert!(matches!(err, StorageError::NoSpace(_)), "{full:?}");
        }
    }
}

//! The driver of `s3` storage policies: any S3-compatible bucket (AWS, MinIO, Ceph, R2, ...)
//! through `object_store`; also of `oss` policies, through OSS's S3-compatible interface
//! ([`oss`] holds OSS's endpoint conventions).
//!
//! * Keys are object keys: relative, `/`-separated, no empty, `.` or `..` segment, no control
//!   character, at most 1024 bytes (S3's own limit).
//! * `put` streams: a body of up to [`SINGLE_PUT_MAX`] is sent in one request, a longer one as a
//!   multipart upload with at most [`PARTS_IN_FLIGHT`] parts of the policy's part size in
//!   memory ([`parts`]; journaled, so that none is left open by a killed process). Either way
//!   the object appears only when complete, so a failed put leaves the previous object.
//! * Chunked uploads through Stratus are staged in a local folder (a [`LocalDriver`]) and sent to
//!   the bucket when complete. Chunks may come in any order and be sent again, which S3 parts
//!   cannot (parts need 5 MiB and their ETags kept), and a staged upload survives a restart.
//!   When sending it fails, the staged file stays: a chunk sent again and the completion after
//!   it send it again, and aborting the upload removes it.
//! * Uploads straight to the bucket ([`direct`]): a multipart upload whose part URLs are
//!   presigned for the client; completing it checks the object's size with a `HEAD`.
//! * Downloads can be presigned, so clients fetch from the bucket directly, unless the policy
//!   has `internal_proxy` on.

mod config;
pub mod cors;
pub mod direct;
mod fault;
mod oss;
mod parts;

use std::{path::PathBuf, sync::Arc, time::Duration};

use async_trait::async_trait;
use futures_util::{StreamExt, TryStreamExt, stream};
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayloadMut,
    aws::AmazonS3,
    path::Path,
    signer::{Method, SignedUrlOptions, Signer},
};

pub use config::{DEFAULT_REGION, S3Config};
use fault::from_store;

use super::{
    ByteRange, ByteStream, Capabilities, GetObject, LocalDriver, ObjectMeta, PresignHeaders,
    StorageDriver, StorageError, UploadCredential, pending::PendingBlobs,
};

/// Bodies up to this size are sent in one `PutObject`.
pub const SINGLE_PUT_MAX: usize = 8 << 20;
/// Part size of streamed multipart uploads when the policy sets no chunk size.
pub const PART_SIZE: usize = 8 << 20;
/// Least part size of a streamed upload (S3 needs at least 5 MiB for every part but the last).
pub const MIN_STREAM_PART: usize = 5 << 20;
/// Largest part size of a streamed upload: a put holds up to `PARTS_IN_FLIGHT + 1` parts.
pub const MAX_STREAM_PART: usize = 64 << 20;
/// Parts of one upload being sent at once; with the part being filled, this bounds the memory
/// of a put whatever the object's size.
pub const PARTS_IN_FLIGHT: usize = 2;
/// Longest validity S3 accepts for a presigned URL.
pub const PRESIGN_MAX: Duration = Duration::from_secs(7 * 24 * 3600);
/// Longest object key S3 accepts, in bytes.
const KEY_MAX: usize = 1024;
/// Key the health check writes and removes.
const HEALTH_KEY: &str = ".stratus-health-check";
/// Deletes sent at once.
const DELETES_IN_FLIGHT: usize = 8;

/// An S3-compatible bucket.
pub struct S3Driver {
    store: Arc<AmazonS3>,
    signer: AmazonS3,
    internal_proxy: bool,
    /// The bucket calls the server back when an upload is completed (OSS).
    calls_back: bool,
    /// Part size of streamed multipart uploads.
    part_size: usize,
    staging: LocalDriver,
    /// Where multipart uploads opened by the server are journaled, when anywhere.
    journal: Option<parts::Journal>,
}

impl S3Driver {
    /// A driver for the bucket of `config`, staging chunked uploads below `staging`.
    pub fn new(config: &S3Config, staging: PathBuf) -> Result<Self, StorageError> {
        Ok(Self {
            store: Arc::new(config.client()?),
            signer: config.signer()?,
            internal_proxy: config.internal_proxy,
            calls_back: config.calls_back,
            part_size: config.part_size,
            staging: LocalDriver::new(staging),
            journal: None,
        })
    }

    /// Journals the multipart uploads this driver streams in `pending`, as uploads of policy
    /// `policy_id`, so that the next start aborts those a killed process left open.
    pub fn with_journal(mut self, policy_id: i64, pending: Arc<PendingBlobs>) -> Self {
        self.journal = Some(parts::Journal { policy_id, pending });
        self
    }

    /// The object path of `key`, or [`StorageError::InvalidKey`].
    fn path(&self, key: &str) -> Result<Path, StorageError> {
        let invalid = |why: &str| StorageError::InvalidKey(format!("{why}: {key:?}"));
        if key.is_empty() {
            return Err(invalid("empty key"));
        }
        if key.len() > KEY_MAX {
            return Err(invalid("key longer than 1024 bytes"));
        }
        if key.starts_with('/') || key.ends_with('/') {
            return Err(invalid("key starts or ends with '/'"));
        }
        Path::parse(key).map_err(|e| invalid(&e.to_string()))
    }

    /// Sends a body already known to be complete in one request.
    async fn put_whole(&self, path: &Path, body: PutPayloadMut) -> Result<(), StorageError> {
        self.store
            .put(path, body.freeze())
            .await
            .map(drop)
            .map_err(from_store)
    }
}

/// `seen` bytes do not yet exceed the announced `size`.
fn within(size: Option<u64>, seen: u64) -> Result<(), StorageError> {
    match size {
        Some(expected) if seen > expected => Err(StorageError::LengthMismatch {
            expected,
            got: seen,
        }),
        _ => Ok(()),
    }
}

/// A finished body of `seen` bytes has the announced `size`.
fn exact(size: Option<u64>, seen: u64) -> Result<(), StorageError> {
    match size {
        Some(expected) if seen != expected => Err(StorageError::LengthMismatch {
            expected,
            got: seen,
        }),
        _ => Ok(()),
    }
}

fn meta(key: &str, meta: &object_store::ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        key: key.to_owned(),
        size: meta.size,
        modified: meta.last_modified,
    }
}

#[async_trait]
impl StorageDriver for S3Driver {
    async fn put(
        &self,
        key: &str,
        mut body: ByteStream,
        size: Option<u64>,
    ) -> Result<(), StorageError> {
        let path = self.path(key)?;
        let mut head = PutPayloadMut::new();
        let mut seen = 0u64;
        while let Some(piece) = body.next().await {
            let piece = piece.map_err(StorageError::Io)?;
            seen += piece.len() as u64;
            within(size, seen)?;
            head.push(piece);
            if head.content_length() > SINGLE_PUT_MAX {
                return self.put_parts(&path, head, body, seen, size).await;
            }
        }
        exact(size, seen)?;
        self.put_whole(&path, head).await
    }

    async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<GetObject, StorageError> {
        let path = self.path(key)?;
        let mut options = GetOptions::new();
        if let Some(range) = range {
            // The object's size decides what a range selects; the read is pinned to the
            // version that size belongs to.
            let object = self.store.head(&path).await.map_err(from_store)?;
            let (start, end) = range.resolve(object.size)?;
            options = options
                .with_range(Some(GetRange::Bounded(start..end + 1)))
                .with_if_match(object.e_tag);
        }
        let result = self
            .store
            .get_opts(&path, options)
            .await
            .map_err(from_store)?;
        let size = result.meta.size;
        let span = if size == 0 {
            (0, 0)
        } else {
            (result.range.start, result.range.end - 1)
        };
        let stream = result.into_stream().map_err(std::io::Error::other).boxed();
        Ok(GetObject {
            size,
            range: span,
            stream,
        })
    }

    async fn head(&self, key: &str) -> Result<ObjectMeta, StorageError> {
        let path = self.path(key)?;
        let object = self.store.head(&path).await.map_err(from_store)?;
        Ok(meta(key, &object))
    }

    async fn delete(&self, keys: &[String]) -> Result<Vec<(String, StorageError)>, StorageError> {
        let mut failed = Vec::new();
        let mut valid = Vec::new();
        for key in keys {
            match self.path(key) {
                Ok(path) => valid.push((key.clone(), path)),
                Err(e) => failed.push((key.clone(), e)),
            }
        }
        let staged: Vec<String> = valid.iter().map(|(key, _)| key.clone()).collect();
        let results: Vec<_> = stream::iter(valid)
            .map(|(key, path)| {
                let store = self.store.clone();
                async move { (key, store.delete(&path).await) }
            })
            .buffer_unordered(DELETES_IN_FLIGHT)
            .collect()
            .await;
        for (key, result) in results {
            match result {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => failed.push((key, from_store(e))),
            }
        }
        // Unfinished uploads of these keys, staged here.
        for (key, e) in self.staging.delete(&staged).await? {
            tracing::warn!(key, "removing a staged upload: {e}");
        }
        Ok(failed)
    }

    async fn copy(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let (from, to) = (self.path(from)?, self.path(to)?);
        self.store.copy(&from, &to).await.map_err(from_store)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, StorageError> {
        // `object_store` lists below a folder; a plain string prefix (S3's own meaning) is the
        // folder up to its last `/`, filtered.
        let folder = match prefix.rfind('/') {
            Some(at) => Some(self.path(&prefix[..at])?),
            None => None,
        };
        self.store
            .list(folder.as_ref())
            .try_filter(|object| std::future::ready(object.location.as_ref().starts_with(prefix)))
            .map_ok(|object| meta(object.location.as_ref(), &object))
            .try_collect()
            .await
            .map_err(from_store)
    }

    async fn health_check(&self) -> Result<(), StorageError> {
        let path = self.path(HEALTH_KEY)?;
        self.store
            .put(&path, bytes::Bytes::from_static(b"ok").into())
            .await
            .map_err(from_store)?;
        self.store.delete(&path).await.map_err(from_store)
    }

    async fn begin_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
    ) -> Result<UploadCredential, StorageError> {
        self.path(key)?;
        self.staging.begin_upload(key, size, chunk_size).await
    }

    async fn put_chunk(
        &self,
        key: &str,
        index: u64,
        offset: u64,
        body: ByteStream,
        len: u64,
    ) -> Result<(), StorageError> {
        self.path(key)?;
        self.staging.put_chunk(key, index, offset, body, len).await
    }

    async fn complete_upload(&self, key: &str, size: u64) -> Result<(), StorageError> {
        self.path(key)?;
        match self.staging.complete_upload(key, size).await {
            Ok(()) => {}
            // Nothing staged: an earlier completion sent it already, or the client uploaded
            // it straight to the bucket. Either way the object must have the announced size.
            Err(StorageError::NotFound) => {
                let sent = self.head(key).await?;
                return exact(Some(size), sent.size);
            }
            Err(e) => return Err(e),
        }
        let staged = self.staging.get(key, None).await?;
        self.put(key, staged.stream, Some(size)).await?;
        for (key, e) in self.staging.delete(&[key.to_owned()]).await? {
            tracing::warn!(key, "removing a sent upload from staging: {e}");
        }
        Ok(())
    }

    async fn abort_upload(&self, key: &str) -> Result<(), StorageError> {
        self.path(key)?;
        self.staging.abort_upload(key).await?;
        // A staged file whose sending failed is not kept either.
        match self.staging.delete(&[key.to_owned()]).await?.pop() {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }

    async fn begin_direct_upload(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
        ttl: Duration,
        callback: Option<&str>,
    ) -> Result<UploadCredential, StorageError> {
        self.begin_direct(key, size, chunk_size, ttl, callback)
            .await
    }

    async fn abort_direct_upload(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        self.abort_direct(key, upload_id).await
    }

    async fn presign_get(
        &self,
        key: &str,
        ttl: Duration,
        headers: PresignHeaders<'_>,
    ) -> Result<Option<String>, StorageError> {
        let path = self.path(key)?;
        if self.internal_proxy {
            return Ok(None);
        }
        let mut options = SignedUrlOptions::new();
        if let Some(disposition) = headers.disposition {
            options = options.with_query([("response-content-disposition", disposition)]);
        }
        if let Some(content_type) = headers.content_type {
            options = options.with_query([("response-content-type", content_type)]);
        }
        let url = self
            .signer
            .signed_url_opts(Method::GET, &path, ttl.min(PRESIGN_MAX), &options)
            .await
            .map_err(from_store)?;
        Ok(Some(url.into()))
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            proxy_required: false,
            presign: !self.internal_proxy,
            native_thumbnails: false,
            max_chunk_size: None,
            presign_max_ttl: Some(PRESIGN_MAX),
        }
    }
}

//! Uploads that clients send straight to the bucket (spec §6.2): Stratus opens a multipart
//! upload and hands out presigned `UploadPart` URLs, one per chunk, and a presigned
//! `CompleteMultipartUpload` URL; the bytes never pass through Stratus.
//!
//! The URLs are signed by `object_store`'s [`Signer::signed_url_opts`], which folds the
//! `partNumber` and `uploadId` query parameters into the SigV4 signature, so a URL is good for
//! its one part of its one upload only.

use std::time::Duration;

use object_store::{
    multipart::MultipartStore,
    signer::{Method, SignedUrlOptions, Signer},
};

use super::{PRESIGN_MAX, S3Driver, from_store};
use crate::storage::{StorageError, UploadCredential};

/// Smallest part S3 accepts (every part but the last).
pub const MIN_PART: u64 = 5 << 20;
/// Largest part S3 accepts.
pub const MAX_PART: u64 = 5 << 30;
/// Most parts one upload may have.
pub const MAX_PARTS: u64 = 10_000;

/// The part size of a direct upload of `size` bytes when `wanted` was asked for (0: the whole
/// file in one part): within S3's limits, and large enough for `size` to fit in
/// [`MAX_PARTS`]. `None` when no part size fits.
pub fn part_size(size: u64, wanted: u64) -> Option<u64> {
    let wanted = if wanted == 0 { size } else { wanted };
    let fitting = size.div_ceil(MAX_PARTS);
    let part = wanted.max(fitting).clamp(MIN_PART, MAX_PART);
    (part_count(size, part) <= MAX_PARTS).then_some(part)
}

/// Parts of an upload of `size` bytes in parts of `part` bytes; an empty file has one.
pub fn part_count(size: u64, part: u64) -> u64 {
    size.div_ceil(part).max(1)
}

impl S3Driver {
    /// Opens the multipart upload and signs its URLs; see
    /// [`crate::storage::StorageDriver::begin_direct_upload`]. On a bucket that calls back
    /// (OSS), the completion URL carries `callback` as OSS's callback parameter.
    pub(super) async fn begin_direct(
        &self,
        key: &str,
        size: u64,
        chunk_size: u64,
        ttl: Duration,
        callback: Option<&str>,
    ) -> Result<UploadCredential, StorageError> {
        let path = self.path(key)?;
        let part = part_size(size, chunk_size).ok_or(StorageError::Unsupported(
            "files this large in one upload to the bucket",
        ))?;
        let ttl = ttl.min(PRESIGN_MAX);
        let upload_id = self
            .store
            .create_multipart(&path)
            .await
            .map_err(from_store)?;
        let signed = async {
            let mut part_urls = Vec::new();
            for number in 1..=part_count(size, part) {
                let options = SignedUrlOptions::new().with_query([
                    ("partNumber", number.to_string()),
                    ("uploadId", upload_id.clone()),
                ]);
                let url = self
                    .signer
                    .signed_url_opts(Method::PUT, &path, ttl, &options)
                    .await?;
                part_urls.push(String::from(url));
            }
            let mut query = vec![("uploadId", upload_id.clone())];
            if let Some(url) = callback.filter(|_| self.calls_back) {
                query.push(("callback", super::oss::callback_param(url)));
            }
            let options = SignedUrlOptions::new().with_query(query);
            let complete = self
                .signer
                .signed_url_opts(Method::POST, &path, ttl, &options)
                .await?;
            Ok::<_, object_store::Error>((part_urls, String::from(complete)))
        };
        match signed.await {
            Ok((part_urls, complete_url)) => Ok(UploadCredential::Presigned {
                chunk_size: part,
                upload_id,
                part_urls,
                complete_url: Some(complete_url),
            }),
            Err(e) => {
                // Nothing refers to the upload yet: it goes now.
                if let Err(abort) = self.store.abort_multipart(&path, &upload_id).await {
                    tracing::warn!(key, error = %abort, "aborting an upload whose URLs could not be signed");
                }
                Err(from_store(e))
            }
        }
    }

    /// Aborts the multipart upload `upload_id` of `key`; an upload already gone is fine.
    pub(super) async fn abort_direct(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<(), StorageError> {
        let path = self.path(key)?;
        match self
            .store
            .abort_multipart(&path, &upload_id.to_owned())
            .await
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(from_store(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_stay_within_s3_limits() {
        // Small chunks are raised to S3's minimum part.
        assert_eq!(part_size(40 << 20, 1 << 20), Some(MIN_PART));
        assert_eq!(part_count(40 << 20, MIN_PART), 8);
        // 0 asks for the whole file in one part.
        assert_eq!(part_size(100, 0), Some(MIN_PART));
        assert_eq!(part_size(1 << 30, 0), Some(1 << 30));
        assert_eq!(part_size(25 << 20, 25 << 20), Some(25 << 20));
        // Too many parts: larger ones.
        let size = 100u64 << 30;
        let part = part_size(size, MIN_PART).unwrap();
        assert!(part_count(size, part) <= MAX_PARTS);
        assert_eq!(part_count(0, MIN_PART), 1);
        assert_eq!(part_size(u64::MAX, 0), None);
    }
}

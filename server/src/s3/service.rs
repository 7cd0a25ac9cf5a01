//! [`Stratus`]: s3s's `S3` trait over the drive. Each operation finds who signed it
//! ([`access::of`]) and hands over to the module that does it; anything not here answers
//! `NotImplemented` (s3s's default).

use s3s::{
    S3, S3Request, S3Response, S3Result,
    dto::{self, *},
    s3_error,
};

use super::{
    access, buckets,
    checksum::Expect,
    list::{self, Ask},
    multipart,
    objects::{self, Conditions, Put},
};
use crate::state::AppState;

/// The S3 service of one process.
pub struct Stratus {
    state: AppState,
}

impl Stratus {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

/// The checksum fields of an input, as [`Expect`] takes them.
macro_rules! sums {
    ($input:expr) => {
        dto::Checksum {
            checksum_crc32: $input.checksum_crc32.clone(),
            checksum_crc32c: $input.checksum_crc32c.clone(),
            checksum_sha1: $input.checksum_sha1.clone(),
            checksum_sha256: $input.checksum_sha256.clone(),
            checksum_crc64nvme: $input.checksum_crc64nvme.clone(),
            ..Default::default()
        }
    };
}

/// A body's length when the request tells it: the decoded length of an `aws-chunked` body,
/// else `Content-Length`.
fn body_size<T>(req: &S3Request<T>, content_length: Option<i64>) -> Option<u64> {
    let decoded = req
        .headers
        .get("x-amz-decoded-content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let streaming = req
        .headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("STREAMING-"));
    decoded.or_else(|| {
        (!streaming)
            .then_some(content_length)
            .flatten()
            .map(|n| n.max(0) as u64)
    })
}

/// `max-keys`: 1000 when absent, as S3.
fn max_keys(n: Option<i32>) -> usize {
    n.map_or(1000, |n| n.clamp(0, 1000) as usize)
}

#[async_trait::async_trait]
impl S3 for Stratus {
    async fn list_buckets(
        &self,
        req: S3Request<ListBucketsInput>,
    ) -> S3Result<S3Response<ListBucketsOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let buckets = buckets::list(&acc).await?;
        Ok(S3Response::new(ListBucketsOutput {
            buckets: Some(buckets),
            ..Default::default()
        }))
    }

    async fn create_bucket(
        &self,
        req: S3Request<CreateBucketInput>,
    ) -> S3Result<S3Response<CreateBucketOutput>> {
        let acc = access::of(&self.state, &req).await?;
        buckets::create(&acc, &req.input.bucket).await?;
        Ok(S3Response::new(CreateBucketOutput::default()))
    }

    async fn delete_bucket(
        &self,
        req: S3Request<DeleteBucketInput>,
    ) -> S3Result<S3Response<DeleteBucketOutput>> {
        let acc = access::of(&self.state, &req).await?;
        buckets::delete(&acc, &req.input.bucket).await?;
        Ok(S3Response::new(DeleteBucketOutput::default()))
    }

    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        let acc = access::of(&self.state, &req).await?;
        objects::bucket_folder(&acc, &req.input.bucket).await?;
        Ok(S3Response::new(HeadBucketOutput::default()))
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        let acc = access::of(&self.state, &req).await?;
        objects::bucket_folder(&acc, &req.input.bucket).await?;
        Ok(S3Response::new(GetBucketLocationOutput::default()))
    }

    async fn list_objects(
        &self,
        req: S3Request<ListObjectsInput>,
    ) -> S3Result<S3Response<ListObjectsOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = &req.input;
        let bucket = objects::bucket_folder(&acc, &i.bucket).await?;
        let ask = Ask {
            prefix: i.prefix.as_deref().unwrap_or(""),
            delimiter: i.delimiter.as_deref().filter(|d| !d.is_empty()),
            after: i.marker.as_deref().unwrap_or(""),
            max: max_keys(i.max_keys),
        };
        let page = list::list(&acc, bucket.file.id, &ask).await?;
        Ok(S3Response::new(ListObjectsOutput {
            name: Some(i.bucket.clone()),
            prefix: i.prefix.clone(),
            marker: i.marker.clone(),
            delimiter: i.delimiter.clone(),
            max_keys: i.max_keys.or(Some(1000)),
            is_truncated: Some(page.truncated),
            next_marker: page.last.filter(|_| page.truncated),
            contents: Some(page.objects),
            common_prefixes: Some(common(page.prefixes)),
            ..Default::default()
        }))
    }

    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let acc = access::of(&self.state, &req).await?;
        let i = &req.input;
        let bucket = objects::bucket_folder(&acc, &i.bucket).await?;
        let after = match (&i.continuation_token, &i.start_after) {
            (Some(token), _) => token.as_str(),
            (None, Some(start)) => start.as_str(),
            (None, None) => "",
        };
        let ask = Ask {
            prefix: i.prefix.as_deref().unwrap_or(""),
            delimiter: i.delimiter.as_deref().filter(|d| !d.is_empty()),
            after,
            max: max_keys(i.max_keys),
        };
        let page = list::list(&acc, bucket.file.id, &ask).await?;
        let count = page.objects.len() + page.prefixes.len();
        Ok(S3Response::new(ListObjectsV2Output {
            name: Some(i.bucket.clone()),
            prefix: i.prefix.clone(),
            delimiter: i.delimiter.clone(),
            max_keys: i.max_keys.or(Some(1000)),
            key_count: Some(count as i32),
            continuation_token: i.continuation_token.clone(),
            start_after: i.start_after.clone(),
            is_truncated: Some(page.truncated),
            next_continuation_token: page.last.filter(|_| page.truncated),
            contents: Some(page.objects),
            common_prefixes: Some(common(page.prefixes)),
            ..Default::default()
        }))
    }

    async fn head_object(
        &self,
        req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let d = objects::describe(&acc, &i.bucket, &i.key).await?;
        objects::check(
            &Conditions {
                if_match: i.if_match,
                if_none_match: i.if_none_match,
                if_modified_since: i.if_modified_since,
                if_unmodified_since: i.if_unmodified_since,
            },
            &d,
        )?;
        Ok(S3Response::new(objects::head_output(&d)))
    }

    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let d = objects::describe(&acc, &i.bucket, &i.key).await?;
        objects::check(
            &Conditions {
                if_match: i.if_match,
                if_none_match: i.if_none_match,
                if_modified_since: i.if_modified_since,
                if_unmodified_since: i.if_unmodified_since,
            },
            &d,
        )?;
        let out = objects::get(&acc, d, i.range).await?;
        Ok(S3Response::new(out))
    }

    async fn put_object(
        &self,
        mut req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let size = body_size(&req, req.input.content_length);
        let trailer = req.trailing_headers.take();
        let i = req.input;
        let expect = Expect::of(i.content_md5.as_deref(), sums!(i), &req.headers, trailer)?;
        let put = Put {
            body: i.body,
            size,
            expect,
            content_type: i.content_type,
            metadata: i.metadata,
        };
        let etag = objects::put(&acc, &i.bucket, &i.key, put).await?;
        Ok(S3Response::new(PutObjectOutput {
            e_tag: Some(ETag::Strong(etag)),
            ..Default::default()
        }))
    }

    async fn copy_object(
        &self,
        req: S3Request<CopyObjectInput>,
    ) -> S3Result<S3Response<CopyObjectOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let CopySource::Bucket {
            bucket: src_bucket,
            key: src_key,
            ..
        } = &i.copy_source
        else {
            return Err(s3_error!(
                NotImplemented,
                "only bucket copy sources are served"
            ));
        };
        let replace = i
            .metadata_directive
            .as_ref()
            .is_some_and(|d| d.as_str() == MetadataDirective::REPLACE)
            .then(|| (i.content_type.clone(), i.metadata.clone()));
        let (etag, modified) =
            objects::copy(&acc, (src_bucket, src_key), (&i.bucket, &i.key), replace).await?;
        Ok(S3Response::new(CopyObjectOutput {
            copy_object_result: Some(CopyObjectResult {
                e_tag: Some(ETag::Strong(etag)),
                last_modified: Some(modified),
                ..Default::default()
            }),
            ..Default::default()
        }))
    }

    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        let acc = access::of(&self.state, &req).await?;
        objects::delete(&acc, &req.input.bucket, &req.input.key).await?;
        Ok(S3Response::new(DeleteObjectOutput::default()))
    }

    async fn delete_objects(
        &self,
        req: S3Request<DeleteObjectsInput>,
    ) -> S3Result<S3Response<DeleteObjectsOutput>> {
        let acc = access::of(&self.state, &req).await?;
        acc.writable()?;
        objects::bucket_folder(&acc, &req.input.bucket).await?;
        let quiet = req.input.delete.quiet.unwrap_or(false);
        let (mut deleted, mut errors) = (Vec::new(), Vec::new());
        for object in req.input.delete.objects {
            match objects::delete(&acc, &req.input.bucket, &object.key).await {
                Ok(()) if quiet => {}
                Ok(()) => deleted.push(DeletedObject {
                    key: Some(object.key),
                    ..Default::default()
                }),
                Err(e) => errors.push(Error {
                    code: Some(e.code().as_str().to_owned()),
                    key: Some(object.key),
                    message: e.message().map(str::to_owned),
                    ..Default::default()
                }),
            }
        }
        Ok(S3Response::new(DeleteObjectsOutput {
            deleted: Some(deleted),
            errors: Some(errors),
            ..Default::default()
        }))
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let id = multipart::create(&acc, &i.bucket, &i.key, i.content_type, i.metadata).await?;
        Ok(S3Response::new(CreateMultipartUploadOutput {
            bucket: Some(i.bucket),
            key: Some(i.key),
            upload_id: Some(id),
            ..Default::default()
        }))
    }

    async fn upload_part(
        &self,
        mut req: S3Request<UploadPartInput>,
    ) -> S3Result<S3Response<UploadPartOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let trailer = req.trailing_headers.take();
        let i = req.input;
        let expect = Expect::of(i.content_md5.as_deref(), sums!(i), &req.headers, trailer)?;
        let at = (i.bucket.as_str(), i.key.as_str(), i.upload_id.as_str());
        let etag = multipart::upload_part(&acc, at, i.part_number, i.body, expect).await?;
        Ok(S3Response::new(UploadPartOutput {
            e_tag: Some(ETag::Strong(etag)),
            ..Default::default()
        }))
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let parts = i.multipart_upload.and_then(|m| m.parts).unwrap_or_default();
        let at = (i.bucket.as_str(), i.key.as_str(), i.upload_id.as_str());
        let etag = multipart::complete(&acc, at, parts).await?;
        Ok(S3Response::new(CompleteMultipartUploadOutput {
            bucket: Some(i.bucket.clone()),
            key: Some(i.key.clone()),
            e_tag: Some(ETag::Strong(etag)),
            ..Default::default()
        }))
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = &req.input;
        multipart::abort(&acc, &i.bucket, &i.key, &i.upload_id).await?;
        Ok(S3Response::new(AbortMultipartUploadOutput::default()))
    }

    async fn list_parts(
        &self,
        req: S3Request<ListPartsInput>,
    ) -> S3Result<S3Response<ListPartsOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let marker = i.part_number_marker.unwrap_or(0);
        let max = i.max_parts.map_or(1000, |n| n.clamp(0, 1000) as usize);
        let at = (i.bucket.as_str(), i.key.as_str(), i.upload_id.as_str());
        let (parts, truncated) = multipart::list_parts(&acc, at, marker, max).await?;
        let next = parts.last().and_then(|p| p.part_number);
        Ok(S3Response::new(ListPartsOutput {
            bucket: Some(i.bucket),
            key: Some(i.key),
            upload_id: Some(i.upload_id),
            is_truncated: Some(truncated),
            next_part_number_marker: next.filter(|_| truncated),
            parts: Some(parts),
            ..Default::default()
        }))
    }

    async fn list_multipart_uploads(
        &self,
        req: S3Request<ListMultipartUploadsInput>,
    ) -> S3Result<S3Response<ListMultipartUploadsOutput>> {
        let acc = access::of(&self.state, &req).await?;
        let i = req.input;
        let prefix = i.prefix.clone().unwrap_or_default();
        let uploads = multipart::list_uploads(&acc, &i.bucket, &prefix).await?;
        Ok(S3Response::new(ListMultipartUploadsOutput {
            bucket: Some(i.bucket),
            prefix: i.prefix,
            is_truncated: Some(false),
            uploads: Some(uploads),
            ..Default::default()
        }))
    }
}

fn common(prefixes: Vec<String>) -> Vec<CommonPrefix> {
    prefixes
        .into_iter()
        .map(|p| CommonPrefix { prefix: Some(p) })
        .collect()
}

//! Single objects: GET and HEAD (ranges, conditions), PUT, copy and delete, each through the
//! same functions the API and WebDAV use: a PUT is `upload::stream::write` (quota before and
//! during the write, a new version over an existing file, locks, file events, indexing), a
//! delete `fs::trash::delete` (to the trash), a copy `fs::tree::move_to` to a new key and
//! `upload::copy_over` onto an existing one (either references the source's blob).

use std::time::SystemTime;

use s3s::{
    S3Error, S3ErrorCode, S3Result,
    dto::{self, ETag, ETagCondition, StreamingBlob, Timestamp},
    s3_error,
};

use super::{
    access::Access,
    checksum::{self, Expect},
    error, meta, path,
};
use crate::{
    download::{self, speed},
    fs::{
        drive::{blob, children},
        error::FsError,
        nav::{self, Node},
        trash::{self, DeleteOptions},
        tree::{self, Kind},
        uri::FileUri,
    },
    storage::ByteRange,
    upload::{
        copy_over::copy_over,
        stream::{StreamWrite, write},
    },
};

/// The folder of `bucket`, which must exist.
pub async fn bucket_folder(acc: &Access, bucket: &str) -> S3Result<Node> {
    let uri = path::bucket(&acc.root, bucket)?;
    let node = nav::resolve(&acc.ctx(), &uri)
        .await
        .map_err(error::bucket)?;
    if !node.is_folder() || node.file.is_symbolic {
        return Err(S3Error::new(S3ErrorCode::NoSuchBucket));
    }
    Ok(node)
}

/// The object `key` of `bucket`: a file, or a folder for a key ending in `/`.
pub async fn find(acc: &Access, bucket: &str, key: &str) -> S3Result<Node> {
    let bucket_uri = path::bucket(&acc.root, bucket)?;
    let (uri, folder) = path::object(&bucket_uri, key)?;
    match nav::resolve(&acc.ctx(), &uri).await {
        Ok(node) if node.is_folder() == folder && !node.file.is_symbolic => Ok(node),
        Ok(_) | Err(FsError::NotFound) | Err(FsError::ParentNotExist) => {
            bucket_folder(acc, bucket).await?;
            Err(S3Error::new(S3ErrorCode::NoSuchKey))
        }
        Err(e) => Err(error::fs(e)),
    }
}

/// An object as HEAD and GET describe it.
pub struct Described {
    pub node: Node,
    pub etag: String,
    pub stored: meta::Stored,
    pub modified: Timestamp,
}

impl Described {
    pub fn content_type(&self) -> Option<String> {
        if self.node.is_folder() {
            return Some("application/x-directory".to_owned());
        }
        self.stored.content_type.clone().or_else(|| {
            Some(
                mime_guess::from_path(&self.node.file.name)
                    .first_or_octet_stream()
                    .to_string(),
            )
        })
    }

    /// `attachment` for a type a browser would render as a page (HTML, SVG, XML): opened
    /// from a presigned URL it is downloaded, never shown, as on the API's content route.
    pub fn disposition(&self) -> Option<String> {
        let kind = self.content_type()?;
        download::headers::renders_as_page(&kind)
            .then(|| download::headers::disposition(true, &self.node.file.name))
    }

    pub fn size(&self) -> u64 {
        if self.node.is_folder() {
            0
        } else {
            self.node.file.size.max(0) as u64
        }
    }
}

/// A time as HTTP dates carry it: whole seconds.
fn http_time(t: chrono::DateTime<chrono::Utc>) -> Timestamp {
    let secs = t.timestamp().max(0) as u64;
    Timestamp::from(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// Looks `key` up with what HEAD and GET answer about it.
pub async fn describe(acc: &Access, bucket: &str, key: &str) -> S3Result<Described> {
    let node = find(acc, bucket, key).await?;
    let stored = meta::load(&acc.state, node.file.id)
        .await
        .map_err(error::fs)?;
    let etag = if node.is_folder() {
        meta::EMPTY_ETAG.to_owned()
    } else {
        meta::etag_of(&node.file, stored.etag.as_deref())
    };
    let modified = http_time(node.file.updated_at);
    Ok(Described {
        node,
        etag,
        stored,
        modified,
    })
}

/// The request's conditional headers.
pub struct Conditions {
    pub if_match: Option<ETagCondition>,
    pub if_none_match: Option<ETagCondition>,
    pub if_modified_since: Option<Timestamp>,
    pub if_unmodified_since: Option<Timestamp>,
}

fn matches(cond: &ETagCondition, etag: &str) -> bool {
    match cond {
        ETagCondition::Any => true,
        ETagCondition::ETag(e) => e.value() == etag,
    }
}

/// RFC 9110 §13.2.2: If-Match, else If-Unmodified-Since (412); If-None-Match, else
/// If-Modified-Since (304).
pub fn check(cond: &Conditions, d: &Described) -> S3Result<()> {
    match (&cond.if_match, &cond.if_unmodified_since) {
        (Some(m), _) if !matches(m, &d.etag) => return Err(s3_error!(PreconditionFailed)),
        (None, Some(since)) if d.modified > *since => return Err(s3_error!(PreconditionFailed)),
        _ => {}
    }
    match (&cond.if_none_match, &cond.if_modified_since) {
        (Some(m), _) if matches(m, &d.etag) => Err(s3_error!(NotModified)),
        (None, Some(since)) if d.modified <= *since => Err(s3_error!(NotModified)),
        _ => Ok(()),
    }
}

/// HEAD of an object.
pub fn head_output(d: &Described) -> dto::HeadObjectOutput {
    dto::HeadObjectOutput {
        accept_ranges: Some("bytes".to_owned()),
        content_length: Some(d.size() as i64),
        content_disposition: d.disposition(),
        content_type: d.content_type(),
        e_tag: Some(ETag::Strong(d.etag.clone())),
        last_modified: Some(d.modified.clone()),
        metadata: (!d.stored.user.is_empty()).then(|| d.stored.user.clone()),
        ..Default::default()
    }
}

/// GET of an object: its bytes (the selected range of them) streamed from the storage.
pub async fn get(
    acc: &Access,
    d: Described,
    range: Option<dto::Range>,
) -> S3Result<dto::GetObjectOutput> {
    let size = d.size();
    let (start, end) = match range {
        Some(r) if size > 0 => {
            let r = r.check(size).map_err(|_| s3_error!(InvalidRange))?;
            (r.start, r.end)
        }
        Some(_) => return Err(s3_error!(InvalidRange)),
        None => (0, size),
    };
    let body = match d.node.file.primary_entity.filter(|_| size > 0) {
        Some(version) => {
            let state = &acc.state;
            let row = blob::version(&state.db, version)
                .await
                .map_err(error::fs)?
                .ok_or_else(|| s3_error!(NoSuchKey))?;
            let driver = state
                .storage
                .driver(row.storage_policy_id)
                .await
                .map_err(error::internal)?;
            let object = driver
                .get(&row.source, Some(ByteRange::FromTo(start, end - 1)))
                .await
                .map_err(error::internal)?;
            let limit = acc.me.group.speed_limit.max(0) as u64;
            checksum::Shared::blob(speed::throttle(object.stream, limit))
        }
        None => StreamingBlob::wrap(futures_util::stream::empty::<std::io::Result<bytes::Bytes>>()),
    };
    let content_range = range.map(|_| format!("bytes {start}-{}/{size}", end.saturating_sub(1)));
    Ok(dto::GetObjectOutput {
        accept_ranges: Some("bytes".to_owned()),
        body: Some(body),
        content_length: Some((end - start) as i64),
        content_range,
        content_disposition: d.disposition(),
        content_type: d.content_type(),
        e_tag: Some(ETag::Strong(d.etag.clone())),
        last_modified: Some(d.modified.clone()),
        metadata: (!d.stored.user.is_empty()).then(|| d.stored.user.clone()),
        ..Default::default()
    })
}

/// What a PUT carries besides its place.
pub struct Put {
    pub body: Option<StreamingBlob>,
    /// The body's length when known (the decoded length of an `aws-chunked` body).
    pub size: Option<u64>,
    pub expect: Expect,
    pub content_type: Option<String>,
    pub metadata: Option<dto::Metadata>,
}

/// Writes `key` of `bucket` from a streamed body and answers its ETag (the MD5 of the
/// content). A key ending in `/` with an empty body makes a folder.
pub async fn put(acc: &Access, bucket: &str, key: &str, put: Put) -> S3Result<String> {
    acc.writable()?;
    let folder = bucket_folder(acc, bucket).await?;
    let (uri, is_folder) = path::object(&folder.uri, key)?;
    if is_folder {
        if put.size.is_some_and(|s| s > 0) {
            return Err(s3_error!(
                InvalidArgument,
                "an object whose key ends in / is a folder and has no content"
            ));
        }
        tree::create(&acc.ctx(), &uri, Kind::Folder, &[], false)
            .await
            .map_err(error::fs)?;
        return Ok(meta::EMPTY_ETAG.to_owned());
    }
    let body = match put.body {
        Some(blob) => checksum::body_of(blob),
        None => Box::pin(futures_util::stream::empty()),
    };
    let (body, outcome) = checksum::checked(body, put.expect);
    let w = StreamWrite {
        size: put.size,
        ..StreamWrite::plain(&uri, body, true)
    };
    let file = match write(&acc.state, &acc.me, w).await {
        Ok(file) => file,
        Err(e) => return Err(outcome.or(error::upload(e))),
    };
    let etag = outcome
        .etag()
        .ok_or_else(|| error::internal("a written body has no digest"))?;
    let what = meta::ToStore {
        etag: &etag,
        content_type: put.content_type.as_deref(),
        user: put.metadata.as_ref(),
    };
    meta::store(&acc.state, &file, &what)
        .await
        .map_err(error::fs)?;
    Ok(etag)
}

/// Deletes `key` of `bucket` to the trash, or for good when the site's `s3_delete_final` is
/// on (backup tools that prune their own data would otherwise fill the trash); a missing key
/// is no error (S3's delete is idempotent). A folder marker takes its folder along only when
/// the folder is empty.
pub async fn delete(acc: &Access, bucket: &str, key: &str) -> S3Result<()> {
    acc.writable()?;
    let node = match find(acc, bucket, key).await {
        Ok(node) => node,
        Err(e) if e.code() == &S3ErrorCode::NoSuchKey => return Ok(()),
        Err(e) => return Err(e),
    };
    if node.is_folder() {
        let empty = children::is_empty(&acc.state.db, node.file.id)
            .await
            .map_err(error::fs)?;
        if !empty {
            return Ok(());
        }
    }
    let final_delete = acc
        .state
        .settings
        .bool("s3_delete_final")
        .await
        .map_err(error::internal)?;
    let options = DeleteOptions {
        skip_soft_delete: final_delete,
        ..DeleteOptions::default()
    };
    trash::delete(&acc.ctx(), &node.uri, options)
        .await
        .map_err(error::fs)
}

/// Copies `src_key` of `src_bucket` to `key` of `bucket` on the server: the copy references
/// the source's blob (no byte is copied). An object already at the target goes to the trash.
pub async fn copy(
    acc: &Access,
    (src_bucket, src_key): (&str, &str),
    (bucket, key): (&str, &str),
    replace: Option<(Option<String>, Option<dto::Metadata>)>,
) -> S3Result<(String, Timestamp)> {
    acc.writable()?;
    let src = describe(acc, src_bucket, src_key).await?;
    if src.node.is_folder() {
        return Err(s3_error!(InvalidRequest, "a folder cannot be copied"));
    }
    let folder = bucket_folder(acc, bucket).await?;
    let (uri, is_folder) = path::object(&folder.uri, key)?;
    if is_folder {
        return Err(s3_error!(InvalidArgument, "the target key names a folder"));
    }
    let (content_type, user) = match replace {
        Some((kind, user)) => (kind, user.unwrap_or_default()),
        None => (src.stored.content_type.clone(), src.stored.user.clone()),
    };
    let same = src.node.uri == uri;
    let placed = if same {
        src.node.file.clone()
    } else {
        let ctx = acc.ctx();
        let parent_uri = uri.parent().ok_or_else(|| s3_error!(InvalidArgument))?;
        let parent = tree::create(&ctx, &parent_uri, Kind::Folder, &[], false)
            .await
            .map_err(error::fs)?;
        let existing = match nav::resolve(&ctx, &uri).await {
            Ok(old) if old.is_folder() => {
                return Err(s3_error!(InvalidRequest, "a folder is at the target key"));
            }
            Ok(old) => Some(old),
            Err(FsError::NotFound) => None,
            Err(e) => return Err(error::fs(e)),
        };
        // Over an existing object its content stays as a version, as under a PUT.
        let over = match &existing {
            Some(old) => copy_over(&acc.state, &acc.me, &src.node.file, old, &[])
                .await
                .map_err(error::upload)?,
            None => None,
        };
        match over {
            Some(file) => file,
            None => {
                // A new key, or an empty source (no blob to share): an ordinary copy, an
                // object there before going to the trash.
                if let Some(old) = existing {
                    trash::delete(&ctx, &old.uri, DeleteOptions::default())
                        .await
                        .map_err(error::fs)?;
                }
                let name = uri.name().ok_or_else(|| s3_error!(InvalidArgument))?;
                let copied = tree::move_to(&ctx, &src.node.uri, &parent, name, true)
                    .await
                    .map_err(error::fs)?;
                crate::fts::requeue::queue_tree(&acc.state, &copied).await;
                copied
            }
        }
    };
    let what = meta::ToStore {
        etag: &src.etag,
        content_type: content_type.as_deref(),
        user: Some(&user),
    };
    meta::store(&acc.state, &placed, &what)
        .await
        .map_err(error::fs)?;
    Ok((src.etag, http_time(chrono::Utc::now())))
}

/// The URI `key` of `bucket` names, for the multipart upload that will write it.
pub async fn target(acc: &Access, bucket: &str, key: &str) -> S3Result<FileUri> {
    let folder = bucket_folder(acc, bucket).await?;
    let (uri, is_folder) = path::object(&folder.uri, key)?;
    if is_folder {
        return Err(s3_error!(
            InvalidArgument,
            "a folder has no content to upload"
        ));
    }
    Ok(uri)
}

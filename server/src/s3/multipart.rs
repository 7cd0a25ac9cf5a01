//! Multipart uploads as chunked transfers (`upload::transfer`, as the sync clients' chunked
//! uploads): each part streams to a staged file as it arrives, its MD5 kept in a note beside
//! it; completing joins the listed parts in order as one stream into the ordinary file write
//! (`upload::stream::write`: quota, versions, locks, events, indexing), so neither a part nor
//! the object is ever held in memory. The upload id is the transfer id; an upload nobody
//! touches for a day is collected by the periodic upload job with every other transfer.

use md5::{Digest, Md5};
use s3s::{
    S3Error, S3ErrorCode, S3Result,
    dto::{self, Timestamp},
    s3_error,
};
use serde::{Deserialize, Serialize};

use super::{
    access::Access,
    checksum::{self, Expect},
    error, meta, objects,
};
use crate::upload::{
    stream::{StreamWrite, write},
    transfer::{self, TransferError},
};

/// What every S3 upload id starts with (other transfers are the sync clients').
const ID_PREFIX: &str = "s3-";
/// The note naming an upload's target.
const TARGET: &str = "target";
/// Smallest part S3 allows, but for the last one of an upload: clients size their parts by
/// it, and a store that took smaller ones would accept uploads that fail on every other one.
const MIN_PART: u64 = 5 << 20;
/// Highest part number S3 allows.
const MAX_PART: i32 = 10_000;

/// Where an upload goes and what the object will carry.
#[derive(Serialize, Deserialize)]
struct Target {
    bucket: String,
    key: String,
    content_type: Option<String>,
    metadata: Option<dto::Metadata>,
}

fn transfer_err(e: TransferError) -> S3Error {
    match e {
        TransferError::NotFound => S3Error::new(S3ErrorCode::NoSuchUpload),
        TransferError::NoSpace => S3Error::with_message(
            S3ErrorCode::EntityTooLarge,
            "the parts do not fit in the free space of the drive",
        ),
        TransferError::Exists => error::internal("an upload id was drawn twice"),
        TransferError::Io(e) => error::internal(e),
    }
}

/// A part's chunk name: its number, zero-padded so names sort as numbers do.
fn chunk_name(part: i32) -> S3Result<String> {
    if !(1..=MAX_PART).contains(&part) {
        return Err(s3_error!(
            InvalidArgument,
            "part numbers go from 1 to 10000"
        ));
    }
    Ok(format!("{part:05}"))
}

/// The target of upload `id`, which must be one of this owner's S3 uploads for `bucket`
/// and `key`.
async fn target_of(acc: &Access, id: &str, bucket: &str, key: &str) -> S3Result<Target> {
    if !id.starts_with(ID_PREFIX) {
        return Err(S3Error::new(S3ErrorCode::NoSuchUpload));
    }
    let text = transfer::note(&acc.state, acc.me.user.id, id, TARGET)
        .await
        .map_err(transfer_err)?
        .ok_or_else(|| S3Error::new(S3ErrorCode::NoSuchUpload))?;
    let target: Target = serde_json::from_str(&text).map_err(error::internal)?;
    if target.bucket != bucket || target.key != key {
        return Err(S3Error::new(S3ErrorCode::NoSuchUpload));
    }
    Ok(target)
}

/// Opens an upload of `key`; answers its id.
pub async fn create(
    acc: &Access,
    bucket: &str,
    key: &str,
    content_type: Option<String>,
    metadata: Option<dto::Metadata>,
) -> S3Result<String> {
    acc.writable()?;
    objects::target(acc, bucket, key).await?;
    let id = format!("{ID_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let owner = acc.me.user.id;
    transfer::open(&acc.state, owner, &id)
        .await
        .map_err(transfer_err)?;
    let target = Target {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        content_type,
        metadata,
    };
    let text = serde_json::to_string(&target).map_err(error::internal)?;
    transfer::put_note(&acc.state, owner, &id, TARGET, &text)
        .await
        .map_err(transfer_err)?;
    Ok(id)
}

/// Stores part `part` of upload `id` from a streamed body; answers its ETag (its MD5).
pub async fn upload_part(
    acc: &Access,
    (bucket, key, id): (&str, &str, &str),
    part: i32,
    body: Option<dto::StreamingBlob>,
    expect: Expect,
) -> S3Result<String> {
    acc.writable()?;
    target_of(acc, id, bucket, key).await?;
    let name = chunk_name(part)?;
    let body = match body {
        Some(blob) => checksum::body_of(blob),
        None => Box::pin(futures_util::stream::empty()),
    };
    let (body, outcome) = checksum::checked(body, expect);
    let me = &acc.me;
    let free = (me.group.max_storage - me.user.storage).max(0) as u64;
    let owner = me.user.id;
    if let Err(e) = transfer::put_chunk(&acc.state, owner, id, &name, body, free).await {
        return Err(outcome.or(transfer_err(e)));
    }
    let etag = outcome
        .etag()
        .ok_or_else(|| error::internal("a stored part has no digest"))?;
    transfer::put_note(&acc.state, owner, id, &format!("part-{name}"), &etag)
        .await
        .map_err(transfer_err)?;
    Ok(etag)
}

/// The parts of upload `id`: number, size and MD5 in hex.
async fn parts(acc: &Access, id: &str) -> S3Result<Vec<(i32, u64, String)>> {
    let owner = acc.me.user.id;
    let chunks = transfer::chunks(&acc.state, owner, id)
        .await
        .map_err(transfer_err)?;
    let mut out = Vec::with_capacity(chunks.len());
    for (name, size) in chunks {
        let Ok(number) = name.parse::<i32>() else {
            continue;
        };
        let note = transfer::note(&acc.state, owner, id, &format!("part-{name}"))
            .await
            .map_err(transfer_err)?;
        if let Some(etag) = note {
            out.push((number, size, etag));
        }
    }
    Ok(out)
}

/// Joins the parts the client lists (in ascending order, each with the ETag it was given)
/// into the object; parts left out are dropped. Answers the object's ETag, `md5-of-md5s-N`.
pub async fn complete(
    acc: &Access,
    (bucket, key, id): (&str, &str, &str),
    listed: Vec<dto::CompletedPart>,
) -> S3Result<String> {
    acc.writable()?;
    let target = target_of(acc, id, bucket, key).await?;
    let uri = objects::target(acc, bucket, key).await?;
    let stored = parts(acc, id).await?;
    if listed.is_empty() {
        return Err(s3_error!(MalformedXML, "the upload lists no part"));
    }
    let mut md5s = Md5::new();
    let mut last = 0;
    let mut keep = Vec::with_capacity(listed.len());
    for part in &listed {
        let number = part.part_number.unwrap_or(0);
        if number <= last {
            return Err(s3_error!(InvalidPartOrder));
        }
        last = number;
        let found = stored.iter().find(|(n, _, _)| *n == number);
        let Some((_, size, etag)) = found else {
            return Err(s3_error!(InvalidPart, "part {number} was not uploaded"));
        };
        if let Some(given) = &part.e_tag
            && given.value().trim_matches('"') != etag
        {
            return Err(s3_error!(InvalidPart, "part {number} has another ETag"));
        }
        if *size < MIN_PART && keep.len() + 1 < listed.len() {
            return Err(s3_error!(
                EntityTooSmall,
                "part {number} is smaller than 5 MiB and is not the last part"
            ));
        }
        md5s.update(hex::decode(etag).map_err(error::internal)?);
        keep.push(number);
    }
    let owner = acc.me.user.id;
    for (number, _, _) in stored.iter().filter(|(n, _, _)| !keep.contains(n)) {
        transfer::drop_chunk(&acc.state, owner, id, &chunk_name(*number)?)
            .await
            .map_err(transfer_err)?;
    }
    let (body, total) = transfer::assembled(&acc.state, owner, id)
        .await
        .map_err(transfer_err)?;
    let w = StreamWrite {
        size: Some(total),
        ..StreamWrite::plain(&uri, body, true)
    };
    let file = write(&acc.state, &acc.me, w).await.map_err(error::upload)?;
    let etag = format!("{}-{}", hex::encode(md5s.finalize()), keep.len());
    let what = meta::ToStore {
        etag: &etag,
        content_type: target.content_type.as_deref(),
        user: target.metadata.as_ref(),
    };
    meta::store(&acc.state, &file, &what)
        .await
        .map_err(error::fs)?;
    if let Err(e) = transfer::remove(&acc.state, owner, id).await {
        tracing::warn!(error = ?e, "could not remove a completed upload's parts");
    }
    Ok(etag)
}

/// Abandons upload `id` and its parts.
pub async fn abort(acc: &Access, bucket: &str, key: &str, id: &str) -> S3Result<()> {
    acc.writable()?;
    target_of(acc, id, bucket, key).await?;
    match transfer::remove(&acc.state, acc.me.user.id, id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(S3Error::new(S3ErrorCode::NoSuchUpload)),
        Err(e) => Err(transfer_err(e)),
    }
}

/// The parts of upload `id` after `marker`, at most `max`.
pub async fn list_parts(
    acc: &Access,
    (bucket, key, id): (&str, &str, &str),
    marker: i32,
    max: usize,
) -> S3Result<(Vec<dto::Part>, bool)> {
    target_of(acc, id, bucket, key).await?;
    let mut parts: Vec<dto::Part> = parts(acc, id)
        .await?
        .into_iter()
        .filter(|(n, _, _)| *n > marker)
        .map(|(n, size, etag)| dto::Part {
            part_number: Some(n),
            size: Some(size as i64),
            e_tag: Some(dto::ETag::Strong(etag)),
            ..Default::default()
        })
        .collect();
    let truncated = parts.len() > max;
    parts.truncate(max);
    Ok((parts, truncated))
}

/// The open uploads into `bucket` whose key starts with `prefix`.
pub async fn list_uploads(
    acc: &Access,
    bucket: &str,
    prefix: &str,
) -> S3Result<Vec<dto::MultipartUpload>> {
    objects::bucket_folder(acc, bucket).await?;
    let owner = acc.me.user.id;
    let open = transfer::list(&acc.state, owner, ID_PREFIX)
        .await
        .map_err(transfer_err)?;
    let mut out = Vec::new();
    for (id, touched) in open {
        let Ok(Some(text)) = transfer::note(&acc.state, owner, &id, TARGET).await else {
            continue;
        };
        let Ok(target) = serde_json::from_str::<Target>(&text) else {
            continue;
        };
        if target.bucket == bucket && target.key.starts_with(prefix) {
            out.push(dto::MultipartUpload {
                key: Some(target.key),
                upload_id: Some(id),
                initiated: Some(Timestamp::from(touched)),
                ..Default::default()
            });
        }
    }
    out.sort_by(|a, b| (&a.key, &a.upload_id).cmp(&(&b.key, &b.upload_id)));
    Ok(out)
}

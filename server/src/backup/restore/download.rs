//! A record as one download: a folder or users record as a zip of its files (current
//! versions, as they were backed up), an instance record as a tar of its manifest, its
//! database dump and every blob it names, laid out as on the target. Built in a background
//! task into a small channel, so memory stays flat; a failure midway ends the stream with an
//! error (and aborts the response), never a short archive that looks whole.

use std::{
    collections::HashMap,
    io::{self, BufRead, BufReader, Read, Seek},
};

use bytes::Bytes;
use futures_util::{StreamExt, future, stream};
use sea_orm::EntityTrait;
use serde_json::Value;
use stratus_entity::{backup_record, backup_target, user};
use tokio::sync::mpsc;

use super::{MANIFEST, RestoreError, TargetFile, blob_key, open_target, record_key};
use crate::{
    archive::zip::{ZipEncoder, needs_zip64},
    net::AbortHandle,
    state::AppState,
    storage::{ByteStream, StorageDriver, StorageError},
};

/// Pieces buffered between the writer task and the response.
const CHANNEL: usize = 8;
/// Bytes read from the spooled manifest per piece of the tar.
const PIECE: usize = 64 * 1024;

/// A record ready to be sent.
pub struct Download {
    /// `<record>.zip` or `<record>.tar`.
    pub file_name: String,
    pub content_type: &'static str,
    pub body: ByteStream,
}

/// Opens completed record `id` for download. Errors before the first byte: no such record
/// ([`RestoreError::NoRecord`]), a record not completed, or a target that cannot be read.
pub async fn download(
    state: &AppState,
    id: i64,
    abort: Option<AbortHandle>,
) -> Result<Download, RestoreError> {
    let (record, target) = record_and_target(state, id).await?;
    let manifest = spool_manifest(state, target.as_ref(), &record.name).await?;
    let header = read_first_line(&manifest)?;
    let instance = header["kind"] == "instance";
    let (tx, rx) = mpsc::channel::<Bytes>(CHANNEL);
    let name = record.name.clone();
    let db = state.db.clone();
    let task = tokio::spawn(async move {
        let out = Out(tx);
        if instance {
            write_tar(target.as_ref(), &name, &header, manifest, &out).await
        } else {
            let multi = header["kind"] == "users";
            write_zip(&db, target.as_ref(), manifest, multi, &out).await
        }
    });
    let data = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (Ok(piece), rx))
    });
    let end = stream::once(async move {
        let err = match task.await {
            Ok(Ok(())) => return None,
            Ok(Err(err)) => io::Error::other(err.to_string()),
            Err(err) => io::Error::other(err),
        };
        tracing::warn!(error = %err, "backup record download failed");
        if let Some(abort) = abort {
            abort.abort();
        }
        Some(Err(err))
    })
    .filter_map(future::ready);
    Ok(Download {
        file_name: format!("{}.{}", record.name, if instance { "tar" } else { "zip" }),
        content_type: if instance {
            "application/x-tar"
        } else {
            "application/zip"
        },
        body: Box::pin(data.chain(end)),
    })
}

/// Record `id` (completed) and a driver for its target.
pub(crate) async fn record_and_target(
    state: &AppState,
    id: i64,
) -> Result<(backup_record::Model, std::sync::Arc<dyn StorageDriver>), RestoreError> {
    let record = backup_record::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| RestoreError::NoRecord("backup record not found".into()))?;
    if record.status != backup_record::status::COMPLETED {
        return Err(RestoreError::NotCompleted(record.status));
    }
    let target = backup_target::Entity::find_by_id(record.target_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| RestoreError::Target("the record's target no longer exists".into()))?;
    let file = TargetFile {
        r#type: target.r#type,
        settings: target.settings,
    };
    let driver = open_target(&file, &state.storage).await?;
    Ok((record, driver))
}

/// The record's manifest copied into an unnamed temporary file, rewound.
pub(crate) async fn spool_manifest(
    state: &AppState,
    target: &dyn StorageDriver,
    record: &str,
) -> Result<std::fs::File, RestoreError> {
    let temp = state.temp_dir().await?;
    std::fs::create_dir_all(&temp)?;
    let object = match target.get(&record_key(record, MANIFEST), None).await {
        Err(StorageError::NotFound) => {
            return Err(RestoreError::NoRecord(format!(
                "the manifest of record {record} is missing on its target"
            )));
        }
        other => other?,
    };
    let mut file = tokio::fs::File::from_std(tempfile::tempfile_in(&temp)?);
    let mut stream = object.stream;
    while let Some(piece) = stream.next().await {
        tokio::io::AsyncWriteExt::write_all(&mut file, &piece?).await?;
    }
    let mut file = file.into_std().await;
    file.rewind()?;
    Ok(file)
}

pub(crate) fn read_first_line(file: &std::fs::File) -> Result<Value, RestoreError> {
    let mut clone = file.try_clone()?;
    clone.rewind()?;
    let mut line = String::new();
    BufReader::new(flate2::read::GzDecoder::new(clone)).read_line(&mut line)?;
    let mut file = file.try_clone()?;
    file.rewind()?;
    serde_json::from_str(&line).map_err(|e| RestoreError::Manifest {
        record: String::new(),
        why: e.to_string(),
    })
}

/// The lines of the manifest after its header, parsed.
pub(crate) fn manifest_lines(
    file: std::fs::File,
) -> impl Iterator<Item = Result<Value, RestoreError>> {
    BufReader::new(flate2::read::GzDecoder::new(file))
        .lines()
        .skip(1)
        .map(|line| {
            let line = line?;
            serde_json::from_str(&line).map_err(|e| RestoreError::Manifest {
                record: String::new(),
                why: e.to_string(),
            })
        })
}

struct Out(mpsc::Sender<Bytes>);

impl Out {
    async fn send(&self, piece: Bytes) -> Result<(), RestoreError> {
        if piece.is_empty() {
            return Ok(());
        }
        self.0.send(piece).await.map_err(|_| {
            RestoreError::Io(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the client closed the connection",
            ))
        })
    }
}

/// Streams object `key` of the target to `out`, checking it has `size` bytes; `each` sees
/// every piece.
async fn pipe(
    target: &dyn StorageDriver,
    key: &str,
    size: Option<u64>,
    out: &Out,
    mut each: impl FnMut(&[u8]) -> Result<(), RestoreError>,
) -> Result<u64, RestoreError> {
    let object = match target.get(key, None).await {
        Err(StorageError::NotFound) => {
            return Err(RestoreError::NoRecord(format!(
                "{key} is missing on the backup target"
            )));
        }
        other => other?,
    };
    if let Some(size) = size
        && object.size != size
    {
        return Err(RestoreError::Manifest {
            record: String::new(),
            why: format!("{key} has {} bytes, {size} expected", object.size),
        });
    }
    let mut stream = object.stream;
    let mut sent = 0u64;
    while let Some(piece) = stream.next().await {
        let piece = piece?;
        sent += piece.len() as u64;
        each(&piece)?;
        out.send(piece).await?;
    }
    Ok(sent)
}

/// A folder or users record as a zip: folders, and each file's backed-up current content.
/// A users record puts each user's drive under a folder named by the user's email.
async fn write_zip(
    db: &sea_orm::DatabaseConnection,
    target: &dyn StorageDriver,
    manifest: std::fs::File,
    multi: bool,
    out: &Out,
) -> Result<(), RestoreError> {
    let mut zip = ZipEncoder::new();
    let mut owners: HashMap<i64, String> = HashMap::new();
    for line in manifest_lines(manifest) {
        let line = line?;
        let kind = line["type"].as_str().unwrap_or_default();
        if kind != "folder" && kind != "file" {
            continue;
        }
        let mut path = line["path"]
            .as_str()
            .unwrap_or_default()
            .trim_matches('/')
            .to_owned();
        if multi {
            let owner = line["owner"].as_i64().unwrap_or_default();
            if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(owner) {
                let email = user::Entity::find_by_id(owner)
                    .one(db)
                    .await?
                    .map_or_else(|| format!("user {owner}"), |u| u.email);
                if path.is_empty() {
                    out.send(zip.directory(&email, chrono::Utc::now()).map_err(zip_err)?)
                        .await?;
                }
                slot.insert(email);
            }
            path = format!("{}/{path}", owners[&owner])
                .trim_end_matches('/')
                .to_owned();
        }
        if path.is_empty() || (multi && !path.contains('/') && kind == "folder") {
            continue;
        }
        let mtime = line["mtime"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or_else(chrono::Utc::now, |t| t.to_utc());
        if kind == "folder" {
            out.send(zip.directory(&path, mtime).map_err(zip_err)?)
                .await?;
            continue;
        }
        let size = line["size"].as_u64().unwrap_or_default();
        out.send(
            zip.start_file(&path, mtime, needs_zip64(size))
                .map_err(zip_err)?,
        )
        .await?;
        if let Some(blob) = line["blob"].as_str() {
            let mut failed = None;
            pipe(target, &blob_key(blob), Some(size), out, |piece| {
                if let Err(e) = zip.data(piece) {
                    failed = Some(e);
                }
                Ok(())
            })
            .await?;
            if let Some(e) = failed {
                return Err(zip_err(e));
            }
        }
        out.send(zip.finish_file().map_err(zip_err)?).await?;
    }
    for piece in zip.finish().map_err(zip_err)? {
        out.send(piece).await?;
    }
    Ok(())
}

fn zip_err(e: crate::archive::zip::ZipError) -> RestoreError {
    RestoreError::Io(io::Error::other(e))
}

/// A tar header (ustar) for a regular file.
fn tar_header(path: &str, size: u64) -> Result<Bytes, RestoreError> {
    let mut h = tar::Header::new_ustar();
    h.set_path(path)?;
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(chrono::Utc::now().timestamp().max(0) as u64);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(Bytes::copy_from_slice(h.as_bytes()))
}

/// Zeros up to the next 512-byte block.
fn tar_padding(size: u64) -> Bytes {
    let rest = (512 - size % 512) % 512;
    Bytes::from(vec![0u8; rest as usize])
}

/// An instance record as a tar: `manifest.jsonl.gz`, the database dump, then
/// `blobs/<2 hex>/<name>` for every blob the manifest names, as on the target.
async fn write_tar(
    target: &dyn StorageDriver,
    record: &str,
    header: &Value,
    manifest: std::fs::File,
    out: &Out,
) -> Result<(), RestoreError> {
    let size = manifest.metadata()?.len();
    out.send(tar_header(MANIFEST, size)?).await?;
    let mut reader = manifest.try_clone()?;
    reader.rewind()?;
    let mut buf = vec![0u8; PIECE];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        out.send(Bytes::copy_from_slice(&buf[..n])).await?;
    }
    out.send(tar_padding(size)).await?;
    if let Some(db) = header["database"].as_str() {
        let key = record_key(record, db);
        let meta = target.head(&key).await?;
        out.send(tar_header(db, meta.size)?).await?;
        pipe(target, &key, Some(meta.size), out, |_| Ok(())).await?;
        out.send(tar_padding(meta.size)).await?;
    }
    let mut blobs = manifest;
    blobs.rewind()?;
    for line in manifest_lines(blobs) {
        let line = line?;
        if line["type"] != "blob" {
            continue;
        }
        let (Some(name), Some(size)) = (line["blob"].as_str(), line["size"].as_u64()) else {
            continue;
        };
        let key = blob_key(name);
        let path = key.trim_start_matches(super::PREFIX).to_owned();
        out.send(tar_header(&path, size)?).await?;
        pipe(target, &key, Some(size), out, |_| Ok(())).await?;
        out.send(tar_padding(size)).await?;
    }
    out.send(Bytes::from(vec![0u8; 1024])).await?;
    Ok(())
}

//! The copying part of a run: the entries of the source, one listing of the target's blobs,
//! each missing blob streamed from its policy's storage to the target (hashed on the way),
//! the database dump of an `instance` run, and the manifest last.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stratus_entity::{backup_record, backup_target, backup_task, storage_policy};

use super::{
    layout,
    manifest::{self, BlobLine},
    retention,
    run_log::RunLog,
    sources::{self, BlobRef},
    target,
};
use crate::{
    queue::{LogLine, TaskCtx, TaskError},
    storage::{ByteStream, StorageDriver, StorageError},
};

/// Counters of a finished run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Done {
    pub files: i64,
    pub size: i64,
    pub new_bytes: i64,
}

/// Copied blobs named in the log one by one, up to this many; then one line per
/// [`LOG_EVERY`].
const LOG_EACH: usize = 200;
const LOG_EVERY: Duration = Duration::from_secs(5);

fn fatal(e: impl std::fmt::Display) -> TaskError {
    TaskError::Fatal(e.to_string())
}

pub async fn run(
    ctx: &TaskCtx,
    log: &RunLog,
    record: &backup_record::Model,
    task_row: &backup_task::Model,
    target_row: &backup_target::Model,
) -> Result<Done, TaskError> {
    let state = &ctx.state;
    let driver = target::driver(state, &target_row.r#type, &target_row.settings)
        .await
        .map_err(fatal)?;
    let driver = driver.as_ref();
    log.line(
        ctx,
        LogLine::new("backup.start")
            .arg("task", task_row.name.clone())
            .arg("kind", task_row.kind.clone())
            .arg("target", target_row.name.clone()),
    )
    .await;
    // The dump first: every blob its rows name is then in the listing below.
    let database = if task_row.kind == backup_task::kind::INSTANCE {
        Some(super::database::write(ctx, log, driver, &record.name).await?)
    } else {
        None
    };
    let entries = sources::collect(state, &task_row.kind, &task_row.source)
        .await
        .map_err(TaskError::Fatal)?;
    let needed = distinct_blobs(&entries);
    let files = entries
        .iter()
        .filter(|e| e.kind == "file" || e.kind == "entity")
        .count();
    log.line(
        ctx,
        LogLine::new("backup.entries")
            .arg("entries", entries.len())
            .arg("files", files)
            .arg("blobs", needed.len()),
    )
    .await;

    let mut done = Done::default();
    let shown = shown_names(&entries);
    let copy = Copying {
        driver,
        target_id: target_row.id,
        shown: &shown,
    };
    let mut stored = copy_missing(ctx, log, &copy, &needed, &mut done).await?;
    recopy_vanished(ctx, driver, &needed, &mut stored, &mut done).await?;
    let header = header(ctx, record, task_row, database.map(|(name, _)| name)).await?;
    write_manifest(ctx, log, driver, record, header, &entries, &stored).await?;

    done.files = files as i64;
    done.size = stored.values().map(|b| b.size as i64).sum();
    Ok(done)
}

/// The blobs the entries name, each once, in the order they are first named.
fn distinct_blobs(entries: &[sources::Entry]) -> Vec<BlobRef> {
    let mut needed: Vec<BlobRef> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in entries {
        if let Some(b) = &e.blob
            && seen.insert(b.name.clone())
        {
            needed.push(b.clone());
        }
    }
    needed
}

/// How the log names each blob: the path (from the root backed up) of the first file or
/// version that uses it, as the person reading the log knows it, rather than the blob's key on
/// the server's storage; `/entities/<id>` for a blob only the database dump names.
fn shown_names(entries: &[sources::Entry]) -> HashMap<&str, &str> {
    let mut shown: HashMap<&str, &str> = HashMap::new();
    for e in entries {
        let Some(b) = &e.blob else { continue };
        let slot = shown.entry(b.name.as_str()).or_insert(e.path.as_str());
        if slot.starts_with("/entities/") && e.kind != "entity" {
            *slot = e.path.as_str();
        }
    }
    shown
}

/// Where the blobs of one run go, and how the log names them.
struct Copying<'a> {
    driver: &'a dyn StorageDriver,
    target_id: i64,
    shown: &'a HashMap<&'a str, &'a str>,
}

impl Copying<'_> {
    /// The path the log names `blob` by ([`shown_names`]).
    fn shown(&self, blob: &BlobRef) -> &str {
        self.shown.get(blob.name.as_str()).copied().unwrap_or("")
    }
}

/// The run's line on its blobs: copied, already on the target, left out.
fn copied_line(copied: usize, bytes: i64, present: usize, missing: usize) -> LogLine {
    let line = if missing > 0 {
        LogLine::new("backup.copiedSomeLeftOut").arg("missing", missing)
    } else {
        LogLine::new("backup.copiedAll")
    };
    line.arg("copied", copied)
        .arg("bytes", bytes)
        .arg("present", present)
}

/// Copies each needed blob the target lacks; a blob already there keeps the line a record
/// named it with, or is hashed again. Blobs unreadable on their policy are left out (logged);
/// the others, copied or found, are returned by name.
async fn copy_missing(
    ctx: &TaskCtx,
    log: &RunLog,
    copy: &Copying<'_>,
    needed: &[BlobRef],
    done: &mut Done,
) -> Result<HashMap<String, BlobLine>, TaskError> {
    let present: HashMap<String, u64> = listing(copy.driver).await?;
    let known = retention::named_blobs(&ctx.state, copy.target_id, copy.driver)
        .await
        .map_err(fatal)?;
    log.line(
        ctx,
        LogLine::new("backup.targetHolds").arg("blobs", present.len()),
    )
    .await;

    let mut stored: HashMap<String, BlobLine> = HashMap::new();
    let total = needed.len() as i64;
    let mut copied = 0usize;
    let mut missing = 0usize;
    let mut last_line = Instant::now();
    for (i, blob) in needed.iter().enumerate() {
        ctx.progress("backup", i as i64, total, &blob.name);
        let size = blob.size.max(0) as u64;
        if present.get(&blob.name) == Some(&size) {
            let line = match known.get(&blob.name).filter(|k| k.size == size) {
                Some(k) => k.clone(),
                // Copied by an interrupted run, or by a record deleted since: hash it again.
                None => hash_stored(copy.driver, &blob.name).await?,
            };
            stored.insert(blob.name.clone(), line);
            continue;
        }
        match copy_blob(ctx, copy.driver, blob).await {
            Ok(line) => {
                done.new_bytes += line.size as i64;
                stored.insert(blob.name.clone(), line);
                copied += 1;
                if copied <= LOG_EACH {
                    let line = LogLine::new("backup.copied")
                        .arg("name", copy.shown(blob))
                        .arg("bytes", size);
                    log.line(ctx, line).await;
                } else if last_line.elapsed() >= LOG_EVERY {
                    log.line(
                        ctx,
                        LogLine::new("backup.copiedSoFar")
                            .arg("copied", copied)
                            .arg("checked", i)
                            .arg("total", total),
                    )
                    .await;
                    last_line = Instant::now();
                }
            }
            Err(Missing::Source(e)) => {
                missing += 1;
                log.line(
                    ctx,
                    LogLine::new("backup.unreadable")
                        .arg("policy", blob.policy_id)
                        .arg("name", copy.shown(blob))
                        .arg("error", e.to_string()),
                )
                .await;
            }
            Err(Missing::Stop(e)) => return Err(e),
        }
    }
    ctx.progress("backup", total, total, "");
    let present = stored.len() - copied;
    log.line(ctx, copied_line(copied, done.new_bytes, present, missing))
        .await;
    Ok(stored)
}

/// A deletion on the target (another task's retention) may have removed a blob this run
/// found there; the manifest names only blobs that are on the target now, so those are
/// copied again.
async fn recopy_vanished(
    ctx: &TaskCtx,
    driver: &dyn StorageDriver,
    needed: &[BlobRef],
    stored: &mut HashMap<String, BlobLine>,
    done: &mut Done,
) -> Result<(), TaskError> {
    let again = listing(driver).await?;
    for blob in needed {
        if stored.contains_key(&blob.name) && !again.contains_key(&blob.name) {
            let line = copy_blob(ctx, driver, blob).await.map_err(|e| match e {
                Missing::Source(e) => fatal(e),
                Missing::Stop(e) => e,
            })?;
            done.new_bytes += line.size as i64;
            stored.insert(blob.name.clone(), line);
        }
    }
    Ok(())
}

/// The manifest, last: written to a temporary file (never whole in memory), then put on
/// the target; a record is complete once its manifest is there.
async fn write_manifest(
    ctx: &TaskCtx,
    log: &RunLog,
    driver: &dyn StorageDriver,
    record: &backup_record::Model,
    header: Value,
    entries: &[sources::Entry],
    stored: &HashMap<String, BlobLine>,
) -> Result<(), TaskError> {
    let temp = ctx.state.temp_dir().await.map_err(fatal)?;
    tokio::fs::create_dir_all(&temp).await.map_err(fatal)?;
    let path = temp.join(format!("backup-manifest-{}.jsonl.gz", record.id));
    let written = {
        let (path, entries, stored) = (path.clone(), entries.to_vec(), stored.clone());
        tokio::task::spawn_blocking(move || manifest::write(&path, &header, &entries, &stored))
            .await
            .map_err(fatal)?
            .map_err(|e| fatal(format!("writing the manifest: {e}")))?
    };
    let put = put_file(
        driver,
        &layout::record_key(&record.name, layout::MANIFEST),
        &path,
        written,
    )
    .await;
    let _ = tokio::fs::remove_file(&path).await;
    put.map_err(|e| fatal(format!("writing the manifest to the target: {e}")))?;
    log.line(ctx, LogLine::new("backup.manifest").arg("bytes", written))
        .await;
    Ok(())
}

/// Blob name → size of every blob on the target.
async fn listing(driver: &dyn StorageDriver) -> Result<HashMap<String, u64>, TaskError> {
    let objects = driver
        .list(layout::BLOBS)
        .await
        .map_err(|e| fatal(format!("listing the target: {e}")))?;
    Ok(objects
        .into_iter()
        .filter_map(|o| layout::name_of_key(&o.key).map(|n| (n.to_owned(), o.size)))
        .collect())
}

async fn header(
    ctx: &TaskCtx,
    record: &backup_record::Model,
    task_row: &backup_task::Model,
    database: Option<String>,
) -> Result<Value, TaskError> {
    let policies: Vec<Value> = storage_policy::Entity::find()
        .filter(storage_policy::Column::DeletedAt.is_null())
        .all(&ctx.state.db)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?
        .into_iter()
        .map(|p| json!({"id": p.id, "name": p.name, "type": p.r#type}))
        .collect();
    Ok(json!({
        "format": manifest::FORMAT,
        "version": manifest::VERSION,
        "kind": task_row.kind,
        "record": record.name,
        "task": {"id": task_row.id, "name": task_row.name},
        "source": task_row.source,
        "created_at": record.created_at.to_rfc3339(),
        "stratus_version": env!("CARGO_PKG_VERSION"),
        "policies": policies,
        "database": database,
    }))
}

enum Missing {
    /// The source blob cannot be read: left out of the record.
    Source(StorageError),
    /// The target failed, or the run was stopped.
    Stop(TaskError),
}

/// A stream that hashes and counts what passes through it.
fn hashing(stream: ByteStream, hasher: Arc<Mutex<(Sha256, u64)>>) -> ByteStream {
    Box::pin(stream.map(move |piece| {
        if let Ok(bytes) = &piece {
            let mut h = hasher.lock().expect("hasher");
            h.0.update(bytes);
            h.1 += bytes.len() as u64;
        }
        piece
    }))
}

async fn copy_blob(
    ctx: &TaskCtx,
    driver: &dyn StorageDriver,
    blob: &BlobRef,
) -> Result<BlobLine, Missing> {
    let source = ctx
        .state
        .storage
        .driver(blob.policy_id)
        .await
        .map_err(Missing::Source)?;
    let object = source
        .get(&blob.source, None)
        .await
        .map_err(Missing::Source)?;
    let hasher = Arc::new(Mutex::new((Sha256::new(), 0u64)));
    let body = hashing(object.stream, hasher.clone());
    driver
        .put(&layout::blob_key(&blob.name), body, Some(object.size))
        .await
        .map_err(|e| Missing::Stop(fatal(format!("writing to the target: {e}"))))?;
    let (h, n) = std::mem::take(&mut *hasher.lock().expect("hasher"));
    Ok(BlobLine {
        size: n,
        sha256: hex::encode(h.finalize()),
    })
}

/// The size and hash of a blob already on the target, read back.
async fn hash_stored(driver: &dyn StorageDriver, name: &str) -> Result<BlobLine, TaskError> {
    let object = driver
        .get(&layout::blob_key(name), None)
        .await
        .map_err(|e| fatal(format!("reading {name} back from the target: {e}")))?;
    let mut stream = object.stream;
    let mut h = Sha256::new();
    let mut n = 0u64;
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(|e| fatal(format!("reading {name} back: {e}")))?;
        h.update(&piece);
        n += piece.len() as u64;
    }
    Ok(BlobLine {
        size: n,
        sha256: hex::encode(h.finalize()),
    })
}

/// Stores the local file `path` of `len` bytes under `key`, streamed.
pub async fn put_file(
    driver: &dyn StorageDriver,
    key: &str,
    path: &std::path::Path,
    len: u64,
) -> Result<(), StorageError> {
    let file = tokio::fs::File::open(path).await?;
    let stream: ByteStream = Box::pin(tokio_util::io::ReaderStream::with_capacity(
        file,
        256 * 1024,
    ));
    driver.put(key, stream, Some(len)).await
}

//! Writing a record's blobs back to the storage policies they came from, each checked by size
//! and SHA-256 on the way.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    path::Path,
    sync::{Arc, Mutex},
};

use futures_util::{StreamExt, stream};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use stratus_entity::{entity, file, file_entity, storage_policy, user};

use super::{RestoreError, blob_key};
use crate::storage::{ByteStream, DriverRegistry, StorageDriver, StorageError};

/// Blobs copied at once.
const PARALLEL: usize = 4;
/// Blob lines read from the manifest per round.
const ROUND: usize = 64;
/// Files named in the error at most.
const NAMED: usize = 50;

/// A `blob` line of a manifest.
#[derive(Debug, Clone, Deserialize)]
struct BlobLine {
    blob: String,
    size: u64,
    sha256: String,
    policy_id: i64,
    source: String,
}

/// What writing the blobs back did.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub copied: u64,
    pub present: u64,
    pub bytes: u64,
    /// Policies whose blobs stay where they are (remote nodes), by name.
    pub skipped: Vec<String>,
    /// Blobs that could not be restored: `(policy id, source key, why)`.
    pub failed: Vec<(i64, String, String)>,
}

enum Copy {
    Present,
    Copied(u64),
}

/// Restores every blob the manifest at `manifest` names, through the drivers `registry`
/// builds for the restored database's policies. A blob already in place with its size is
/// left alone, which makes a second run after a kill carry on where the first stopped.
pub(super) async fn restore_all(
    db: &DatabaseConnection,
    registry: &DriverRegistry,
    target: &dyn StorageDriver,
    manifest: &Path,
    moves: &[crate::backup::dump::RootMove],
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Outcome, RestoreError> {
    let mut out = Outcome::default();
    let mut drivers: HashMap<i64, Option<Arc<dyn StorageDriver>>> = HashMap::new();
    let mut lines =
        BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(manifest)?)).lines();
    let mut done = false;
    while !done {
        let mut round = Vec::with_capacity(ROUND);
        while round.len() < ROUND {
            let Some(line) = lines.next() else {
                done = true;
                break;
            };
            let line = line?;
            if !line.contains("\"blob\"") {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
                RestoreError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
            if value["type"] != "blob" {
                continue;
            }
            let mut blob: BlobLine = serde_json::from_value(value).map_err(|e| {
                RestoreError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
            if let Some(moved) = moves
                .iter()
                .filter(|m| m.policy_id == blob.policy_id)
                .find_map(|m| m.apply(&blob.source))
            {
                blob.source = moved;
            }
            round.push(blob);
        }
        let mut work = Vec::with_capacity(round.len());
        for blob in round {
            if let std::collections::hash_map::Entry::Vacant(slot) = drivers.entry(blob.policy_id) {
                slot.insert(policy_driver(db, registry, blob.policy_id, &mut out).await);
            }
            if let Some(driver) = &drivers[&blob.policy_id] {
                work.push((driver.clone(), blob));
            }
        }
        let results: Vec<_> = stream::iter(work)
            .map(|(driver, blob)| async move {
                let result = copy_one(target, driver.as_ref(), &blob).await;
                (blob, result)
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for (blob, result) in results {
            match result {
                Ok(Copy::Present) => out.present += 1,
                Ok(Copy::Copied(size)) => {
                    out.copied += 1;
                    out.bytes += size;
                }
                Err(why) => out.failed.push((blob.policy_id, blob.source, why)),
            }
        }
        progress(&format!(
            "blobs: {} restored, {} already in place, {} failed",
            out.copied,
            out.present,
            out.failed.len()
        ));
    }
    Ok(out)
}

/// The driver blobs of policy `id` go back to; `None` for a policy whose blobs stay where
/// they are (a remote node keeps its own).
async fn policy_driver(
    db: &DatabaseConnection,
    registry: &DriverRegistry,
    id: i64,
    out: &mut Outcome,
) -> Option<Arc<dyn StorageDriver>> {
    let policy = match storage_policy::Entity::find_by_id(id).one(db).await {
        Ok(Some(policy)) => policy,
        _ => {
            out.skipped
                .push(format!("policy {id} (not in the database)"));
            return None;
        }
    };
    if policy.r#type == storage_policy::kind::REMOTE {
        out.skipped
            .push(format!("{} (its node keeps its blobs)", policy.name));
        return None;
    }
    match registry.build(&policy).await {
        Ok(driver) => Some(driver),
        Err(e) => {
            out.skipped.push(format!("{} ({e})", policy.name));
            None
        }
    }
}

/// Puts `blob` back under its source key unless it is there with its size.
async fn copy_one(
    target: &dyn StorageDriver,
    dest: &dyn StorageDriver,
    blob: &BlobLine,
) -> Result<Copy, String> {
    if let Ok(meta) = dest.head(&blob.source).await
        && meta.size == blob.size
    {
        return Ok(Copy::Present);
    }
    let object = match target.get(&blob_key(&blob.blob), None).await {
        Ok(object) => object,
        Err(StorageError::NotFound) => return Err("missing on the backup target".into()),
        Err(e) => return Err(format!("reading it from the backup target: {e}")),
    };
    if object.size != blob.size {
        return Err(format!(
            "{} bytes on the backup target, {} expected",
            object.size, blob.size
        ));
    }
    let hasher = Arc::new(Mutex::new(Sha256::new()));
    let feed = hasher.clone();
    let body: ByteStream = Box::pin(object.stream.map(move |piece| {
        if let Ok(bytes) = &piece
            && let Ok(mut h) = feed.lock()
        {
            h.update(bytes);
        }
        piece
    }));
    dest.put(&blob.source, body, Some(blob.size))
        .await
        .map_err(|e| format!("writing it back: {e}"))?;
    let digest = hex::encode(
        hasher
            .lock()
            .map_err(|_| "hashing failed".to_owned())?
            .clone()
            .finalize(),
    );
    if !digest.eq_ignore_ascii_case(&blob.sha256) {
        // A damaged copy must not pass for the file: take it away again.
        let _ = dest.delete(std::slice::from_ref(&blob.source)).await;
        return Err("its content on the backup target does not match its SHA-256".into());
    }
    Ok(Copy::Copied(blob.size))
}

/// The files (`owner: /path`) behind the failed blobs, for the error message.
pub(super) async fn name_files(
    db: &DatabaseConnection,
    failed: &[(i64, String, String)],
) -> Result<String, RestoreError> {
    let mut names = Vec::new();
    for (policy_id, source, why) in failed.iter().take(NAMED) {
        let blobs = entity::Entity::find()
            .filter(entity::Column::StoragePolicyId.eq(*policy_id))
            .filter(entity::Column::Source.eq(source.as_str()))
            .all(db)
            .await?;
        let mut found = false;
        for blob in blobs {
            let links = file_entity::Entity::find()
                .filter(file_entity::Column::EntityId.eq(blob.id))
                .all(db)
                .await?;
            for link in links {
                if let Some(path) = file_path(db, link.file_id).await? {
                    names.push(format!("{path} ({why})"));
                    found = true;
                }
            }
        }
        if !found {
            names.push(format!("blob {source} of policy {policy_id} ({why})"));
        }
    }
    if failed.len() > NAMED {
        names.push(format!("and {} more", failed.len() - NAMED));
    }
    Ok(names.join("; "))
}

/// `owner@example.com:/a/b.txt` for file `id`.
async fn file_path(db: &DatabaseConnection, id: i64) -> Result<Option<String>, RestoreError> {
    let Some(leaf) = file::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let owner = user::Entity::find_by_id(leaf.owner_id)
        .one(db)
        .await?
        .map(|u| u.email)
        .unwrap_or_default();
    let mut parts = vec![leaf.name.clone()];
    let mut parent = leaf.parent_id;
    // Bounded: a damaged tree must not loop forever.
    for _ in 0..256 {
        let Some(pid) = parent else { break };
        let Some(row) = file::Entity::find_by_id(pid).one(db).await? else {
            break;
        };
        if row.parent_id.is_some() {
            parts.push(row.name.clone());
        }
        parent = row.parent_id;
    }
    parts.reverse();
    Ok(Some(format!("{owner}:/{}", parts.join("/"))))
}

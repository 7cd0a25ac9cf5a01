//! Disaster recovery: a new instance rebuilt from an `instance` record.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use stratus_entity::storage_policy;
use tokio::io::AsyncWriteExt;

use super::{
    MANIFEST, RestoreError, TargetFile, blobs, list_records, open_target, read_header, record_key,
};
use crate::{
    backup::dump::{self, DumpError, RootMove},
    config::Config,
    storage::{DriverRegistry, StorageDriver, StorageError},
};

/// Where a restore notes how far it got, in the new data dir, so a second run after a kill
/// does not import the database twice.
const STATE_FILE: &str = "restore-state.json";

#[derive(Debug, Serialize, Deserialize)]
struct State {
    record: String,
    database_imported: bool,
    /// Local policies' folders, moved from the old data dir into the new one.
    #[serde(default)]
    moves: Vec<RootMove>,
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub record: String,
    /// Rows imported; 0 when an earlier run had imported the database already.
    pub rows: u64,
    pub blobs_copied: u64,
    pub blobs_present: u64,
    pub bytes: u64,
    /// Storage policies whose blobs were left where they are, with the reason.
    pub skipped_policies: Vec<String>,
}

/// Rebuilds the instance `config` describes (its data dir and database, both new) from the
/// instance record `record` on `target`, or the newest instance record there. The database
/// is created (SQLite in the data dir unless the configuration names another) and the dump
/// imported; then every blob is written back to its policy (local policies under the new
/// data dir's `uploads`, bucket policies into their buckets where a blob is missing),
/// checked by size and SHA-256. Blobs missing or damaged on the target fail the restore
/// naming their files, after all the others were restored. Running it again after a kill or
/// a failure carries on: the database is not imported twice and blobs in place are kept.
pub async fn restore_instance(
    config: &Config,
    target: &TargetFile,
    record: Option<&str>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<RestoreReport, RestoreError> {
    let data_dir = config.data_dir.clone();
    std::fs::create_dir_all(&data_dir)?;
    let url = config
        .database_url()
        .map_err(|e| RestoreError::NotFresh(format!("database: {e:#}")))?;
    let db = crate::db::connect(&url, 4).await?;
    let registry = DriverRegistry::new(db.clone(), data_dir.clone());
    let source = open_target(target, &registry).await?;

    let (name, header) = pick_record(source.as_ref(), record).await?;
    progress(&format!("restoring record {name}"));
    let (rows, moves) =
        import_database(&db, source.as_ref(), &data_dir, &name, &header, progress).await?;

    let manifest = data_dir.join("restore-manifest.jsonl.gz");
    download(source.as_ref(), &record_key(&name, MANIFEST), &manifest).await?;
    let outcome =
        blobs::restore_all(&db, &registry, source.as_ref(), &manifest, &moves, progress).await;
    let _ = std::fs::remove_file(&manifest);
    let outcome = outcome?;
    if !outcome.failed.is_empty() {
        let files = blobs::name_files(&db, &outcome.failed).await?;
        db.close().await?;
        return Err(RestoreError::Blobs {
            count: outcome.failed.len(),
            files,
        });
    }
    db.close().await?;
    Ok(RestoreReport {
        record: name,
        rows,
        blobs_copied: outcome.copied,
        blobs_present: outcome.present,
        bytes: outcome.bytes,
        skipped_policies: outcome.skipped,
    })
}

/// The record named, or the newest instance record on the target, with its header; only an
/// instance record holds a whole server.
async fn pick_record(
    source: &dyn StorageDriver,
    record: Option<&str>,
) -> Result<(String, Value), RestoreError> {
    let (name, header) = match record {
        Some(name) => (name.to_owned(), read_header(source, name).await?),
        None => {
            let newest = list_records(source)
                .await?
                .into_iter()
                .rfind(|r| r.kind == "instance")
                .ok_or_else(|| {
                    RestoreError::NoRecord("the target holds no instance record".into())
                })?;
            (newest.name, newest.header)
        }
    };
    if header["kind"] != "instance" {
        return Err(RestoreError::NoRecord(format!(
            "record {name} is a {} backup; only an instance record rebuilds a server",
            header["kind"].as_str().unwrap_or("unknown")
        )));
    }
    Ok((name, header))
}

/// Imports the record's database dump, once: the state file in the data dir says a run
/// after a kill that it was done (and which local folders moved), and refuses a data dir
/// that holds another record's restore. The rows imported (0 when done before) and the
/// folder moves.
async fn import_database(
    db: &sea_orm::DatabaseConnection,
    source: &dyn StorageDriver,
    data_dir: &Path,
    name: &str,
    header: &Value,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<(u64, Vec<RootMove>), RestoreError> {
    let state_path = data_dir.join(STATE_FILE);
    let state = read_state(&state_path)?;
    if let Some(state) = &state
        && state.record != name
    {
        return Err(RestoreError::NotFresh(format!(
            "{} holds a restore of record {}; use a new data dir",
            data_dir.display(),
            state.record
        )));
    }
    let moves = state.as_ref().map(|s| s.moves.clone()).unwrap_or_default();
    if state.is_some_and(|s| s.database_imported) {
        return Ok((0, moves));
    }
    let file = header["database"]
        .as_str()
        .ok_or_else(|| RestoreError::Manifest {
            record: name.to_owned(),
            why: "it names no database dump".into(),
        })?;
    let local = data_dir.join("restore-database.jsonl.gz");
    download(source, &record_key(name, file), &local).await?;
    let uploads = data_dir.join(crate::storage::registry::UPLOADS_DIR);
    let moves = local_moves(&local, &uploads)?;
    progress("importing the database");
    let imported = match std::fs::File::open(&local) {
        Ok(file) => dump::import_moving(db, file, &moves).await,
        Err(e) => Err(e.into()),
    };
    let _ = std::fs::remove_file(&local);
    let rows = match imported {
        Ok(summary) => summary.rows,
        Err(DumpError::NotEmpty(table)) => {
            return Err(RestoreError::NotFresh(format!(
                "the database already holds data (table {table}); restore into a new one"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    write_state(
        &state_path,
        &State {
            record: name.to_owned(),
            database_imported: true,
            moves: moves.clone(),
        },
    )?;
    progress(&format!("database imported: {rows} rows"));
    Ok((rows, moves))
}

fn read_state(path: &Path) -> Result<Option<State>, RestoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Written beside and renamed, so the file is whole or absent.
fn write_state(path: &Path, state: &State) -> Result<(), RestoreError> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec(state).unwrap_or_default())?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// Copies object `key` of the target into the file `to`, streamed.
async fn download(target: &dyn StorageDriver, key: &str, to: &PathBuf) -> Result<(), RestoreError> {
    let object = match target.get(key, None).await {
        Err(StorageError::NotFound) => {
            return Err(RestoreError::NoRecord(format!(
                "{key} is missing on the backup target"
            )));
        }
        other => other?,
    };
    let mut out = tokio::fs::File::create(to).await?;
    let mut stream = object.stream;
    while let Some(piece) = stream.next().await {
        out.write_all(&piece?).await?;
    }
    out.flush().await?;
    Ok(())
}

/// Where each local policy's blobs move: a local policy stores under `<data dir>/uploads`,
/// and its keys (and folder rule) spell that folder out, so a policy whose rule starts with
/// the old data dir's `…/uploads/` gets the new data dir's instead. Read from the dump's
/// `storage_policies` rows, which come before the large tables.
fn local_moves(dump: &Path, uploads: &Path) -> Result<Vec<RootMove>, RestoreError> {
    use std::io::BufRead;
    let new = format!("{}/", uploads.display().to_string().trim_end_matches('/'));
    let mut moves = Vec::new();
    let lines =
        std::io::BufReader::new(flate2::read::GzDecoder::new(std::fs::File::open(dump)?)).lines();
    let mut seen = false;
    for line in lines {
        let line = line?;
        let is_policy = line.starts_with("{\"table\":\"storage_policies\"");
        if seen && !is_policy {
            break;
        }
        if !is_policy {
            continue;
        }
        seen = true;
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let row = &value["row"];
        if row["type"] != storage_policy::kind::LOCAL {
            continue;
        }
        let (Some(id), Some(rule)) = (row["id"].as_i64(), row["dir_name_rule"].as_str()) else {
            continue;
        };
        let fixed = rule.split('{').next().unwrap_or_default();
        let Some(at) = fixed.rfind("/uploads/") else {
            continue;
        };
        let old = &fixed[..at + "/uploads/".len()];
        if old.starts_with('/') && old != new {
            moves.push(RootMove {
                policy_id: id,
                old: old.to_owned(),
                new: new.clone(),
            });
        }
    }
    Ok(moves)
}

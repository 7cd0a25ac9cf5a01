//! Restoring from a backup target without a running server: the records a target holds
//! (`stratus backup list`) and disaster recovery from an `instance` record (`stratus restore`).
//!
//! What lies where on a target (written by the backup runs):
//! `stratus-backup/records/<record>/manifest.jsonl.gz` (a header line, then entry lines, then
//! one `{"type":"blob","blob","size","sha256","policy_id","source"}` line per blob the record
//! needs), `stratus-backup/records/<record>/<database file>` (the dump of an instance record)
//! and `stratus-backup/blobs/<2 hex>/<blob name>`.

mod blobs;
pub mod download;
mod instance;
mod records;
mod target_file;

pub use instance::{RestoreReport, restore_instance};
pub use records::{RecordInfo, list_records, read_header};
pub use target_file::{TargetFile, open_target};

/// Everything a backup writes lies under this prefix of its target.
pub const PREFIX: &str = "stratus-backup/";
pub const RECORDS: &str = "stratus-backup/records/";
pub const BLOBS: &str = "stratus-backup/blobs/";
pub const MANIFEST: &str = "manifest.jsonl.gz";

/// The key of blob `name` on the target.
pub fn blob_key(name: &str) -> String {
    format!("{BLOBS}{}/{name}", name.get(..2).unwrap_or_default())
}

/// The key of file `file` of record `record`.
pub fn record_key(record: &str, file: &str) -> String {
    format!("{RECORDS}{record}/{file}")
}

/// Why a restore stopped.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// The target file is unreadable or its settings do not build a driver.
    #[error("backup target: {0}")]
    Target(String),
    /// The target's storage failed; the driver's words.
    #[error("reading the backup target: {0}")]
    Storage(#[from] crate::storage::StorageError),
    /// No record of that name, or no instance record at all.
    #[error("{0}")]
    NoRecord(String),
    /// The record's manifest is not one this Stratus reads.
    #[error("manifest of record {record}: {why}")]
    Manifest { record: String, why: String },
    /// A request field is malformed; the text names it.
    #[error("{0}")]
    Invalid(String),
    /// A record that is queued, running or failed has nothing whole to read.
    #[error("the backup record is {0}, not completed")]
    NotCompleted(String),
    /// The new data dir or database already holds another instance.
    #[error("{0}")]
    NotFresh(String),
    #[error(transparent)]
    Dump(#[from] super::dump::DumpError),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Some blobs were missing or damaged on the target; all the others were restored.
    #[error(
        "{count} blob(s) missing or corrupt on the backup target; every other file was \
         restored. Files affected: {files}"
    )]
    Blobs { count: usize, files: String },
}

//! Backups (issue 36): targets to write to, tasks saying what to back up and when, and one
//! record per run. A run is a queue task (`backup_run`, on `io_intense`) that copies the
//! blobs its target lacks and then writes the record's manifest; see `layout.rs` for what
//! lies where on a target and `manifest.rs` for the manifest's lines. `dump/` is the portable
//! database dump of `instance` records, `restore/` rebuilds an instance from one.

pub mod copy;
pub mod database;
pub mod dump;
pub mod error;
pub mod layout;
pub mod manifest;
pub mod notice;
pub mod record_restore;
pub mod records;
pub mod restore;
pub mod retention;
pub mod run;
pub mod run_log;
pub mod schedule;
pub mod sources;
pub mod target;
pub mod targets;
pub mod tasks;

pub use error::BackupError;

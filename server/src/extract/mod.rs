//! Extracting archives in the drive (`POST /workflow/extract`, `GET /file/archive`): zip, tar
//! (plain, gz, bz2, xz, zst) and 7z.
//!
//! - `format.rs`: which kind of archive a blob is, from its magic bytes or its name.
//! - `names.rs`: entry names, decoded (zip's UTF-8 flag, a given legacy encoding, else UTF-8
//!   or CP437) and checked: `..`, absolute paths, drive letters and NUL are refused.
//! - `entries.rs`: the blocking readers, one entry at a time, each entry's bytes streamed.
//! - `pump.rs`: runs a reader on a blocking thread and hands its entries to async code
//!   through small channels, applying the group's caps on the way.
//! - `blob.rs`: picks an archive's version and opens it for readers that seek (in place on a
//!   local policy, else a temporary copy in the data dir).
//! - `task.rs`: the `extract_archive` task: extracts into a staging folder inside the
//!   destination and moves the result into place at the end (see there).
//! - `place.rs`: moving the result into place, or deleting the staging folder.
//! - `list.rs`: the entries of an archive without extracting it.
//! - `mask.rs`: the entries a task extracts (`file_mask`).
//! - `submit.rs`: queuing a task, every refusal checked first ([`submit()`]).
//! - `zstd.rs`: a Zstandard stream of several frames as one reader.
//! - `error.rs`: [`ExtractError`].
//! - `fuzz_tests.rs`: property tests of the readers and the pump on mutated archives
//!   (`seeds/`).

pub mod blob;
pub mod entries;
pub mod error;
pub mod format;
#[cfg(test)]
mod fuzz_tests;
pub mod list;
pub mod mask;
pub mod names;
pub mod place;
pub mod pump;
mod submit;
pub mod task;
pub mod zstd;

pub use error::ExtractError;
pub use submit::{ExtractRequest, submit};

/// The group settings that bound an extraction.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Total uncompressed bytes (`decompress_size`; 0 is unlimited).
    pub bytes: u64,
    /// Entries (`max_walked_files`, as for any walk of a tree).
    pub entries: u64,
}

impl Caps {
    pub fn of(group_settings: &serde_json::Value) -> Self {
        Self {
            bytes: group_settings
                .get("decompress_size")
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
            entries: crate::fs::walk::limit_of(group_settings) as u64,
        }
    }

    /// True when `total` bytes go past the byte cap.
    pub fn bytes_exceeded(&self, total: u64) -> bool {
        self.bytes > 0 && total > self.bytes
    }
}

//! `/workflow`: the caller's tasks and their progress (`tasks.rs`), remote downloads, and the
//! jobs queued on demand: imports, relocations and the full-text index rebuild (`jobs.rs`).

pub mod jobs;
pub mod remote_download;
pub mod tasks;

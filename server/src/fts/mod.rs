//! Full-text search built in (Cloudreve 4.14's `GET /file/search`, issue 37), with no service
//! beside the database: text is extracted from each new version of a file by a queue task,
//! tokenized in Rust (`tokens.rs`) and stored in the database's own engine (SQLite FTS5 or
//! PostgreSQL `tsvector` + GIN), so the index is part of the same transactions and backups as
//! the files and every instance sees it at once.
//!
//! - `tokens.rs`: the tokenizer shared by indexing and queries (CJK bigrams, stemmed words).
//! - `extract/`: text out of plain text, Markdown, code, HTML, PDF, OOXML and ODF, bounded.
//! - `isolate.rs`: that extraction in a child process under the sandbox's limits.
//! - `index.rs`: writing and dropping a file's rows (`fts_docs`, `fts_terms`) per dialect.
//! - `task.rs`: the `full_text_index` task, queued after each new version.
//! - `requeue.rs`: queuing after copies, restores and placed extractions (with the media
//!   metadata task, which a copy or a restore needs as much as a new version does).
//! - `rename.rs`: a rename's new words, from the stored text (the file is not read again).
//! - `rebuild.rs`: the `full_text_rebuild` task (`POST /workflow/rebuildFtsIndex`).
//! - `search.rs`: matching, then keeping only what the caller may read (their own live files,
//!   files inside shares they saved), with `snippet.rs` cutting the matched text.
//! - `status.rs`: counts for the administrators (indexed, failed, pending).
//! - `error.rs`: `FtsError`.

pub mod error;
pub mod extract;
pub mod index;
pub mod isolate;
pub mod rebuild;
pub mod rename;
pub mod requeue;
pub mod search;
pub mod snippet;
pub mod status;
pub mod task;
pub mod tokens;

use sea_orm::DbErr;
use stratus_entity::file;

use crate::{
    queue::store,
    settings::{Settings, parse_bool},
    state::AppState,
};

/// Read cap (bytes of a file) unless `fts_tika_max_file_size` says.
const READ_CAP: u64 = 25 << 20;
/// Text kept per file unless `fts_text_max_bytes` says.
const TEXT_CAP: usize = 1 << 20;
/// Seconds one extraction may take unless `fts_extract_timeout` says.
const TIMEOUT_SECS: u64 = 60;
/// Decompressed bytes read from a document's parts: a multiple of the text kept (OOXML markup
/// is several times its text), so real documents are read and a zip bomb is refused early.
const INFLATE_FACTOR: u64 = 16;

/// Whether the site has full-text search on (`fts_enabled`).
pub async fn enabled(settings: &Settings) -> Result<bool, DbErr> {
    Ok(parse_bool(&settings.get("fts_enabled").await?))
}

/// The bounds of extraction, from the site settings.
pub async fn limits(settings: &Settings) -> Result<(extract::Limits, std::time::Duration), DbErr> {
    let read = settings
        .get("fts_tika_max_file_size")
        .await?
        .trim()
        .parse()
        .unwrap_or(READ_CAP);
    let text: usize = settings
        .get("fts_text_max_bytes")
        .await?
        .trim()
        .parse()
        .unwrap_or(TEXT_CAP);
    let secs = settings
        .get("fts_extract_timeout")
        .await?
        .trim()
        .parse()
        .unwrap_or(TIMEOUT_SECS);
    Ok((
        extract::Limits {
            read,
            text,
            inflated: (text as u64).saturating_mul(INFLATE_FACTOR).max(16 << 20),
        },
        std::time::Duration::from_secs(secs),
    ))
}

/// Queues the indexing of `file`'s current version when search is on and its type has text
/// (after a new version; the name's words are indexed with the text).
/// Best effort: a failure is logged, and the write it follows stands.
pub async fn queue_for(state: &AppState, file: &file::Model) {
    if let Err(e) = try_queue(state, file).await {
        tracing::warn!(file_id = file.id, error = %e, "cannot queue the full-text index task");
    }
}

async fn try_queue(state: &AppState, file: &file::Model) -> Result<(), DbErr> {
    let Some(entity_id) = file.primary_entity else {
        return Ok(());
    };
    if file.r#type != file::kind::FILE
        || extract::Format::of(&file.name).is_none()
        || !enabled(&state.settings).await?
    {
        return Ok(());
    }
    let private = task::IndexState {
        file_id: file.id,
        entity_id,
    };
    store::submit_for_file(state, &task::FullTextIndex, file, &private).await
}

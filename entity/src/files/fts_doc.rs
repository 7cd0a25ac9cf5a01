//! `fts_docs`: one row per file the full-text index has seen: the version read, whether its
//! text was indexed or why not, and the capped plain text that search snippets are cut from.
//! The searchable terms are in `fts_terms` (an FTS5 table on SQLite, a `tsvector` column on
//! PostgreSQL), which only raw statements touch.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `status` column.
pub mod status {
    /// The text is indexed.
    pub const INDEXED: i16 = 0;
    /// Extraction failed or was refused; `reason` says why. The file is not searchable.
    pub const FAILED: i16 = 1;
}

/// One indexed (or skipped) file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "fts_docs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The file (unique); the row goes with it.
    pub file_id: i64,
    pub owner_id: i64,
    /// The version (entity) whose text this is.
    pub entity_id: i64,
    /// See [`status`].
    pub status: i16,
    /// Why the extraction failed.
    pub reason: Option<String>,
    /// The extracted plain text, capped by `fts_text_max_bytes`.
    pub body: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

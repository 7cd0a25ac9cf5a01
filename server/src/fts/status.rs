//! The index's state for administrators (`GET /admin/fts`, a Stratus addition): files
//! indexed, files whose extraction failed (with the latest reasons), index tasks waiting or
//! running, and whether a rebuild is under way.

use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use stratus_entity::{file, fts_doc, task};

use super::{rebuild::FullTextRebuild, task::FullTextIndex};
use crate::state::AppState;

/// Latest failures listed.
const RECENT_FAILURES: u64 = 20;

pub struct Status {
    pub enabled: bool,
    pub indexed: u64,
    pub failed: u64,
    pub pending: u64,
    pub rebuilding: bool,
    /// Newest first.
    pub recent_failures: Vec<Failure>,
}

/// A file whose text could not be read.
pub struct Failure {
    pub file_id: i64,
    /// The file's name (empty if it is gone).
    pub name: String,
    pub reason: String,
}

pub async fn status(state: &AppState) -> Result<Status, DbErr> {
    let db = &state.db;
    let count = |s: i16| {
        fts_doc::Entity::find()
            .filter(fts_doc::Column::Status.eq(s))
            .count(db)
    };
    let open = [task::status::QUEUED, task::status::PROCESSING];
    let pending = task::Entity::find()
        .filter(task::Column::Type.eq(FullTextIndex::NAME))
        .filter(task::Column::Status.is_in(open))
        .count(db)
        .await?;
    let rebuilding = task::Entity::find()
        .filter(task::Column::Type.eq(FullTextRebuild::NAME))
        .filter(task::Column::Status.is_in(open))
        .count(db)
        .await?
        > 0;
    let docs = fts_doc::Entity::find()
        .filter(fts_doc::Column::Status.eq(fts_doc::status::FAILED))
        .order_by_desc(fts_doc::Column::UpdatedAt)
        .limit(RECENT_FAILURES)
        .all(db)
        .await?;
    // The names, in one query, so the console shows what the administrator would look for.
    let names: std::collections::HashMap<i64, String> = file::Entity::find()
        .filter(file::Column::Id.is_in(docs.iter().map(|d| d.file_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    let recent_failures = docs
        .into_iter()
        .map(|d| Failure {
            file_id: d.file_id,
            name: names.get(&d.file_id).cloned().unwrap_or_default(),
            reason: d.reason.unwrap_or_default(),
        })
        .collect();
    Ok(Status {
        enabled: super::enabled(&state.settings).await?,
        indexed: count(fts_doc::status::INDEXED).await?,
        failed: count(fts_doc::status::FAILED).await?,
        pending,
        rebuilding,
        recent_failures,
    })
}

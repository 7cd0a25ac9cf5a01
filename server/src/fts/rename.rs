//! A rename changes a file's words (its name's and its text's) but not its text. When the
//! index holds the text of the file's current version, the terms are made again from that
//! stored text and the new name, without reading the file; when it does not (the version is
//! not indexed yet) or the new name reads the content another way (`.txt` to `.html`), the
//! file is queued for indexing as after a new version.

use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use stratus_entity::{file, fts_doc};

use super::{
    extract::Format,
    index::{self, MAX_TERM_BYTES},
    tokens,
};
use crate::{fs::tx, state::AppState};

/// Re-indexes `file` (just renamed from `old_name`) for its new name. Best effort, like
/// [`super::queue_for`]: a failure is logged and the rename stands.
pub async fn renamed(state: &AppState, old_name: &str, file: &file::Model) {
    if let Err(e) = try_renamed(state, old_name, file).await {
        tracing::warn!(file_id = file.id, error = %e, "cannot index the new name");
    }
}

async fn try_renamed(state: &AppState, old_name: &str, file: &file::Model) -> Result<(), DbErr> {
    let Some(entity_id) = file.primary_entity else {
        return Ok(());
    };
    if old_name == file.name
        || file.r#type != file::kind::FILE
        || Format::of(&file.name).is_none()
        || !super::enabled(&state.settings).await?
    {
        return Ok(());
    }
    let row = fts_doc::Entity::find()
        .filter(fts_doc::Column::FileId.eq(file.id))
        .one(&state.db)
        .await?;
    let Some(row) =
        row.filter(|r| r.entity_id == entity_id && Format::of(old_name) == Format::of(&file.name))
    else {
        super::queue_for(state, file).await;
        return Ok(());
    };
    // A version whose text could not be read is not searchable, by name or text: it stays so.
    if row.status != fts_doc::status::INDEXED {
        return Ok(());
    }
    let name = file.name.clone();
    let terms = tokio::task::spawn_blocking(move || {
        tokens::index_terms(&[&name, &row.body], MAX_TERM_BYTES)
    })
    .await
    .map_err(|e| DbErr::Custom(e.to_string()))?;
    let txn = tx::begin(&state.db, file.owner_id).await?;
    // Written only while the file has that version and that name, and its row that text, in
    // the owner's write transaction (an index task writes there too).
    let still = file::Entity::find_by_id(file.id)
        .filter(file::Column::PrimaryEntity.eq(entity_id))
        .filter(file::Column::Name.eq(file.name.as_str()))
        .filter(file::Column::DeletedAt.is_null())
        .one(&txn)
        .await?
        .is_some();
    let indexed = fts_doc::Entity::find()
        .filter(fts_doc::Column::FileId.eq(file.id))
        .filter(fts_doc::Column::EntityId.eq(entity_id))
        .filter(fts_doc::Column::Status.eq(fts_doc::status::INDEXED))
        .one(&txn)
        .await?
        .is_some();
    if still && indexed {
        index::replace_terms(&txn, file.id, &terms).await?;
    }
    txn.commit().await
}

//! The `full_text_index` task (Cloudreve's type name, on the `media_meta` queue): the text of
//! one version of a file into the index, read by a child process. An extraction that fails,
//! crashes or runs out of time or memory is recorded on the file's index row with its reason
//! and the task still completes: one bad file never fails or stalls the queue.

use std::time::Duration;

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file};

use super::{
    extract::{Format, Limits},
    index::{self, MAX_TERM_BYTES, Outcome},
    tokens,
};
use crate::{
    fs::tx,
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    state::AppState,
};

/// The task's stored state: which version of which file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexState {
    pub file_id: i64,
    pub entity_id: i64,
}

pub struct FullTextIndex;

impl FullTextIndex {
    pub const NAME: &'static str = queue::kinds::FULL_TEXT_INDEX;
}

impl TaskKind for FullTextIndex {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

pub(super) fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let st: IndexState = ctx.required_state()?;
    let (limits, timeout) = super::limits(&ctx.state.settings).await.map_err(retry)?;
    match index_version(&ctx.state, st.file_id, st.entity_id, limits, timeout).await? {
        Some(Ok(bytes)) => ctx.log(LogLine::new("fts.indexed").arg("bytes", bytes)),
        Some(Err(reason)) => ctx.log(LogLine::new("fts.notIndexed").arg("reason", reason)),
        None => ctx.log(LogLine::new("fts.stale")),
    }
    Ok(())
}

/// Indexes version `entity_id` of `file_id` if it is still the file's current one: `None`
/// when it is not, else the bytes of text indexed or the reason there are none (recorded).
pub async fn index_version(
    state: &AppState,
    file_id: i64,
    entity_id: i64,
    limits: Limits,
    timeout: Duration,
) -> Result<Option<Result<usize, String>>, TaskError> {
    let db = &state.db;
    let Some(f) = current(state, file_id, entity_id).await? else {
        return Ok(None);
    };
    let Some(format) = Format::of(&f.name) else {
        return Ok(None);
    };
    let Some(blob) = entity::Entity::find_by_id(entity_id)
        .one(db)
        .await
        .map_err(retry)?
    else {
        return Ok(None);
    };
    // An empty version has no text: no child process is started to learn it.
    let text = if blob.size == 0 {
        Err("no text in the file".to_owned())
    } else if blob.size as u64 > limits.read {
        Err(format!(
            "{} bytes: over the {} bytes read for the index",
            blob.size, limits.read
        ))
    } else {
        read(state, &blob, format, limits, timeout).await?
    }
    .and_then(|t| {
        if t.trim().is_empty() {
            Err("no text in the file".to_owned())
        } else {
            Ok(t)
        }
    });
    let outcome = match &text {
        Ok(text) => Outcome::Indexed {
            terms: tokens::index_terms(&[&f.name, text], MAX_TERM_BYTES),
            text: text.clone(),
        },
        Err(reason) => {
            tracing::info!(file_id, entity_id, %reason, "file not indexed");
            Outcome::Failed(reason.clone())
        }
    };
    let txn = tx::begin(db, f.owner_id).await.map_err(retry)?;
    // Written only while the version is still current, in the owner's write transaction, so a
    // newer version's row is never replaced by an older one.
    let still = file::Entity::find_by_id(file_id)
        .filter(file::Column::PrimaryEntity.eq(entity_id))
        .filter(file::Column::DeletedAt.is_null())
        .one(&txn)
        .await
        .map_err(retry)?;
    let Some(still) = still else {
        return Ok(None);
    };
    // Renamed while its text was read: the terms carry the name it has now.
    let outcome = match outcome {
        Outcome::Indexed { text, .. } if still.name != f.name => Outcome::Indexed {
            terms: tokens::index_terms(&[&still.name, &text], MAX_TERM_BYTES),
            text,
        },
        outcome => outcome,
    };
    index::put(&txn, file_id, f.owner_id, entity_id, outcome)
        .await
        .map_err(retry)?;
    txn.commit().await.map_err(retry)?;
    Ok(Some(text.map(|t| t.len())))
}

async fn current(
    state: &AppState,
    file_id: i64,
    entity_id: i64,
) -> Result<Option<file::Model>, TaskError> {
    Ok(file::Entity::find_by_id(file_id)
        .one(&state.db)
        .await
        .map_err(retry)?
        .filter(|f| f.primary_entity == Some(entity_id) && f.deleted_at.is_none()))
}

/// The blob's text, read by a child process ([`super::isolate`]).
async fn read(
    state: &AppState,
    blob: &entity::Model,
    format: Format,
    limits: Limits,
    timeout: Duration,
) -> Result<Result<String, String>, TaskError> {
    super::isolate::extract(state, blob, format, limits, timeout)
        .await
        .map_err(retry)
}

//! The `full_text_index` task (Cloudreve's type name, on the `media_meta` queue): the text of
//! one version of a file into the index. An extraction that fails, panics or runs out of time
//! is recorded on the file's index row with its reason and the task still completes: one bad
//! file never fails or stalls the queue.

use std::{panic::AssertUnwindSafe, time::Duration};

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file};

use super::{
    extract::{self, Format, Limits},
    index::{self, MAX_TERM_BYTES, Outcome},
    tokens,
};
use crate::{
    fs::tx,
    queue::{self, TaskCtx, TaskError, TaskKind},
    state::AppState,
    storage::seekable,
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
        Some(Ok(bytes)) => ctx.log(format!("{bytes} bytes of text indexed")),
        Some(Err(reason)) => ctx.log(format!("not indexed: {reason}")),
        None => ctx.log("the file has another version now, or is gone; nothing to read"),
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
    let text = if blob.size as u64 > limits.read {
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
    if still.is_none() {
        return Ok(None);
    }
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

/// The blob's text: copied to a temporary file where it is not local (streamed, never held
/// in memory), read on a blocking thread under `catch_unwind` and a timeout.
async fn read(
    state: &AppState,
    blob: &entity::Model,
    format: Format,
    limits: Limits,
    timeout: Duration,
) -> Result<Result<String, String>, TaskError> {
    let driver = state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(retry)?;
    let temp = state.temp_dir().await.map_err(retry)?.join("spool");
    let copy = seekable(&*driver, &blob.source, &temp)
        .await
        .map_err(retry)?;
    let work = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| extract::extract(copy, format, limits)))
    });
    // On a timeout the blocking thread is left to finish on its own (it is bounded by the
    // caps); the queue moves on at once.
    Ok(match tokio::time::timeout(timeout, work).await {
        Err(_) => Err(format!("extraction took over {} s", timeout.as_secs())),
        Ok(Err(e)) => Err(format!("extraction stopped: {e}")),
        Ok(Ok(Err(_))) => Err("the extractor panicked on this file".into()),
        Ok(Ok(Ok(result))) => result,
    })
}

//! The `media_meta` task: reads the EXIF of one version of a picture into its file's
//! `exif:*` metadata.

use std::io::BufReader;

use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use stratus_entity::{entity, file, storage_policy};

use super::{NAMESPACE, exif};
use crate::{
    fs::{
        metadata::{remove_with_namespaces, upsert},
        tx,
    },
    queue::{self, TaskCtx, TaskError, TaskKind},
    storage::seekable,
};

/// Largest picture read on a local policy unless `media_meta_exif_size_local` says.
const LOCAL_CAP: u64 = 1 << 30;
/// Largest picture read on other policies unless `media_meta_exif_size_remote` says.
const REMOTE_CAP: u64 = 100 << 20;

/// Longest value kept (EXIF strings are short; a corrupt one may not be).
const MAX_VALUE_CHARS: usize = 1024;

/// The task's stored state: which version of which file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetaState {
    pub file_id: i64,
    pub entity_id: i64,
}

pub struct MediaMeta;

impl MediaMeta {
    pub const NAME: &'static str = queue::kinds::MEDIA_META_TASK;
}

impl TaskKind for MediaMeta {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let st: MetaState = ctx.required_state()?;
    let db = &ctx.state.db;
    if !current(ctx, &st).await? {
        ctx.log("the file has another version now; nothing to read");
        return Ok(());
    }
    let Some(blob) = entity::Entity::find_by_id(st.entity_id)
        .one(db)
        .await
        .map_err(retry)?
    else {
        return Ok(());
    };
    let local = storage_policy::Entity::find_by_id(blob.storage_policy_id)
        .one(db)
        .await
        .map_err(retry)?
        .is_some_and(|p| p.r#type == storage_policy::kind::LOCAL);
    let cap = cap(ctx, local).await?;
    if blob.size as u64 > cap {
        ctx.log(format!(
            "{} bytes: over the {cap} bytes read for metadata",
            blob.size
        ));
        return Ok(());
    }
    let copy = copy_of(ctx, &blob).await?;
    let keys = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(copy);
        exif::read(&mut reader)
    })
    .await
    .map_err(retry)?;
    store(ctx, &st, &keys).await?;
    ctx.log(format!("{} EXIF field(s)", keys.len()));
    Ok(())
}

/// Whether the version is still the file's current one.
async fn current(ctx: &TaskCtx, st: &MetaState) -> Result<bool, TaskError> {
    Ok(file::Entity::find_by_id(st.file_id)
        .one(&ctx.state.db)
        .await
        .map_err(retry)?
        .is_some_and(|f| f.primary_entity == Some(st.entity_id)))
}

async fn cap(ctx: &TaskCtx, local: bool) -> Result<u64, TaskError> {
    let (key, default) = if local {
        ("media_meta_exif_size_local", LOCAL_CAP)
    } else {
        ("media_meta_exif_size_remote", REMOTE_CAP)
    };
    let text = ctx.state.settings.get(key).await.map_err(retry)?;
    Ok(text.trim().parse().unwrap_or(default))
}

/// The blob as a file to seek in: in place on a local policy, else a temporary copy.
async fn copy_of(ctx: &TaskCtx, blob: &entity::Model) -> Result<std::fs::File, TaskError> {
    let driver = ctx
        .state
        .storage
        .driver(blob.storage_policy_id)
        .await
        .map_err(retry)?;
    let temp = ctx.state.temp_dir().await.map_err(retry)?.join("spool");
    seekable(&*driver, &blob.source, &temp).await.map_err(retry)
}

/// Replaces the file's `exif:*` keys with `keys`, unless it changed version meanwhile.
async fn store(
    ctx: &TaskCtx,
    st: &MetaState,
    keys: &[(&'static str, String)],
) -> Result<(), TaskError> {
    let owner = ctx
        .task()
        .user_id
        .ok_or_else(|| TaskError::Fatal("the task has no owner".into()))?;
    let txn = tx::begin(&ctx.state.db, owner).await.map_err(retry)?;
    let still = file::Entity::find_by_id(st.file_id)
        .filter(file::Column::PrimaryEntity.eq(st.entity_id))
        .one(&txn)
        .await
        .map_err(retry)?
        .is_some();
    if still {
        remove_with_namespaces(&txn, st.file_id, &[], &[NAMESPACE])
            .await
            .map_err(retry)?;
        for (key, value) in keys {
            let value: String = value.chars().take(MAX_VALUE_CHARS).collect();
            upsert(&txn, st.file_id, key, &value, true)
                .await
                .map_err(retry)?;
        }
    }
    txn.commit().await.map_err(retry)
}

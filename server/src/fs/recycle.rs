//! The entity recycling job (`cron_entity_collect`, spec §11 and §13): entities whose
//! `reference_count` reached 0 (purged files, dropped versions) are deleted with their blobs.
//!
//! * **Grace period.** An entity is only collected once its `updated_at` (stamped when the
//!   last reference went) is older than the grace period, so a download that started just
//!   before the delete, or a transaction that has just committed, is not cut off.
//! * **Row first, then blob.** Each row is deleted by a conditional statement
//!   (`reference_count = 0`, no link left), and only the blobs of rows that were really
//!   deleted are removed afterwards. Deleting the row first means a crash between the two
//!   steps leaves an orphan blob: wasted bytes, but nothing in the database points at missing
//!   data. The other order could leave a row whose blob is gone, and a row can gain a
//!   reference again between the check and the delete (a copy or a snapshot), which would
//!   then serve a missing blob. An orphan is the lesser failure.
//! * **Unlink.** Entities marked `recycle_options.unlink_only` (`DELETE /file` with
//!   `unlink: true`) lose their row only: their blob stays in storage.
//! * A blob key still used by another entity row (of the same policy) is never deleted.
//!
//! Safe on several instances at once: each row is deleted by whoever gets there first, and
//! only that instance deletes the blob.

use std::{collections::BTreeMap, time::Duration};

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{entity, file_entity};

use super::error::FsError;
use crate::state::AppState;

/// How long a stale entity waits before its blob is deleted.
pub const GRACE: Duration = Duration::from_secs(3600);
/// Entities handled per database round.
const BATCH: u64 = 200;

/// Lowers the reference counts of the entities `ids` by `by` (links removed in the same
/// transaction), never below 0, and stamps `updated_at`: an entity left with none is
/// collected once [`GRACE`] has passed since that stamp.
pub async fn lower_references(
    conn: &impl ConnectionTrait,
    ids: Vec<i64>,
    by: i32,
) -> Result<(), DbErr> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::ReferenceCount,
            Expr::case(
                Expr::col(entity::Column::ReferenceCount).gt(by),
                Expr::col(entity::Column::ReferenceCount).sub(by),
            )
            .finally(0)
            .into(),
        )
        .col_expr(entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.is_in(ids))
        .exec(conn)
        .await?;
    Ok(())
}

/// True when `recycle_options` asks to keep the blob.
fn unlink_only(blob: &entity::Model) -> bool {
    blob.recycle_options
        .as_ref()
        .and_then(|o| o.get("unlink_only"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// The periodic job: [`collect_stale_entities`] with the default [`GRACE`].
pub async fn collect(state: &AppState) -> Result<u64, FsError> {
    collect_stale_entities(state, GRACE).await
}

/// Collects every entity that has had no reference for longer than `grace`; returns how many
/// rows were deleted. Blob deletions that fail are logged (the blob stays as an orphan).
pub async fn collect_stale_entities(state: &AppState, grace: Duration) -> Result<u64, FsError> {
    let cutoff =
        Utc::now() - chrono::Duration::from_std(grace).unwrap_or_else(|_| chrono::Duration::zero());
    let mut collected = 0;
    let mut after = 0i64;
    loop {
        let batch = entity::Entity::find()
            .filter(entity::Column::ReferenceCount.lte(0))
            .filter(entity::Column::UploadSessionId.is_null())
            .filter(entity::Column::UpdatedAt.lt(cutoff))
            .filter(entity::Column::Id.gt(after))
            .order_by_asc(entity::Column::Id)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let mut blobs: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for blob in batch {
            if !delete_row(&state.db, &blob, cutoff).await? {
                continue;
            }
            collected += 1;
            if unlink_only(&blob) || key_in_use(&state.db, &blob).await? {
                continue;
            }
            blobs
                .entry(blob.storage_policy_id)
                .or_default()
                .push(blob.source);
        }
        for (policy_id, keys) in blobs {
            delete_blobs(state, policy_id, &keys).await;
        }
    }
    Ok(collected)
}

/// Deletes one unreferenced entity now, without the grace period (an administrator's
/// explicit delete), and its blob unless it is unlink-only or another row names the same key.
/// `false` when the entity is referenced, linked or being uploaded.
pub async fn collect_now(state: &AppState, blob: &entity::Model) -> Result<bool, FsError> {
    let cutoff = Utc::now() + chrono::Duration::seconds(1);
    if !delete_row(&state.db, blob, cutoff).await? {
        return Ok(false);
    }
    if !unlink_only(blob) && !key_in_use(&state.db, blob).await? {
        delete_blobs(
            state,
            blob.storage_policy_id,
            std::slice::from_ref(&blob.source),
        )
        .await;
    }
    Ok(true)
}

/// Deletes the row if it is still unreferenced and stale; `false` when it is not (any more).
async fn delete_row(
    db: &impl ConnectionTrait,
    blob: &entity::Model,
    cutoff: chrono::DateTime<Utc>,
) -> Result<bool, FsError> {
    let linked = file_entity::Entity::find()
        .filter(file_entity::Column::EntityId.eq(blob.id))
        .one(db)
        .await?
        .is_some();
    if linked {
        tracing::warn!(
            entity = blob.id,
            "an entity with reference count 0 is still linked; not recycled"
        );
        return Ok(false);
    }
    let res = entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(blob.id))
        .filter(entity::Column::ReferenceCount.lte(0))
        .filter(entity::Column::UploadSessionId.is_null())
        .filter(entity::Column::UpdatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// True when another entity row still names the same blob.
async fn key_in_use(db: &impl ConnectionTrait, blob: &entity::Model) -> Result<bool, FsError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::StoragePolicyId.eq(blob.storage_policy_id))
        .filter(entity::Column::Source.eq(blob.source.as_str()))
        .filter(entity::Column::Id.ne(blob.id))
        .one(db)
        .await?
        .is_some())
}

async fn delete_blobs(state: &AppState, policy_id: i64, keys: &[String]) {
    let driver = match state.storage.driver(policy_id).await {
        Ok(d) => d,
        Err(err) => {
            tracing::warn!(policy_id, error = %err, blobs = keys.len(), "cannot recycle blobs: no driver");
            return;
        }
    };
    match driver.delete(keys).await {
        Ok(failures) => {
            for (key, err) in failures {
                tracing::warn!(%key, error = %err, "could not delete a recycled blob");
            }
        }
        Err(err) => {
            tracing::warn!(policy_id, error = %err, blobs = keys.len(), "could not delete recycled blobs");
        }
    }
}

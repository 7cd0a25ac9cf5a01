//! One blob's move to another policy: copy (streamed, journaled), size check, the switch in
//! one transaction, then the old blob released. See the module notes for what a kill at
//! each step leaves.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use stratus_entity::{entity, file, storage_policy};

use crate::{
    fs::recycle,
    queue::TaskError,
    state::AppState,
    storage::{StorageDriver, keys},
};

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

/// Moves blob `e` (named `name` in its owner's drive) to policy `dst`. False when the entity
/// changed meanwhile (nothing switched, the copy deleted).
pub async fn relocate(
    state: &AppState,
    e: &entity::Model,
    dst: &storage_policy::Model,
    name: &str,
) -> Result<bool, TaskError> {
    let owner = e.created_by.unwrap_or(0);
    let key_ctx = keys::KeyContext::new(owner, "", name);
    let key = keys::blob_key(&dst.dir_name_rule, &dst.file_name_rule, &key_ctx).map_err(retry)?;
    let from = state
        .storage
        .driver(e.storage_policy_id)
        .await
        .map_err(retry)?;
    let to = state.storage.driver(dst.id).await.map_err(retry)?;
    if !keys::unique(&dst.dir_name_rule, &dst.file_name_rule) && to.head(&key).await.is_ok() {
        return Err(TaskError::Fatal(format!(
            "the target policy's name rules give {key:?}, which is taken"
        )));
    }
    let pending = state.pending.before_put(dst, &key);
    let copied = copy(&*from, &*to, &e.source, &key, e.size).await;
    if let Err(err) = copied {
        discard(&*to, &key).await;
        pending.settle();
        return Err(err);
    }
    let old = match switch(state, e, dst.id, &key).await {
        Ok(Some(old)) => old,
        Ok(None) => {
            discard(&*to, &key).await;
            pending.settle();
            return Ok(false);
        }
        // Whether the switch was committed is not known: the next start decides.
        Err(err) => return Err(err),
    };
    pending.settle();
    if let Err(err) = recycle::collect_now(state, &old).await {
        tracing::warn!(error = %err, entity = old.id, "the old blob waits for the recycling job");
    }
    Ok(true)
}

/// Streams the blob to its new key and checks what was stored.
async fn copy(
    from: &dyn StorageDriver,
    to: &dyn StorageDriver,
    src: &str,
    key: &str,
    size: i64,
) -> Result<(), TaskError> {
    let object = from.get(src, None).await.map_err(retry)?;
    if object.size != size as u64 {
        return Err(TaskError::Fatal(format!(
            "the stored blob has {} bytes, its row says {size}",
            object.size
        )));
    }
    to.put(key, object.stream, Some(object.size))
        .await
        .map_err(retry)?;
    let stored = to.head(key).await.map_err(retry)?;
    if stored.size != object.size {
        return Err(retry(format!(
            "the copy has {} bytes, {} were sent",
            stored.size, object.size
        )));
    }
    Ok(())
}

/// Points the entity at the copy and leaves the old blob to a new zero-reference row, in
/// one transaction; `None` when the entity no longer names the old blob.
async fn switch(
    state: &AppState,
    e: &entity::Model,
    dst: i64,
    key: &str,
) -> Result<Option<entity::Model>, TaskError> {
    let txn = crate::db::begin_write(&state.db).await.map_err(retry)?;
    let now = Utc::now();
    let moved = entity::Entity::update_many()
        .col_expr(entity::Column::StoragePolicyId, Expr::value(dst))
        .col_expr(entity::Column::Source, Expr::value(key))
        .filter(entity::Column::Id.eq(e.id))
        .filter(entity::Column::StoragePolicyId.eq(e.storage_policy_id))
        .filter(entity::Column::Source.eq(e.source.as_str()))
        .exec(&txn)
        .await
        .map_err(retry)?;
    if moved.rows_affected == 0 {
        // Ended here, not on drop: SQLite would keep the write lock until the connection's
        // next use.
        txn.rollback().await.map_err(retry)?;
        return Ok(None);
    }
    file::Entity::update_many()
        .col_expr(file::Column::StoragePolicyId, Expr::value(dst))
        .filter(file::Column::PrimaryEntity.eq(e.id))
        .exec(&txn)
        .await
        .map_err(retry)?;
    let old = entity::ActiveModel {
        created_at: Set(e.created_at),
        updated_at: Set(now),
        r#type: Set(e.r#type),
        source: Set(e.source.clone()),
        size: Set(e.size),
        reference_count: Set(0),
        storage_policy_id: Set(e.storage_policy_id),
        created_by: Set(e.created_by),
        recycle_options: Set(e.recycle_options.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(retry)?;
    txn.commit().await.map_err(retry)?;
    Ok(Some(old))
}

/// Deletes a copy that will not be used.
async fn discard(to: &dyn StorageDriver, key: &str) {
    if let Err(e) = to.delete(&[key.to_owned()]).await {
        tracing::warn!(error = %e, key, "could not delete an unused copy");
    }
}

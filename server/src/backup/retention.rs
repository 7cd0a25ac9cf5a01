//! Retention and deletion. A scheduled run ends by applying its task's `keep_last` and
//! `keep_days` to the task's scheduled records (the newest always stays; manual records stay
//! until deleted). Deleting records removes their manifests (and dumps) first, then their
//! rows, then the blobs no remaining manifest of the target names ([`collect`]).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use stratus_entity::{
    backup_record::{self, status, trigger},
    backup_task,
};

use super::{BackupError, layout, manifest, records, target, targets};
use crate::{state::AppState, storage::StorageDriver};

/// Deletes the scheduled records of `task` that its retention no longer keeps; answers how
/// many.
pub async fn apply(
    state: &AppState,
    task: &backup_task::Model,
    now: DateTime<Utc>,
) -> Result<usize, BackupError> {
    if task.keep_last <= 0 && task.keep_days <= 0 {
        return Ok(0);
    }
    let rows = backup_record::Entity::find()
        .filter(backup_record::Column::TaskId.eq(task.id))
        .filter(backup_record::Column::Trigger.eq(trigger::SCHEDULE))
        .filter(backup_record::Column::Status.eq(status::COMPLETED))
        .order_by_desc(backup_record::Column::CreatedAt)
        .order_by_desc(backup_record::Column::Id)
        .all(&state.db)
        .await?;
    let oldest = now - chrono::Duration::days(i64::from(task.keep_days.max(0)));
    let expired: Vec<backup_record::Model> = rows
        .into_iter()
        .enumerate()
        .filter(|(i, r)| {
            *i > 0
                && ((task.keep_last > 0 && *i >= task.keep_last as usize)
                    || (task.keep_days > 0 && r.created_at < oldest))
        })
        .map(|(_, r)| r)
        .collect();
    let n = expired.len();
    if n > 0 {
        delete_records(state, &expired).await?;
    }
    Ok(n)
}

/// Deletes `rows` (ended records): manifest and dump, row, then unnamed blobs per target.
pub async fn delete_records(
    state: &AppState,
    rows: &[backup_record::Model],
) -> Result<(), BackupError> {
    let mut by_target: HashMap<i64, Vec<&backup_record::Model>> = HashMap::new();
    for r in rows {
        by_target.entry(r.target_id).or_default().push(r);
    }
    for (target_id, rows) in by_target {
        let target_row = targets::find(state, target_id).await?;
        let driver = target::driver(state, &target_row.r#type, &target_row.settings).await?;
        let keys: Vec<String> = rows
            .iter()
            .flat_map(|r| {
                [
                    layout::record_key(&r.name, layout::MANIFEST),
                    layout::record_key(&r.name, layout::DATABASE),
                ]
            })
            .collect();
        let failed = driver.delete(&keys).await?;
        if let Some((key, e)) = failed.into_iter().next() {
            return Err(BackupError::Storage(format!("deleting {key}: {e}")));
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        backup_record::Entity::delete_many()
            .filter(backup_record::Column::Id.is_in(ids))
            .exec(&state.db)
            .await?;
        collect(state, target_id, driver.as_ref()).await?;
    }
    Ok(())
}

/// Deletes the blobs of the target that no manifest of its completed records names. Passed
/// over while a run on the target is queued or running: that run may rely on a blob no
/// manifest names yet. Answers the number of blobs deleted.
pub async fn collect(
    state: &AppState,
    target_id: i64,
    driver: &dyn StorageDriver,
) -> Result<usize, BackupError> {
    let live = backup_record::Entity::find()
        .filter(backup_record::Column::TargetId.eq(target_id))
        .filter(backup_record::Column::Status.is_in(records::LIVE))
        .one(&state.db)
        .await?;
    if live.is_some() {
        return Ok(0);
    }
    let kept = named_blobs(state, target_id, driver).await?;
    let unnamed: Vec<String> = driver
        .list(layout::BLOBS)
        .await?
        .into_iter()
        .filter(|o| layout::name_of_key(&o.key).is_some_and(|n| !kept.contains_key(n)))
        .map(|o| o.key)
        .collect();
    if unnamed.is_empty() {
        return Ok(0);
    }
    let failed = driver.delete(&unnamed).await?;
    if let Some((key, e)) = failed.into_iter().next() {
        return Err(BackupError::Storage(format!("deleting {key}: {e}")));
    }
    Ok(unnamed.len())
}

/// Every blob the manifests of the target's completed records name, with its size and hash.
pub async fn named_blobs(
    state: &AppState,
    target_id: i64,
    driver: &dyn StorageDriver,
) -> Result<HashMap<String, manifest::BlobLine>, BackupError> {
    let names: HashSet<String> = backup_record::Entity::find()
        .filter(backup_record::Column::TargetId.eq(target_id))
        .filter(backup_record::Column::Status.eq(status::COMPLETED))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect();
    let temp = state.temp_dir().await?;
    let mut out = HashMap::new();
    for name in names {
        let key = layout::record_key(&name, layout::MANIFEST);
        let file = match crate::storage::seekable(driver, &key, &temp).await {
            Ok(file) => file,
            Err(crate::storage::StorageError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let blobs = tokio::task::spawn_blocking(move || manifest::read_blobs(file))
            .await
            .map_err(|e| BackupError::Storage(e.to_string()))?
            .map_err(|e| BackupError::Storage(format!("reading manifest of {name}: {e}")))?;
        out.extend(blobs);
    }
    Ok(out)
}

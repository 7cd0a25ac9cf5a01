//! A server-side copy onto an existing file (S3 `CopyObject` to a key that holds one): the
//! source's current blob becomes the target's new current version, referenced, not copied, so
//! the copy costs the same whatever the size, and the target's old content stays as a version,
//! as after every other overwrite.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{entity, file, file_entity};

use super::{
    UploadError,
    rows::{guard_insert, link, new_version_is_current},
};
use crate::{
    auth::caller::SignedIn,
    fs::{error::FsError, journal, nav::Node, quota, tree, tx, version, watch},
    state::AppState,
};

/// Makes the current content of `source` the new current version of `target`, both files of
/// the caller's own drive. `Ok(None)` when `source` has no content to share (an empty file):
/// the caller copies it the ordinary way.
pub async fn copy_over(
    state: &AppState,
    me: &SignedIn,
    source: &file::Model,
    target: &Node,
    tokens: &[String],
) -> Result<Option<file::Model>, UploadError> {
    let owner = me.user.id;
    if source.owner_id != owner || !target.owned || target.is_folder() {
        return Err(FsError::NoPermission("copies go to your own files").into());
    }
    let Some(blob_id) = source.primary_entity else {
        return Ok(None);
    };
    if target.file.primary_entity == Some(blob_id) {
        return Ok(Some(target.file.clone()));
    }
    let mut change = watch::Change::new(
        watch::Action::Overwrite,
        target.file.id,
        target.uri.to_string(),
    );
    change.previous_entity = target.file.primary_entity;
    let guard = watch::decide(state, me, change).await?;
    let txn = tx::begin(&state.db, owner).await?;
    // Read again under the owner's lock: either may have changed since it was resolved.
    let current = file::Entity::find_by_id(target.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.owner_id == owner && f.parent_id.is_some())
        .ok_or(FsError::NotFound)?;
    let blob = entity::Entity::find_by_id(blob_id)
        .filter(entity::Column::Type.eq(entity::kind::VERSION))
        .filter(entity::Column::UploadSessionId.is_null())
        .one(&txn)
        .await?
        .ok_or(FsError::NotFound)?;
    tree::ensure_unlocked(&txn, owner, &target.uri, false, tokens).await?;
    let linked = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(current.id))
        .filter(file_entity::Column::EntityId.eq(blob.id))
        .one(&txn)
        .await?
        .is_some();
    // A new link is charged, once, as every kept version is; an older version of the target
    // that comes back is charged already.
    if !linked {
        quota::charge(&txn, owner, blob.size, me.group.max_storage).await?;
        link(&txn, current.id, blob.id).await?;
        entity::Entity::update_many()
            .col_expr(
                entity::Column::ReferenceCount,
                Expr::col(entity::Column::ReferenceCount).add(1),
            )
            .filter(entity::Column::Id.eq(blob.id))
            .exec(&txn)
            .await?;
    }
    if let Some(record) = &guard {
        guard_insert(record).exec(&txn).await?;
    }
    let replaced = current.primary_entity;
    let mut active = current.into_active_model();
    active.primary_entity = Set(Some(blob.id));
    active.size = Set(blob.size);
    active.storage_policy_id = Set(Some(blob.storage_policy_id));
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    new_version_is_current(&txn, &updated).await?;
    if let Some(replaced) = replaced {
        version::drop_if_empty(&txn, &updated, replaced).await?;
    }
    let path = journal::path_of(&txn, target).await?;
    journal::record(&txn, &[journal::modified(&updated, &path)]).await?;
    txn.commit().await?;
    crate::media_meta::queue_for(state, &updated).await;
    crate::fts::queue_for(state, &updated).await;
    Ok(Some(updated))
}

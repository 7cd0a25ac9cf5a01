//! File versions (spec §13): every version entity linked to a file is a kept version, the
//! file's `primary_entity` is the current one, and each kept version stays charged to the
//! owner (once per link, as `quota::charged_bytes` counts).
//!
//! * [`cap_versions`] drops the oldest non-current versions beyond the owner's
//!   `version_retention_max`; upload completion and `PUT /file/content` both call it.
//! * [`set_current`] (`POST /file/version/current`) and [`delete`] (`DELETE /file/version`).
//! * [`earlier`]: the versions kept besides the current one (the sync clients' versions).
//!
//! Dropping a version unlinks its entity and lowers its `reference_count`; an entity left at
//! 0 is a stale row whose blob the recycling job ([`super::recycle`]) deletes later.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde_json::Value;
use stratus_entity::{entity, file, file_entity, user};

use super::{
    error::FsError,
    journal,
    nav::{self, FsCtx, Node},
    quota, reach, recycle, tree, tx,
    uri::FileUri,
    watch,
};
use crate::{boolset::fs_cap, ids::IdKind};

/// How many versions of `name` the owner keeps (`None`: no limit). Cloudreve's rule: with
/// version retention on and the extension listed (or no list), `version_retention_max`
/// (0 = unlimited); otherwise only the current version.
pub fn max_versions(owner_settings: &Value, name: &str) -> Option<usize> {
    let enabled = owner_settings
        .get("version_retention")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let exts: Vec<String> = owner_settings
        .get("version_retention_ext")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().trim_start_matches('.').to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !enabled || !(exts.is_empty() || exts.contains(&ext)) {
        return Some(1);
    }
    match owner_settings
        .get("version_retention_max")
        .and_then(Value::as_i64)
    {
        Some(max) if max > 0 => Some(max as usize),
        _ => None,
    }
}

/// The finished version entities linked to `file_id`, newest first.
async fn versions_of(
    db: &impl ConnectionTrait,
    file_id: i64,
) -> Result<Vec<entity::Model>, FsError> {
    let ids: Vec<i64> = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(file_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.entity_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids))
        .filter(entity::Column::Type.eq(entity::kind::VERSION))
        .filter(entity::Column::UploadSessionId.is_null())
        .order_by_desc(entity::Column::Id)
        .all(db)
        .await?)
}

/// The versions of the file `node` kept besides its current one, newest first; for its
/// owner only.
pub async fn earlier(ctx: &FsCtx<'_>, node: &Node) -> Result<Vec<entity::Model>, FsError> {
    node.require(fs_cap::VERSION_CONTROL)?;
    if !node.owned {
        return Err(FsError::OwnerOnly);
    }
    let mut kept = versions_of(&ctx.state.db, node.file.id).await?;
    kept.retain(|v| Some(v.id) != node.file.primary_entity);
    Ok(kept)
}

/// Unlinks `blob` from `file`: removes the link, lowers the reference count (never below 0,
/// stamping `updated_at` so the recycling grace period starts now) and releases the bytes the
/// link was charged for from the file's owner.
pub async fn unlink(
    txn: &impl ConnectionTrait,
    file: &file::Model,
    blob: &entity::Model,
) -> Result<(), FsError> {
    let removed = file_entity::Entity::delete_many()
        .filter(file_entity::Column::FileId.eq(file.id))
        .filter(file_entity::Column::EntityId.eq(blob.id))
        .exec(txn)
        .await?;
    if removed.rows_affected == 0 {
        return Ok(());
    }
    recycle::lower_references(txn, vec![blob.id], 1).await?;
    // A blob the owner's snapshots still name stays charged once (`quota::held_by_snapshots`).
    let held = quota::held_by_snapshots(txn, file.owner_id, &[blob.id]).await?;
    quota::release(txn, file.owner_id, std::cmp::max(blob.size, 0) - held).await
}

/// Drops the oldest non-current versions of `file` beyond what its owner keeps (see
/// [`max_versions`]); call it in the owner's write transaction after a version was added.
/// Returns how many versions were dropped.
pub async fn cap_versions(
    txn: &impl ConnectionTrait,
    file: &file::Model,
) -> Result<usize, FsError> {
    let Some(owner) = user::Entity::find_by_id(file.owner_id).one(txn).await? else {
        return Ok(0);
    };
    let Some(max) = max_versions(&owner.settings, &file.name) else {
        return Ok(0);
    };
    let versions = versions_of(txn, file.id).await?;
    // The current version always stays and counts towards the limit.
    let keep_others = max.saturating_sub(1);
    let mut stale: Vec<&entity::Model> = versions
        .iter()
        .filter(|v| Some(v.id) != file.primary_entity)
        .skip(keep_others)
        .collect();
    if !stale.is_empty() {
        // A version a recent overwrite replaced stays while the guard may need it for undo.
        let held = watch::held_versions(txn, stale.iter().map(|v| v.id).collect()).await?;
        stale.retain(|v| !held.contains(&v.id));
    }
    for blob in &stale {
        unlink(txn, file, blob).await?;
    }
    Ok(stale.len())
}

/// Unlinks the version `replaced` of `file` when it holds no bytes and is no longer current:
/// an empty version (a new file's from `POST /file/create`, or the 0-byte file a WebDAV client
/// makes before it writes) keeps nothing worth restoring, so the content written next takes
/// its place instead of standing beside it in the history.
pub async fn drop_if_empty(
    txn: &impl ConnectionTrait,
    file: &file::Model,
    replaced: i64,
) -> Result<(), FsError> {
    if file.primary_entity == Some(replaced) {
        return Ok(());
    }
    if let Some(blob) = entity::Entity::find_by_id(replaced).one(txn).await?
        && blob.size == 0
        && blob.r#type == entity::kind::VERSION
    {
        unlink(txn, file, &blob).await?;
    }
    Ok(())
}

/// The file at `uri` that the caller may manage versions of, with the version `hashid`
/// resolved among its own finished version entities (40077 otherwise). Managing versions is
/// a write.
async fn target(ctx: &FsCtx<'_>, uri: &FileUri, hashid: &str) -> Result<(Node, i64), FsError> {
    reach::writable(ctx.caller)?;
    let node = nav::resolve(ctx, uri).await?;
    node.require(fs_cap::VERSION_CONTROL)?;
    if !node.owned {
        return Err(FsError::OwnerOnly);
    }
    if node.file.r#type != file::kind::FILE || node.file.is_symbolic {
        return Err(FsError::NoPermission("only files have versions"));
    }
    let id = ctx
        .state
        .ids
        .decode(hashid, IdKind::Entity)
        .map_err(|_| FsError::Invalid("version: not a version id".into()))?;
    Ok((node, id))
}

/// Re-reads the file and its version `id` inside the owner's transaction.
async fn reread(
    txn: &impl ConnectionTrait,
    file_id: i64,
    id: i64,
) -> Result<(file::Model, entity::Model), FsError> {
    let file = file::Entity::find_by_id(file_id)
        .one(txn)
        .await?
        .ok_or(FsError::NotFound)?;
    let version = versions_of(txn, file_id)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or(FsError::VersionNotFound)?;
    Ok((file, version))
}

/// `POST /file/version/current`: makes version `hashid` the current content of the file.
/// Choosing the current version again changes nothing.
pub async fn set_current(ctx: &FsCtx<'_>, uri: &FileUri, hashid: &str) -> Result<(), FsError> {
    let (node, id) = target(ctx, uri, hashid).await?;
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    let (file, version) = reread(&txn, node.file.id, id).await?;
    if file.primary_entity == Some(version.id) {
        return Ok(());
    }
    tree::ensure_unlocked(&txn, file.owner_id, &node.uri, false, ctx.lock_tokens).await?;
    let mut active = file.into_active_model();
    active.primary_entity = Set(Some(version.id));
    active.size = Set(version.size);
    active.updated_at = Set(Utc::now());
    let file = active.update(&txn).await?;
    if ctx.journal.writes() {
        let path = journal::path_of(&txn, &node).await?;
        journal::record(&txn, &[journal::modified(&file, &path)]).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// `DELETE /file/version`: drops a version that is not the current one and releases what it
/// was charged for.
pub async fn delete(ctx: &FsCtx<'_>, uri: &FileUri, hashid: &str) -> Result<(), FsError> {
    let (node, id) = target(ctx, uri, hashid).await?;
    // Deleting a kept version makes the overwrite that replaced it final: the guard counts it
    // as one, and it never takes a version an open incident's undo would make current again.
    watch::refuse_held_version(&ctx.state.db, id).await?;
    let purge = watch::Change::new(watch::Action::Purge, node.file.id, node.uri.to_string());
    watch::before_ctx(ctx, purge).await?;
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    let (file, version) = reread(&txn, node.file.id, id).await?;
    if file.primary_entity == Some(version.id) {
        return Err(FsError::NoPermission(
            "the current version cannot be deleted",
        ));
    }
    tree::ensure_unlocked(&txn, file.owner_id, &node.uri, false, ctx.lock_tokens).await?;
    unlink(&txn, &file, &version).await?;
    if ctx.journal.writes() {
        let path = journal::path_of(&txn, &node).await?;
        journal::record(&txn, &[journal::modified(&file, &path)]).await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn retention_rules() {
        let on = json!({"version_retention": true, "version_retention_max": 3});
        assert_eq!(max_versions(&on, "a.txt"), Some(3));
        assert_eq!(max_versions(&json!({}), "a.txt"), Some(1));
        let unlimited = json!({"version_retention": true, "version_retention_max": 0});
        assert_eq!(max_versions(&unlimited, "a.txt"), None);
        let listed = json!({"version_retention": true, "version_retention_max": 5,
            "version_retention_ext": ["docx", ".TXT"]});
        assert_eq!(max_versions(&listed, "a.txt"), Some(5));
        assert_eq!(max_versions(&listed, "a.png"), Some(1));
        assert_eq!(max_versions(&listed, "noext"), Some(1));
    }
}

//! Thumbnail entities in the database and their blob keys.
//!
//! A thumbnail is an entity of type 1 linked to the file, stored next to its source blob
//! under `<source key>.<token>.<ext><suffix>` (suffix setting `thumb_entity_suffix`,
//! `._thumb`). The key ties the thumbnail to the exact blob it was made from: after a new
//! version is uploaded or another version is made current, the old thumbnail no longer
//! matches the primary entity, is ignored, and is released when the replacement is stored
//! (or when making one fails). The random token keeps every generation's blob distinct, so
//! a regenerated thumbnail never overwrites a released blob waiting to be recycled. Thumbnails
//! are not charged to the owner's quota.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter,
};
use stratus_entity::{entity, file, file_entity, metadata};

use super::render::Encoding;
use crate::{
    download::link::servable,
    fs::{self, error::FsError, metadata as meta, tx},
    state::AppState,
};

/// Metadata key marking a file whose thumbnail cannot be made; clients stop asking.
pub const DISABLED: &str = "thumb:disabled";
/// Private metadata key holding why the generators failed, for administrators.
pub const ERROR: &str = "thumb:error";
/// Longest reason kept.
const MAX_REASON_CHARS: usize = 1000;

/// The blob key of a new thumbnail of `source`.
pub fn key_for(source: &str, encoding: Encoding, suffix: &str) -> String {
    let token: String = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    format!("{source}.{token}.{}{suffix}", encoding.ext())
}

/// The encoding of `thumb_key` when it is a thumbnail of blob `source`, else `None`.
/// Exact: the part between `<source>.` and the suffix must be `<token>.<ext>` with an
/// alphanumeric token, so the thumbnail of `a.b` is never taken for one of `a`.
pub fn made_from(thumb_key: &str, source: &str, suffix: &str) -> Option<Encoding> {
    let middle = thumb_key
        .strip_prefix(source)?
        .strip_prefix('.')?
        .strip_suffix(suffix)?;
    let (token, ext) = middle.split_once('.')?;
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Encoding::from_ext(ext)
}

/// True when the file carries [`DISABLED`].
pub async fn disabled(db: &impl ConnectionTrait, file_id: i64) -> Result<bool, DbErr> {
    Ok(metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(DISABLED))
        .one(db)
        .await?
        .is_some())
}

/// Thumbnail entities linked to the file.
async fn linked(db: &impl ConnectionTrait, file_id: i64) -> Result<Vec<entity::Model>, DbErr> {
    entity::Entity::find()
        .inner_join(file_entity::Entity)
        .filter(file_entity::Column::FileId.eq(file_id))
        .filter(entity::Column::Type.eq(entity::kind::THUMBNAIL))
        .all(db)
        .await
}

/// The usable thumbnail of the file made from `source`, with its encoding.
pub async fn find(
    db: &impl ConnectionTrait,
    file_id: i64,
    source: &entity::Model,
    suffix: &str,
) -> Result<Option<(entity::Model, Encoding)>, DbErr> {
    Ok(linked(db, file_id)
        .await?
        .into_iter()
        .filter(|t| servable(t) && t.storage_policy_id == source.storage_policy_id)
        .filter_map(|t| made_from(&t.source, &source.source, suffix).map(|enc| (t, enc)))
        .max_by_key(|(t, _)| t.id))
}

/// What became of a freshly written thumbnail blob.
pub enum Commit {
    /// Recorded as the file's thumbnail.
    Stored(entity::Model),
    /// Someone else recorded one first; the new blob is surplus.
    Existing(entity::Model),
    /// The file is gone or has another current version now; the new blob is surplus.
    Outdated,
}

/// Records the blob `key` (`size` bytes, already written) as the thumbnail of `file_id`
/// made from `source`, and releases the file's other thumbnails, in one owner transaction.
pub async fn commit(
    state: &AppState,
    owner: i64,
    file_id: i64,
    source: &entity::Model,
    key: &str,
    size: i64,
    suffix: &str,
) -> Result<Commit, DbErr> {
    let txn = tx::begin(&state.db, owner).await?;
    let current = file::Entity::find_by_id(file_id).one(&txn).await?;
    if !current.is_some_and(|f| f.deleted_at.is_none() && f.primary_entity == Some(source.id)) {
        return Ok(Commit::Outdated);
    }
    if let Some((existing, _)) = find(&txn, file_id, source, suffix).await? {
        return Ok(Commit::Existing(existing));
    }
    let now = Utc::now();
    let thumb = entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(entity::kind::THUMBNAIL),
        source: Set(key.to_owned()),
        size: Set(size),
        reference_count: Set(1),
        storage_policy_id: Set(source.storage_policy_id),
        created_by: Set(Some(owner)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    release(&txn, file_id, Some(thumb.id)).await?;
    file_entity::ActiveModel {
        file_id: Set(file_id),
        entity_id: Set(thumb.id),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Commit::Stored(thumb))
}

/// Marks the file [`DISABLED`], keeps `reason` in [`ERROR`] and releases its thumbnails
/// (they belong to older versions).
pub async fn disable(
    state: &AppState,
    owner: i64,
    file_id: i64,
    reason: &str,
) -> Result<(), FsError> {
    let txn = tx::begin(&state.db, owner).await?;
    meta::upsert(&txn, file_id, DISABLED, "", true).await?;
    let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
    meta::upsert(&txn, file_id, ERROR, &reason, false).await?;
    release(&txn, file_id, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Unlinks every thumbnail of the file but `keep` and lowers their reference counts; a
/// count reaching 0 leaves the blob to entity recycling. Called when a new version becomes
/// current, so the old version's thumbnail does not linger until the next request.
pub async fn release(
    txn: &DatabaseTransaction,
    file_id: i64,
    keep: Option<i64>,
) -> Result<(), DbErr> {
    let stale: Vec<i64> = linked(txn, file_id)
        .await?
        .into_iter()
        .map(|t| t.id)
        .filter(|id| Some(*id) != keep)
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    file_entity::Entity::delete_many()
        .filter(file_entity::Column::FileId.eq(file_id))
        .filter(file_entity::Column::EntityId.is_in(stale.clone()))
        .exec(txn)
        .await?;
    fs::recycle::lower_references(txn, stale, 1).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tie_a_thumbnail_to_exactly_one_source() {
        let key = key_for("u/1/a.png", Encoding::Jpeg, "._thumb");
        assert!(key.starts_with("u/1/a.png.") && key.ends_with(".jpg._thumb"));
        assert_eq!(
            made_from(&key, "u/1/a.png", "._thumb"),
            Some(Encoding::Jpeg)
        );
        assert_eq!(made_from(&key, "u/1/a", "._thumb"), None);
        assert_eq!(made_from(&key, "u/1/a.png.x", "._thumb"), None);
        assert_eq!(made_from(&key, "u/1/a.png", "._other"), None);
        assert_eq!(made_from("u/1/a.png._thumb", "u/1/a.png", "._thumb"), None);
        assert_eq!(
            made_from("u/1/a.png.x.y.jpg._thumb", "u/1/a.png", "._thumb"),
            None
        );
    }
}

//! Reading the change journal: one owner's rows after a cursor, the newest id, and how far
//! retention has pruned it.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use stratus_entity::fs_change;

use crate::kv;

/// `kv` key of the highest journal id retention deleted.
pub const PRUNED_THROUGH: &str = "fs_changes_pruned_through";
/// Rows per read.
pub const PAGE: u64 = 1000;

/// The newest journal id (0 for an empty journal).
pub async fn max_id(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let max: Option<Option<i64>> = fs_change::Entity::find()
        .select_only()
        .column_as(fs_change::Column::Id.max(), "max")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Up to [`PAGE`] of `owner_id`'s rows after `after`, oldest first.
pub async fn after(
    db: &impl ConnectionTrait,
    owner_id: i64,
    after: i64,
) -> Result<Vec<fs_change::Model>, DbErr> {
    fs_change::Entity::find()
        .filter(fs_change::Column::OwnerId.eq(owner_id))
        .filter(fs_change::Column::Id.gt(after))
        .order_by_asc(fs_change::Column::Id)
        .limit(PAGE)
        .all(db)
        .await
}

/// The highest id retention deleted (0 when it never deleted any).
pub async fn pruned_through(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    Ok(kv::get(db, PRUNED_THROUGH)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

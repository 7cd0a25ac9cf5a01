//! Retention of the change journal and of subscriptions (`fs_event_push_max_age` seconds):
//! journal rows older than that are deleted, and subscriptions whose stream was not open for
//! that long. The highest id deleted is remembered, so a subscription whose cursor lies before
//! it learns that it missed changes (`reconnect-required`).

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{fs_change, fs_subscription};

use super::journal::{self, PRUNED_THROUGH};
use crate::{kv, state::AppState};

/// Default of `fs_event_push_max_age`: 14 days.
pub const DEFAULT_MAX_AGE: i64 = 1_209_600;

/// Deletes what is older than the window; the rows deleted.
pub async fn prune(state: &AppState) -> Result<u64, DbErr> {
    let max_age = state
        .settings
        .int("fs_event_push_max_age", DEFAULT_MAX_AGE)
        .await?
        .max(1);
    let cutoff = Utc::now() - chrono::Duration::seconds(max_age);
    prune_before(&state.db, cutoff).await
}

/// Deletes journal rows and subscriptions older than `cutoff`.
pub async fn prune_before(
    db: &impl ConnectionTrait,
    cutoff: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    let newest: Option<Option<i64>> = fs_change::Entity::find()
        .select_only()
        .column_as(fs_change::Column::Id.max(), "max")
        .filter(fs_change::Column::CreatedAt.lt(cutoff))
        .into_tuple()
        .one(db)
        .await?;
    let mut deleted = 0;
    if let Some(newest) = newest.flatten() {
        // Remembered first: a crash between the two leaves a mark a little ahead of the
        // deletion, never behind it.
        if newest > journal::pruned_through(db).await? {
            kv::put(db, "fs_events", PRUNED_THROUGH, &newest.to_string(), None).await?;
        }
        deleted += fs_change::Entity::delete_many()
            .filter(fs_change::Column::Id.lte(newest))
            .exec(db)
            .await?
            .rows_affected;
    }
    deleted += fs_subscription::Entity::delete_many()
        .filter(fs_subscription::Column::LastSeenAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected;
    Ok(deleted)
}

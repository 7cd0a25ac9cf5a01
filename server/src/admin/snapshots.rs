//! Snapshots of every user: list (with owner and exclusive size) and delete. A delete releases
//! the snapshot's blob references and held bytes as the owner's own delete does.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use stratus_entity::{snapshot, user};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::{
    snapshot::{SnapshotError, delete, list as snapshots},
    state::AppState,
};

/// Columns a snapshot list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["created_at", "files", "size", "owner_id", "name"];

/// A snapshot with its owner and the bytes only it keeps alive.
#[derive(Debug, Clone)]
pub struct SnapshotView {
    pub snapshot: snapshot::Model,
    pub owner: Option<user::Model>,
    pub exclusive_size: i64,
}

impl From<SnapshotError> for AdminError {
    fn from(err: SnapshotError) -> Self {
        match err {
            SnapshotError::NotFound => AdminError::SnapshotNotFound,
            SnapshotError::Db(e) => AdminError::Db(e),
            other => AdminError::Invalid(other.to_string()),
        }
    }
}

/// One page of snapshots. Conditions: `user_id`, `snapshot_id` (comma-separated ids).
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<SnapshotView>, AdminError> {
    q.allow(&["user_id", "snapshot_id"], &[])?;
    let mut filter = Condition::all();
    if let Some(u) = q.int("user_id")? {
        filter = filter.add(snapshot::Column::OwnerId.eq(u));
    }
    if let Some(ids) = q.ints("snapshot_id")? {
        filter = filter.add(snapshot::Column::Id.is_in(ids));
    }
    let page = list::fetch(
        &state.db,
        snapshot::Entity::find().filter(filter),
        q,
        SORTABLE,
    )
    .await?;
    let owner_ids: Vec<i64> = page.rows.iter().map(|s| s.owner_id).collect();
    let owners = user::Entity::find()
        .filter(user::Column::Id.is_in(owner_ids))
        .all(&state.db)
        .await?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for s in page.rows {
        rows.push(SnapshotView {
            exclusive_size: snapshots::exclusive_size(&state.db, s.id).await?,
            owner: owners.iter().find(|u| u.id == s.owner_id).cloned(),
            snapshot: s,
        });
    }
    Ok(Page {
        rows,
        total: page.total,
    })
}

/// Deletes snapshot `id` of any user.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let row = snapshot::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::SnapshotNotFound)?;
    delete::delete_row(state, &row).await?;
    audit::record(
        state,
        actor,
        "snapshot",
        Some(id),
        "delete",
        serde_json::json!({"owner_id": row.owner_id, "name": row.name}),
    )
    .await;
    Ok(())
}

/// How many snapshots user `id` has, and the bytes only they keep alive.
pub async fn usage_of(state: &AppState, id: i64) -> Result<(u64, i64), AdminError> {
    Ok((
        snapshots::count_of(&state.db, id).await?,
        snapshots::owner_snapshot_bytes(&state.db, id).await?,
    ))
}

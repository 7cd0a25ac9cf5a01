//! Deleting a snapshot, in one transaction of its owner's: every entity its nodes name loses
//! one reference per node (grouped, one statement), the bytes it alone kept charged are
//! released (`fs::quota::released_with_snapshot`), then its nodes and its row go. Blobs left
//! without references are removed by the recycling job (`fs::recycle`) as usual.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait};
use stratus_entity::snapshot;

use super::{SnapshotError, list};
use crate::{
    caller::Caller,
    fs::{quota, sql::Sql, tx},
    state::AppState,
};

/// `DELETE /snapshot/:id`: one of the caller's snapshots.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), SnapshotError> {
    let row = list::find_own(state, caller, id).await?;
    delete_row(state, &row).await
}

/// Deletes `row` (any owner's: administrators and schedules come here).
pub async fn delete_row(state: &AppState, row: &snapshot::Model) -> Result<(), SnapshotError> {
    let txn = tx::begin(&state.db, row.owner_id).await?;
    delete_in(&txn, row.owner_id, row.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes snapshot `id` of `owner_id` inside the owner's write transaction; nothing when it
/// is gone already.
pub async fn delete_in(
    txn: &DatabaseTransaction,
    owner_id: i64,
    id: i64,
) -> Result<(), SnapshotError> {
    let backend = txn.get_database_backend();
    let released = quota::released_with_snapshot(txn, owner_id, id).await?;
    let mut sql = Sql::new(backend);
    sql.push(
        "UPDATE entities SET reference_count = CASE WHEN entities.reference_count > g.n \
         THEN entities.reference_count - g.n ELSE 0 END, updated_at = ",
    )
    // The recycling grace period of a blob left without references starts now.
    .bind(Utc::now())
    .push(" FROM (SELECT entity_id, COUNT(*) AS n FROM snapshot_nodes WHERE snapshot_id = ")
    .bind(id)
    .push(" AND entity_id IS NOT NULL GROUP BY entity_id) g WHERE entities.id = g.entity_id");
    txn.execute_raw(sql.statement()).await?;
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM snapshot_nodes WHERE snapshot_id = ")
        .bind(id);
    txn.execute_raw(sql.statement()).await?;
    snapshot::Entity::delete_by_id(id).exec(txn).await?;
    quota::release(txn, owner_id, released).await?;
    Ok(())
}

/// Deletes every snapshot of `owner_id` inside the owner's write transaction (an account
/// being deleted): each entity they name loses one reference per node, in one statement.
/// The owner's charged bytes are not touched: the account goes with them.
pub async fn delete_all_of(txn: &DatabaseTransaction, owner_id: i64) -> Result<(), SnapshotError> {
    let backend = txn.get_database_backend();
    let mut sql = Sql::new(backend);
    sql.push(
        "UPDATE entities SET reference_count = CASE WHEN entities.reference_count > g.n \
         THEN entities.reference_count - g.n ELSE 0 END, updated_at = ",
    )
    .bind(Utc::now())
    .push(
        " FROM (SELECT n.entity_id, COUNT(*) AS n FROM snapshot_nodes n \
         WHERE n.snapshot_id IN (SELECT id FROM snapshots WHERE owner_id = ",
    )
    .bind(owner_id)
    .push(") AND n.entity_id IS NOT NULL GROUP BY n.entity_id) g WHERE entities.id = g.entity_id");
    txn.execute_raw(sql.statement()).await?;
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM snapshot_nodes WHERE snapshot_id IN (SELECT id FROM snapshots WHERE owner_id = ")
        .bind(owner_id)
        .push(")");
    txn.execute_raw(sql.statement()).await?;
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM snapshots WHERE owner_id = ")
        .bind(owner_id);
    txn.execute_raw(sql.statement()).await?;
    Ok(())
}

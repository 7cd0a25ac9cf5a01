//! `users.storage`: bytes charged to a user, changed in the same transaction as the rows it
//! accounts for. A charge is a conditional update, so concurrent writers can never push a
//! user past the limit.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{group, user};

use super::{error::FsError, sql::Sql};

/// Adds `bytes` to the user's usage unless that would exceed `limit`.
pub async fn charge(
    txn: &impl ConnectionTrait,
    user_id: i64,
    bytes: i64,
    limit: i64,
) -> Result<(), FsError> {
    if bytes <= 0 {
        return Ok(());
    }
    let res = user::Entity::update_many()
        .col_expr(
            user::Column::Storage,
            Expr::col(user::Column::Storage).add(bytes),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(Expr::col(user::Column::Storage).add(bytes).lte(limit))
        .exec(txn)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(FsError::InsufficientCapacity)
    }
}

/// The storage limit of `user_id`'s group (what [`charge`] is given for a write into that
/// user's drive made by someone else, such as a recipient of a grant); 0 when the user or
/// the group is gone.
pub async fn limit_of(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, FsError> {
    let found = user::Entity::find_by_id(user_id)
        .find_also_related(group::Entity)
        .one(db)
        .await?;
    Ok(match found {
        Some((_, Some(group))) => group.max_storage,
        _ => 0,
    })
}

/// Subtracts `bytes` from the user's usage, never below zero.
pub async fn release(txn: &impl ConnectionTrait, user_id: i64, bytes: i64) -> Result<(), FsError> {
    if bytes <= 0 {
        return Ok(());
    }
    user::Entity::update_many()
        .col_expr(
            user::Column::Storage,
            Expr::case(
                Expr::col(user::Column::Storage).gte(bytes),
                Expr::col(user::Column::Storage).sub(bytes),
            )
            .finally(0i64)
            .into(),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// What a set of files is charged for: the size of every blob linked to them, once per link.
/// A copy shares its blobs but is charged like a file of its own (as in Cloudreve), and each
/// kept version counts; uploads charge the same way when they reserve their size.
pub async fn charged_bytes(db: &impl ConnectionTrait, file_ids: &[i64]) -> Result<i64, FsError> {
    use std::collections::HashMap;
    use stratus_entity::{entity, file_entity};
    let mut per_entity: HashMap<i64, i64> = HashMap::new();
    for chunk in file_ids.chunks(500) {
        let links = file_entity::Entity::find()
            .filter(file_entity::Column::FileId.is_in(chunk.to_vec()))
            .all(db)
            .await?;
        for link in links {
            *per_entity.entry(link.entity_id).or_default() += 1;
        }
    }
    let ids: Vec<i64> = per_entity.keys().copied().collect();
    let mut total = 0i64;
    for chunk in ids.chunks(500) {
        for e in entity::Entity::find()
            .filter(entity::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            total += std::cmp::max(e.size, 0) * per_entity[&e.id];
        }
    }
    Ok(total)
}

/// The blobs linked to a set of files, each once.
pub async fn entities_of(db: &impl ConnectionTrait, file_ids: &[i64]) -> Result<Vec<i64>, FsError> {
    use stratus_entity::file_entity;
    let mut out = std::collections::BTreeSet::new();
    for chunk in file_ids.chunks(500) {
        let ids: Vec<i64> = file_entity::Entity::find()
            .select_only()
            .column(file_entity::Column::EntityId)
            .filter(file_entity::Column::FileId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(ids);
    }
    Ok(out.into_iter().collect())
}

/// Bytes of `entity_ids` that snapshots of `owner_id` keep charged to the owner: the blobs
/// no file of the owner links (live or trashed) that a snapshot of the owner names, each
/// once. A blob only snapshots keep alive counts toward its owner's quota as a version
/// does, so a purge or a dropped version that takes the owner's last link to such a blob
/// releases its links' charge less this; a copy that links such a blob again charges its
/// link and releases this.
pub async fn held_by_snapshots(
    db: &impl ConnectionTrait,
    owner_id: i64,
    entity_ids: &[i64],
) -> Result<i64, FsError> {
    let mut total = 0;
    for chunk in entity_ids.chunks(500) {
        let mut sql = Sql::new(db.get_database_backend());
        sql.push(
            "SELECT CAST(COALESCE(SUM(e.size), 0) AS BIGINT) AS n FROM entities e WHERE e.id IN (",
        );
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(*id);
        }
        sql.push(") AND ");
        not_linked_by(&mut sql, owner_id);
        sql.push(" AND EXISTS (SELECT 1 FROM snapshot_nodes n WHERE n.entity_id = e.id AND ");
        owned_snapshot(&mut sql, owner_id);
        sql.push(")");
        total += sum(db, sql).await?;
    }
    Ok(total)
}

/// Bytes that deleting snapshot `snapshot_id` of `owner_id` stops holding (see
/// [`held_by_snapshots`]): the blobs it names that no file of the owner links and no other
/// snapshot of the owner names. Read before its nodes go.
pub async fn released_with_snapshot(
    db: &impl ConnectionTrait,
    owner_id: i64,
    snapshot_id: i64,
) -> Result<i64, FsError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(
        "SELECT CAST(COALESCE(SUM(e.size), 0) AS BIGINT) AS n FROM entities e WHERE e.id IN \
         (SELECT entity_id FROM snapshot_nodes WHERE snapshot_id = ",
    )
    .bind(snapshot_id)
    .push(" AND entity_id IS NOT NULL) AND ");
    not_linked_by(&mut sql, owner_id);
    sql.push(" AND NOT EXISTS (SELECT 1 FROM snapshot_nodes n WHERE n.entity_id = e.id AND n.snapshot_id <> ")
        .bind(snapshot_id)
        .push(" AND ");
    owned_snapshot(&mut sql, owner_id);
    sql.push(")");
    sum(db, sql).await
}

// The owner is read per link or node by primary key, as a scalar subquery rather than a
// join: joined, the planner may walk all of the owner's files (or snapshots' nodes) for
// every blob.

/// `NOT EXISTS` a link from a file of `owner_id` to `e`.
fn not_linked_by(sql: &mut Sql, owner_id: i64) {
    sql.push(
        "NOT EXISTS (SELECT 1 FROM file_entities fe WHERE fe.entity_id = e.id \
         AND (SELECT f.owner_id FROM files f WHERE f.id = fe.file_id) = ",
    )
    .bind(owner_id)
    .push(")");
}

/// The node `n` belongs to a snapshot of `owner_id`.
fn owned_snapshot(sql: &mut Sql, owner_id: i64) {
    sql.push("(SELECT s.owner_id FROM snapshots s WHERE s.id = n.snapshot_id) = ")
        .bind(owner_id);
}

async fn sum(db: &impl ConnectionTrait, sql: Sql) -> Result<i64, FsError> {
    let row = db.query_one_raw(sql.statement()).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

//! `users.storage`: bytes charged to a user, changed in the same transaction as the rows it
//! accounts for. A charge is a conditional update, so concurrent writers can never push a
//! user past the limit.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::user;

use super::error::FsError;

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

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

//! Write transactions on one user's tree. SQLite serializes writers already; on PostgreSQL
//! the owner's `users` row is locked, so concurrent moves, renames and quota changes of one
//! user apply one after another (no cycles from crossing moves, exact quota).

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
};

use crate::db;

/// Begins a write transaction that owns `owner_id`'s tree until commit.
pub async fn begin(db: &DatabaseConnection, owner_id: i64) -> Result<DatabaseTransaction, DbErr> {
    let txn = db::begin_write(db).await?;
    lock_owner(&txn, owner_id).await?;
    Ok(txn)
}

/// Locks the owner's row on PostgreSQL (a no-op on SQLite, whose write lock is global).
pub async fn lock_owner(txn: &impl ConnectionTrait, owner_id: i64) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM users WHERE id = $1 FOR UPDATE",
            [owner_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// [`lock_owner`] for several owners in one statement, in the order of their ids, so that two
/// transactions locking overlapping sets wait for each other instead of deadlocking.
pub async fn lock_owners(txn: &impl ConnectionTrait, owner_ids: &[i64]) -> Result<(), DbErr> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let mut ids = owner_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT id FROM users WHERE id IN ({}) ORDER BY id FOR UPDATE",
            marks.join(", ")
        ),
        ids.into_iter().map(Into::into),
    ))
    .await?;
    Ok(())
}

//! Snapshots are a group permission (bit 20 of `groups.permissions`). A fresh install gives it
//! to the Admin (1) and User (2) groups at bootstrap; an install made before snapshots existed
//! gets it here, once, for the same two groups. Other groups stay as their administrator made
//! them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The bit `boolset::group_perm::SNAPSHOT` of the server.
const SNAPSHOT_BIT: usize = 20;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, permissions FROM groups WHERE id IN (1, 2)",
            ))
            .await?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let mut bits: Vec<u8> = row.try_get("", "permissions")?;
            let byte = SNAPSHOT_BIT / 8;
            if bits.len() <= byte {
                bits.resize(byte + 1, 0);
            }
            bits[byte] |= 1 << (SNAPSHOT_BIT % 8);
            let sql = match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => {
                    "UPDATE groups SET permissions = $1 WHERE id = $2"
                }
                _ => "UPDATE groups SET permissions = ? WHERE id = ?",
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(bits), Value::from(id)],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The permission stays: taking it back is an administrator's choice.
        Ok(())
    }
}

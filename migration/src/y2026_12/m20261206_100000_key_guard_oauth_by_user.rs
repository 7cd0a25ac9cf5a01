//! The guard against mass deletion keys an OAuth app by its client and its user: every user
//! who signs in to an app shares the client id, and one user's burst must not stop another's
//! app. An OAuth credential's id becomes `<client id>:<user id>` (`server/src/auth/caller.rs`);
//! this rewrites the rows recorded before under the bare client id, so an incident still open
//! keeps stopping (only) its user's app and its changes stay with it. `down` takes the suffix
//! off again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The guard's tables that name a credential.
const TABLES: &[&str] = &["guard_incidents", "guard_changes"];

/// The id of the row's user, as text.
const USER: &str = "CAST(user_id AS VARCHAR(20))";

async fn run(manager: &SchemaManager<'_>, sql: String) -> Result<(), DbErr> {
    let backend = manager.get_database_backend();
    manager
        .get_connection()
        .execute_raw(Statement::from_string(backend, sql))
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            // Table names are fixed words of this file, never input.
            run(
                manager,
                format!(
                    "UPDATE {table} SET cred_id = cred_id || ':' || {USER} \
                     WHERE cred_kind = 'oauth' AND cred_id NOT LIKE '%:%'"
                ),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            run(
                manager,
                format!(
                    "UPDATE {table} SET cred_id = \
                     SUBSTR(cred_id, 1, LENGTH(cred_id) - LENGTH({USER}) - 1) \
                     WHERE cred_kind = 'oauth' AND cred_id LIKE '%:' || {USER}"
                ),
            )
            .await?;
        }
        Ok(())
    }
}

//! On PostgreSQL, a statement trigger on `fs_changes` sends a `NOTIFY` on the channel
//! `stratus_fs_changes` with each transaction that appends to the journal. PostgreSQL
//! delivers it at commit (never for a rolled-back write, once per transaction however many
//! rows), so every instance's event dispatcher can read the journal as soon as a change is
//! visible instead of at its next poll. SQLite has one instance and no trigger is needed.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE OR REPLACE FUNCTION stratus_fs_changes_notify() RETURNS trigger AS $$ \
     BEGIN PERFORM pg_notify('stratus_fs_changes', ''); RETURN NULL; END \
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER fs_changes_notify AFTER INSERT ON fs_changes \
     FOR EACH STATEMENT EXECUTE FUNCTION stratus_fs_changes_notify()",
];

const DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS fs_changes_notify ON fs_changes",
    "DROP FUNCTION IF EXISTS stratus_fs_changes_notify()",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for sql in statements {
        db.execute_raw(Statement::from_string(DbBackend::Postgres, *sql))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}

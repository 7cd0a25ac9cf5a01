//! `fs_changes.actor_id`: who made a change, when it was a signed-in user's request (the owner
//! of the tree, or a recipient writing through a grant), so that an owner can tell who renamed,
//! moved or deleted in a folder shared with others. Not a foreign key, as `owner_id` is not:
//! the journal is pruned by age and outlives nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum FsChanges {
    Table,
    ActorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Once only: a database that has the column keeps it.
        if manager.has_column("fs_changes", "actor_id").await? {
            return Ok(());
        }
        manager
            .alter_table(
                Table::alter()
                    .table(FsChanges::Table)
                    .add_column(big_integer_null(FsChanges::ActorId))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FsChanges::Table)
                    .drop_column(FsChanges::ActorId)
                    .take(),
            )
            .await
    }
}

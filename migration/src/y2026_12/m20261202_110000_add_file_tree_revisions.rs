//! `files.tree_rev`: a folder's revision, raised in the same transaction as any change below
//! it (create, new content, delete, move in or out, rename, restore). A folder's ETag is made
//! from it, so a sync client that sees an unchanged ETag at the top skips the whole tree.
//! Files keep their ETag from their version; their `tree_rev` stays 0.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000002_create_files::Files;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TreeRevs {
    TreeRev,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Files::Table)
                    .add_column(big_integer(TreeRevs::TreeRev).default(0).take())
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Files::Table)
                    .drop_column(TreeRevs::TreeRev)
                    .take(),
            )
            .await
    }
}

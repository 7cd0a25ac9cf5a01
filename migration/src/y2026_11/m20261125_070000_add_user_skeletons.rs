//! Look-alike accounts: the UTS #39 skeletons of each account's e-mail address and nick, each
//! indexed (not unique: older rows may already read alike). The server computes them, so it
//! fills them for the rows that lack one at every start.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Skeletons {
    EmailSkeleton,
    NickSkeleton,
}

const INDEXES: [(&str, Skeletons); 2] = [
    ("idx_users_email_skeleton", Skeletons::EmailSkeleton),
    ("idx_users_nick_skeleton", Skeletons::NickSkeleton),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for (name, column) in INDEXES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(text_null(column))
                        .take(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Users::Table)
                        .col(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Users::Table).to_owned())
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}

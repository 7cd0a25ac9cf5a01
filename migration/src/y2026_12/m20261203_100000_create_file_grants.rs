//! Grants (`file_grants`): an owner gives one user or one group `read` or `write` access to a
//! folder or a file of their drive, without a link. Exactly one of `user_id` and `group_id` is
//! set; a (file, user) and a (file, group) pair hold one grant each. The recipient's look-ups
//! ("what was granted to me or my group") go by `user_id` and by `group_id`; a path's check
//! goes by `file_id`. Deleting the file, the owner, the recipient or the group deletes the
//! grant with it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::{Groups, Users},
    m20261122_000002_create_files::Files,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FileGrants {
    Table,
    OwnerId,
    FileId,
    UserId,
    GroupId,
    Access,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(FileGrants::Table)
                    .col(big_integer(FileGrants::OwnerId))
                    .col(big_integer(FileGrants::FileId))
                    .col(big_integer_null(FileGrants::UserId))
                    .col(big_integer_null(FileGrants::GroupId))
                    // `read` or `write`.
                    .col(string_len(FileGrants::Access, 16))
                    .foreign_key(&mut fk(
                        "fk_file_grants_owner",
                        FileGrants::Table,
                        FileGrants::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_file_grants_file",
                        FileGrants::Table,
                        FileGrants::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_file_grants_user",
                        FileGrants::Table,
                        FileGrants::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_file_grants_group",
                        FileGrants::Table,
                        FileGrants::GroupId,
                        Groups::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // One grant per (file, user) and per (file, group); the other column is NULL, and
        // NULLs never clash.
        for (name, col) in [
            ("uq_file_grants_file_id_user_id", FileGrants::UserId),
            ("uq_file_grants_file_id_group_id", FileGrants::GroupId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(FileGrants::Table)
                        .col(FileGrants::FileId)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        // What was granted to me, to my group.
        for (name, col) in [
            ("idx_file_grants_user_id", FileGrants::UserId),
            ("idx_file_grants_group_id", FileGrants::GroupId),
            ("idx_file_grants_owner_id", FileGrants::OwnerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(FileGrants::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![FileGrants::Table.into_iden()]).await
    }
}

//! The file change journal and the event subscriptions that read it.
//!
//! `fs_changes` is append-only: each row is written in the same transaction as the change it
//! describes, so the journal never reports a change that was rolled back nor misses one that
//! was committed. Its id orders the log; subscribers remember the last id they were sent
//! (`fs_subscriptions.cursor_id`), so a stream can resume after a disconnect, a restart, or on
//! another instance sharing the database.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{Common, base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
    m20261122_000002_create_files::Files,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FsChanges {
    Table,
    OwnerId,
    FileId,
    Kind,
    FromPath,
    ToPath,
    IsFolder,
    ClientId,
}

#[derive(DeriveIden)]
enum FsSubscriptions {
    Table,
    UserId,
    FolderId,
    ClientId,
    CursorId,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: the journal outlives the files it mentions, and the retention job
        // prunes it by age.
        manager
            .create_table(
                Table::create()
                    .table(FsChanges::Table)
                    .col(big_pk_auto(Common::Id))
                    .col(big_integer(FsChanges::OwnerId))
                    .col(big_integer(FsChanges::FileId))
                    .col(small_integer(FsChanges::Kind))
                    .col(text(FsChanges::FromPath))
                    .col(text_null(FsChanges::ToPath))
                    .col(boolean(FsChanges::IsFolder))
                    .col(string_len_null(FsChanges::ClientId, 36))
                    .col(timestamp_with_time_zone_default_now(Common::CreatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                base_table(FsSubscriptions::Table)
                    .col(big_integer(FsSubscriptions::UserId))
                    .col(big_integer(FsSubscriptions::FolderId))
                    .col(string_len(FsSubscriptions::ClientId, 36))
                    .col(big_integer(FsSubscriptions::CursorId))
                    .col(timestamp_with_time_zone(FsSubscriptions::LastSeenAt))
                    .foreign_key(&mut fk(
                        "fk_fs_subscriptions_user_id",
                        FsSubscriptions::Table,
                        FsSubscriptions::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_fs_subscriptions_folder_id",
                        FsSubscriptions::Table,
                        FsSubscriptions::FolderId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        let indexes = [
            // The stream reads one owner's rows after a cursor.
            Index::create()
                .name("idx_fs_changes_owner_id_id")
                .table(FsChanges::Table)
                .col(FsChanges::OwnerId)
                .col(Common::Id)
                .take(),
            // Retention deletes by age.
            Index::create()
                .name("idx_fs_changes_created_at")
                .table(FsChanges::Table)
                .col(Common::CreatedAt)
                .take(),
            Index::create()
                .name("uq_fs_subscriptions_user_folder_client")
                .table(FsSubscriptions::Table)
                .col(FsSubscriptions::UserId)
                .col(FsSubscriptions::FolderId)
                .col(FsSubscriptions::ClientId)
                .unique()
                .take(),
            Index::create()
                .name("idx_fs_subscriptions_folder_id")
                .table(FsSubscriptions::Table)
                .col(FsSubscriptions::FolderId)
                .take(),
            Index::create()
                .name("idx_fs_subscriptions_last_seen_at")
                .table(FsSubscriptions::Table)
                .col(FsSubscriptions::LastSeenAt)
                .take(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                FsSubscriptions::Table.into_iden(),
                FsChanges::Table.into_iden(),
            ],
        )
        .await
    }
}

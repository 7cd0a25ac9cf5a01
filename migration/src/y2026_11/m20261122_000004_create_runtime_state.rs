//! State shared between instances: task queue, key/value store, locks, upload sessions, and the
//! audit log.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Common, base_table, drop_tables, fk, soft_delete_table};
use crate::m20261122_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Tasks {
    Table,
    Type,
    Status,
    PublicState,
    PrivateState,
    CorrelationId,
    UserId,
    ClaimedBy,
    RunAt,
}

#[derive(DeriveIden)]
pub(crate) enum Kv {
    Table,
    Key,
    Kind,
    Value,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub(crate) enum Locks {
    Table,
    Token,
    OwnerId,
    FileId,
    Uri,
    Depth,
    Scope,
    OwnerInfo,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub(crate) enum UploadSessions {
    Table,
    SessionId,
    UserId,
    FileId,
    EntityId,
    Uri,
    Size,
    ChunkSize,
    StoragePolicyId,
    Props,
    ExpiresAt,
}

#[derive(DeriveIden)]
pub(crate) enum Events {
    Table,
    Type,
    UserId,
    Ip,
    UserAgent,
    CorrelationId,
    Content,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                soft_delete_table(Tasks::Table)
                    .col(string(Tasks::Type))
                    .col(string(Tasks::Status).default("queued"))
                    .col(json_binary(Tasks::PublicState))
                    .col(text(Tasks::PrivateState).default(""))
                    .col(string_null(Tasks::CorrelationId))
                    .col(big_integer_null(Tasks::UserId))
                    .col(string_null(Tasks::ClaimedBy))
                    .col(timestamp_with_time_zone_null(Tasks::RunAt))
                    .foreign_key(&mut fk(
                        "fk_tasks_user_id",
                        Tasks::Table,
                        Tasks::UserId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                base_table(Kv::Table)
                    .col(string(Kv::Key))
                    .col(string(Kv::Kind))
                    .col(text(Kv::Value))
                    .col(timestamp_with_time_zone_null(Kv::ExpiresAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                base_table(Locks::Table)
                    .col(string(Locks::Token))
                    .col(big_integer(Locks::OwnerId))
                    .col(big_integer_null(Locks::FileId))
                    .col(text(Locks::Uri))
                    .col(small_integer(Locks::Depth).default(0))
                    .col(string(Locks::Scope).default("exclusive"))
                    .col(text_null(Locks::OwnerInfo))
                    .col(timestamp_with_time_zone(Locks::ExpiresAt))
                    .foreign_key(&mut fk(
                        "fk_locks_owner_id",
                        Locks::Table,
                        Locks::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                base_table(UploadSessions::Table)
                    .col(string(UploadSessions::SessionId))
                    .col(big_integer(UploadSessions::UserId))
                    .col(big_integer_null(UploadSessions::FileId))
                    .col(big_integer_null(UploadSessions::EntityId))
                    .col(text(UploadSessions::Uri))
                    .col(big_integer(UploadSessions::Size))
                    .col(big_integer(UploadSessions::ChunkSize))
                    .col(big_integer(UploadSessions::StoragePolicyId))
                    .col(json_binary(UploadSessions::Props))
                    .col(timestamp_with_time_zone(UploadSessions::ExpiresAt))
                    .foreign_key(&mut fk(
                        "fk_upload_sessions_user_id",
                        UploadSessions::Table,
                        UploadSessions::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;

        // Append-only audit log: no updated_at / deleted_at, and no FK on user_id so events
        // outlive the users they mention.
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Common::Id))
                    .col(integer(Events::Type))
                    .col(big_integer_null(Events::UserId))
                    .col(string_null(Events::Ip))
                    .col(text_null(Events::UserAgent))
                    .col(string_null(Events::CorrelationId))
                    .col(json_binary_null(Events::Content))
                    .col(timestamp_with_time_zone_default_now(Common::CreatedAt))
                    .take(),
            )
            .await?;

        let indexes = [
            // Queue polling: `status = 'queued' AND (run_at IS NULL OR run_at <= now)`.
            Index::create()
                .name("idx_tasks_status_run_at")
                .table(Tasks::Table)
                .col(Tasks::Status)
                .col(Tasks::RunAt)
                .take(),
            Index::create()
                .name("idx_tasks_user_id_type")
                .table(Tasks::Table)
                .col(Tasks::UserId)
                .col(Tasks::Type)
                .take(),
            Index::create()
                .name("uq_kv_key")
                .table(Kv::Table)
                .col(Kv::Key)
                .unique()
                .take(),
            Index::create()
                .name("idx_kv_expires_at")
                .table(Kv::Table)
                .col(Kv::ExpiresAt)
                .take(),
            Index::create()
                .name("uq_locks_token")
                .table(Locks::Table)
                .col(Locks::Token)
                .unique()
                .take(),
            Index::create()
                .name("idx_locks_uri")
                .table(Locks::Table)
                .col(Locks::Uri)
                .take(),
            // Lock lookups and the owner's cascade delete stay within one user's locks.
            Index::create()
                .name("idx_locks_owner_id")
                .table(Locks::Table)
                .col(Locks::OwnerId)
                .take(),
            Index::create()
                .name("idx_locks_expires_at")
                .table(Locks::Table)
                .col(Locks::ExpiresAt)
                .take(),
            Index::create()
                .name("uq_upload_sessions_session_id")
                .table(UploadSessions::Table)
                .col(UploadSessions::SessionId)
                .unique()
                .take(),
            Index::create()
                .name("idx_upload_sessions_expires_at")
                .table(UploadSessions::Table)
                .col(UploadSessions::ExpiresAt)
                .take(),
            Index::create()
                .name("idx_upload_sessions_user_id")
                .table(UploadSessions::Table)
                .col(UploadSessions::UserId)
                .take(),
            Index::create()
                .name("idx_events_created_at")
                .table(Events::Table)
                .col(Common::CreatedAt)
                .take(),
            Index::create()
                .name("idx_events_user_id_created_at")
                .table(Events::Table)
                .col(Events::UserId)
                .col(Common::CreatedAt)
                .take(),
            Index::create()
                .name("idx_events_type")
                .table(Events::Table)
                .col(Events::Type)
                .take(),
            // Sign-in throttling counts recent failures per client address.
            Index::create()
                .name("idx_events_ip_created_at")
                .table(Events::Table)
                .col(Events::Ip)
                .col(Common::CreatedAt)
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
                Events::Table.into_iden(),
                UploadSessions::Table.into_iden(),
                Locks::Table.into_iden(),
                Kv::Table.into_iden(),
                Tasks::Table.into_iden(),
            ],
        )
        .await
    }
}

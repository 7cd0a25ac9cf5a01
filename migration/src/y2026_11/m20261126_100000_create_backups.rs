//! Backups: the storage targets backups are written to, the backup tasks (what, where, when,
//! how long to keep), and one record per run with its counters and log.
//!
//! A record's `target_id` is kept apart from its task's: a record describes what is on a
//! target, and deleting a task does not delete its backups (`task_id` becomes NULL). Deleting
//! a target is refused while a task uses it; its records go with it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Common, base_table, drop_tables, fk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum BackupTargets {
    Table,
    Name,
    Type,
    Settings,
    Starred,
}

#[derive(DeriveIden)]
pub(crate) enum BackupTasks {
    Table,
    Name,
    Kind,
    Source,
    TargetId,
    Schedule,
    KeepLast,
    KeepDays,
    Enabled,
    Encrypt,
    Recipient,
    LastRunAt,
    NextRunAt,
}

#[derive(DeriveIden)]
pub(crate) enum BackupRecords {
    Table,
    TaskId,
    TargetId,
    Status,
    Trigger,
    Files,
    Size,
    NewBytes,
    StartedAt,
    FinishedAt,
    Error,
    Log,
    Name,
    QueueTaskId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(BackupTargets::Table)
                    .col(string(BackupTargets::Name))
                    .col(string(BackupTargets::Type))
                    .col(json_binary(BackupTargets::Settings))
                    .col(boolean(BackupTargets::Starred).default(false))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                base_table(BackupTasks::Table)
                    .col(string(BackupTasks::Name))
                    .col(string(BackupTasks::Kind))
                    .col(json_binary(BackupTasks::Source))
                    .col(big_integer(BackupTasks::TargetId))
                    .col(string(BackupTasks::Schedule).default(""))
                    .col(integer(BackupTasks::KeepLast).default(0))
                    .col(integer(BackupTasks::KeepDays).default(0))
                    .col(boolean(BackupTasks::Enabled).default(true))
                    .col(boolean(BackupTasks::Encrypt).default(false))
                    .col(text_null(BackupTasks::Recipient))
                    .col(timestamp_with_time_zone_null(BackupTasks::LastRunAt))
                    .col(timestamp_with_time_zone_null(BackupTasks::NextRunAt))
                    .foreign_key(&mut fk(
                        "fk_backup_tasks_target_id",
                        BackupTasks::Table,
                        BackupTasks::TargetId,
                        BackupTargets::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BackupRecords::Table)
                    .col(big_pk_auto(Common::Id))
                    .col(timestamp_with_time_zone_default_now(Common::CreatedAt))
                    .col(big_integer_null(BackupRecords::TaskId))
                    .col(big_integer(BackupRecords::TargetId))
                    .col(string(BackupRecords::Status).default("queued"))
                    .col(string(BackupRecords::Trigger).default("manual"))
                    .col(big_integer(BackupRecords::Files).default(0))
                    .col(big_integer(BackupRecords::Size).default(0))
                    .col(big_integer(BackupRecords::NewBytes).default(0))
                    .col(timestamp_with_time_zone_null(BackupRecords::StartedAt))
                    .col(timestamp_with_time_zone_null(BackupRecords::FinishedAt))
                    .col(text_null(BackupRecords::Error))
                    .col(text(BackupRecords::Log).default(""))
                    .col(string(BackupRecords::Name))
                    .col(big_integer_null(BackupRecords::QueueTaskId))
                    .foreign_key(&mut fk(
                        "fk_backup_records_task_id",
                        BackupRecords::Table,
                        BackupRecords::TaskId,
                        BackupTasks::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "fk_backup_records_target_id",
                        BackupRecords::Table,
                        BackupRecords::TargetId,
                        BackupTargets::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;

        let indexes = [
            Index::create()
                .name("idx_backup_tasks_target_id")
                .table(BackupTasks::Table)
                .col(BackupTasks::TargetId)
                .take(),
            Index::create()
                .name("idx_backup_records_task_id_status")
                .table(BackupRecords::Table)
                .col(BackupRecords::TaskId)
                .col(BackupRecords::Status)
                .take(),
            Index::create()
                .name("idx_backup_records_target_id")
                .table(BackupRecords::Table)
                .col(BackupRecords::TargetId)
                .take(),
            // A record's folder name is unique on its target.
            Index::create()
                .name("idx_backup_records_target_id_name")
                .table(BackupRecords::Table)
                .col(BackupRecords::TargetId)
                .col(BackupRecords::Name)
                .unique()
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
                BackupRecords::Table.into_iden(),
                BackupTasks::Table.into_iden(),
                BackupTargets::Table.into_iden(),
            ],
        )
        .await
    }
}

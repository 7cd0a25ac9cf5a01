//! The guard against mass deletion and ransomware (`server/src/guard/`): `guard_changes`, the
//! recent destructive changes of each credential (the burst window is a sum over it, so every
//! instance on one database counts the same rows), and `guard_incidents`, a credential stopped
//! after too many of them, with what undo brought back.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GuardChanges {
    Table,
    UserId,
    CredKind,
    CredId,
    CredName,
    At,
    Weight,
    Action,
    FileId,
    Path,
    OldName,
    PreviousEntityId,
    IncidentId,
}

#[derive(DeriveIden)]
enum GuardIncidents {
    Table,
    UserId,
    CredKind,
    CredId,
    CredName,
    StartedAt,
    TrippedAt,
    LastAt,
    Deleted,
    Overwritten,
    Renamed,
    State,
    UndoTaskId,
    Result,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(GuardIncidents::Table)
                    .col(big_integer(GuardIncidents::UserId))
                    .col(string_len(GuardIncidents::CredKind, 16))
                    .col(string_len(GuardIncidents::CredId, 64))
                    .col(string_len(GuardIncidents::CredName, 255))
                    .col(timestamp_with_time_zone(GuardIncidents::StartedAt))
                    .col(timestamp_with_time_zone(GuardIncidents::TrippedAt))
                    .col(timestamp_with_time_zone(GuardIncidents::LastAt))
                    .col(integer(GuardIncidents::Deleted).default(0))
                    .col(integer(GuardIncidents::Overwritten).default(0))
                    .col(integer(GuardIncidents::Renamed).default(0))
                    // open, undoing, undone, released
                    .col(string_len(GuardIncidents::State, 16))
                    .col(big_integer_null(GuardIncidents::UndoTaskId))
                    // {restored: [paths], skipped: [{path, reason}]} once undone.
                    .col(json_binary_null(GuardIncidents::Result))
                    .foreign_key(&mut fk(
                        "fk_guard_incidents_user",
                        GuardIncidents::Table,
                        GuardIncidents::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guard_incidents_credential")
                    .table(GuardIncidents::Table)
                    .col(GuardIncidents::CredKind)
                    .col(GuardIncidents::CredId)
                    .col(GuardIncidents::State)
                    .to_owned(),
            )
            .await?;
        // At most one incident stops a credential: requests of one client that trip at once
        // race to insert, and the database picks the one that stays (a partial index, which
        // the index builder cannot express; both SQLite and PostgreSQL take this text).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_guard_incidents_one_open ON guard_incidents \
                 (cred_kind, cred_id) WHERE state IN ('open', 'undoing')",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guard_incidents_user")
                    .table(GuardIncidents::Table)
                    .col(GuardIncidents::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                base_table(GuardChanges::Table)
                    .col(big_integer(GuardChanges::UserId))
                    .col(string_len(GuardChanges::CredKind, 16))
                    .col(string_len(GuardChanges::CredId, 64))
                    .col(string_len(GuardChanges::CredName, 255))
                    .col(timestamp_with_time_zone(GuardChanges::At))
                    .col(integer(GuardChanges::Weight))
                    // delete, overwrite, rename
                    .col(string_len(GuardChanges::Action, 16))
                    // The file (a trashed file keeps its row and id).
                    .col(big_integer_null(GuardChanges::FileId))
                    .col(text(GuardChanges::Path))
                    // A rename's name before it.
                    .col(text_null(GuardChanges::OldName))
                    // An overwrite's version before it, which undo makes current again.
                    .col(big_integer_null(GuardChanges::PreviousEntityId))
                    .col(big_integer_null(GuardChanges::IncidentId))
                    .foreign_key(&mut fk(
                        "fk_guard_changes_user",
                        GuardChanges::Table,
                        GuardChanges::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guard_changes_credential_at")
                    .table(GuardChanges::Table)
                    .col(GuardChanges::CredKind)
                    .col(GuardChanges::CredId)
                    .col(GuardChanges::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guard_changes_incident")
                    .table(GuardChanges::Table)
                    .col(GuardChanges::IncidentId)
                    .to_owned(),
            )
            .await?;
        // Trimming a file's versions asks which of them a recent overwrite replaced.
        manager
            .create_index(
                Index::create()
                    .name("idx_guard_changes_previous_entity")
                    .table(GuardChanges::Table)
                    .col(GuardChanges::PreviousEntityId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                GuardChanges::Table.into_iden(),
                GuardIncidents::Table.into_iden(),
            ],
        )
        .await
    }
}

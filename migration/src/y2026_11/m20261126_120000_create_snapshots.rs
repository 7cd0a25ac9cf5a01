//! Snapshots: a folder tree as it was at one instant, kept as rows (`snapshot_nodes`) that name
//! the blobs of the files' current versions. Each node with a blob holds one reference on its
//! entity (`entities.reference_count`), so no byte is copied and the recycler keeps the blob
//! until the snapshot is deleted. `snapshot_schedules` takes snapshots periodically.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Common, base_table, drop_tables, fk};
use crate::m20261122_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Snapshots {
    Table,
    OwnerId,
    RootFileId,
    Uri,
    Name,
    Description,
    Status,
    Files,
    Folders,
    Size,
    ScheduleId,
    Error,
}

#[derive(DeriveIden)]
pub(crate) enum SnapshotNodes {
    Table,
    SnapshotId,
    NodeId,
    ParentNodeId,
    Type,
    Name,
    Size,
    EntityId,
    CreatedAt,
    UpdatedAt,
    Metadata,
}

#[derive(DeriveIden)]
pub(crate) enum SnapshotSchedules {
    Table,
    OwnerId,
    RootFileId,
    Uri,
    Every,
    Keep,
    LastTakenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(SnapshotSchedules::Table)
                    .col(big_integer(SnapshotSchedules::OwnerId))
                    .col(big_integer(SnapshotSchedules::RootFileId))
                    .col(text(SnapshotSchedules::Uri))
                    .col(string(SnapshotSchedules::Every))
                    .col(integer(SnapshotSchedules::Keep))
                    .col(timestamp_with_time_zone_null(
                        SnapshotSchedules::LastTakenAt,
                    ))
                    .foreign_key(&mut fk(
                        "fk_snapshot_schedules_owner_id",
                        SnapshotSchedules::Table,
                        SnapshotSchedules::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                base_table(Snapshots::Table)
                    .col(big_integer(Snapshots::OwnerId))
                    // The live folder the snapshot was taken of; not a foreign key, since the
                    // folder may be deleted while its snapshots stay.
                    .col(big_integer(Snapshots::RootFileId))
                    .col(text(Snapshots::Uri))
                    .col(string(Snapshots::Name))
                    .col(text(Snapshots::Description).default(""))
                    .col(string(Snapshots::Status))
                    .col(big_integer(Snapshots::Files).default(0))
                    .col(big_integer(Snapshots::Folders).default(0))
                    .col(big_integer(Snapshots::Size).default(0))
                    .col(big_integer_null(Snapshots::ScheduleId))
                    .col(text_null(Snapshots::Error))
                    .foreign_key(&mut fk(
                        "fk_snapshots_owner_id",
                        Snapshots::Table,
                        Snapshots::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_snapshots_schedule_id",
                        Snapshots::Table,
                        Snapshots::ScheduleId,
                        SnapshotSchedules::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SnapshotNodes::Table)
                    .col(big_integer(SnapshotNodes::SnapshotId))
                    // The id the node's file had when the snapshot was taken: unique within
                    // one snapshot, and the key `cloudreve://<id>@snapshot` paths resolve to.
                    .col(big_integer(SnapshotNodes::NodeId))
                    .col(big_integer_null(SnapshotNodes::ParentNodeId))
                    .col(small_integer(SnapshotNodes::Type))
                    .col(string(SnapshotNodes::Name))
                    .col(big_integer(SnapshotNodes::Size).default(0))
                    // The blob of the file's current version, referenced once by this node.
                    .col(big_integer_null(SnapshotNodes::EntityId))
                    .col(timestamp_with_time_zone(SnapshotNodes::CreatedAt))
                    .col(timestamp_with_time_zone(SnapshotNodes::UpdatedAt))
                    // The file's metadata as `{name: value}`.
                    .col(json_binary_null(SnapshotNodes::Metadata))
                    .primary_key(
                        Index::create()
                            .col(SnapshotNodes::SnapshotId)
                            .col(SnapshotNodes::NodeId),
                    )
                    .foreign_key(&mut fk(
                        "fk_snapshot_nodes_snapshot_id",
                        SnapshotNodes::Table,
                        SnapshotNodes::SnapshotId,
                        Snapshots::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_snapshots_owner_root")
                .table(Snapshots::Table)
                .col(Snapshots::OwnerId)
                .col(Snapshots::RootFileId)
                .col(Common::Id)
                .take(),
            Index::create()
                .name("uq_snapshot_nodes_parent_name")
                .table(SnapshotNodes::Table)
                .col(SnapshotNodes::SnapshotId)
                .col(SnapshotNodes::ParentNodeId)
                .col(SnapshotNodes::Name)
                .unique()
                .take(),
            Index::create()
                .name("idx_snapshot_nodes_entity_id")
                .table(SnapshotNodes::Table)
                .col(SnapshotNodes::EntityId)
                .take(),
            Index::create()
                .name("idx_snapshot_schedules_owner")
                .table(SnapshotSchedules::Table)
                .col(SnapshotSchedules::OwnerId)
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
                SnapshotNodes::Table.into_iden(),
                Snapshots::Table.into_iden(),
                SnapshotSchedules::Table.into_iden(),
            ],
        )
        .await
    }
}

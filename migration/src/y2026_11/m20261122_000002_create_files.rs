//! The file tree: files, entities (blobs), the file ↔ entity join table and metadata.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Common, base_table, drop_tables, fk, soft_delete_table};
use crate::m20261122_000001_create_accounts::{StoragePolicies, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Files {
    Table,
    Type,
    Name,
    OwnerId,
    Size,
    PrimaryEntity,
    ParentId,
    IsSymbolic,
    Props,
    StoragePolicyId,
}

#[derive(DeriveIden)]
pub(crate) enum Entities {
    Table,
    Type,
    Source,
    Size,
    ReferenceCount,
    StoragePolicyId,
    CreatedBy,
    UploadSessionId,
    RecycleOptions,
}

#[derive(DeriveIden)]
pub(crate) enum FileEntities {
    Table,
    FileId,
    EntityId,
}

#[derive(DeriveIden)]
pub(crate) enum Metadata {
    Table,
    Name,
    Value,
    FileId,
    IsPublic,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                soft_delete_table(Files::Table)
                    .col(small_integer(Files::Type))
                    .col(string(Files::Name))
                    .col(big_integer(Files::OwnerId))
                    .col(big_integer(Files::Size).default(0))
                    // Points at `entities.id`; no FK (entities are created after files, and the
                    // pointer would make the two tables mutually dependent).
                    .col(big_integer_null(Files::PrimaryEntity))
                    .col(big_integer_null(Files::ParentId))
                    .col(boolean(Files::IsSymbolic).default(false))
                    .col(json_binary_null(Files::Props))
                    .col(big_integer_null(Files::StoragePolicyId))
                    .foreign_key(&mut fk(
                        "fk_files_owner_id",
                        Files::Table,
                        Files::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    // NO ACTION (not RESTRICT) so a whole subtree can be deleted in one statement:
                    // the check runs at the end of the statement.
                    .foreign_key(&mut fk(
                        "fk_files_parent_id",
                        Files::Table,
                        Files::ParentId,
                        Files::Table,
                        ForeignKeyAction::NoAction,
                    ))
                    .foreign_key(&mut fk(
                        "fk_files_storage_policy_id",
                        Files::Table,
                        Files::StoragePolicyId,
                        StoragePolicies::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        let file_indexes = [
            Index::create()
                .name("uq_files_parent_id_name")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Name)
                .unique()
                .take(),
            Index::create()
                .name("idx_files_parent_type_name")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Type)
                .col(Files::Name)
                .col(Common::Id)
                .take(),
            Index::create()
                .name("idx_files_parent_type_size")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Type)
                .col(Files::Size)
                .col(Common::Id)
                .take(),
            Index::create()
                .name("idx_files_parent_type_updated_at")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Type)
                .col(Common::UpdatedAt)
                .col(Common::Id)
                .take(),
            Index::create()
                .name("idx_files_parent_type_created_at")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Type)
                .col(Common::CreatedAt)
                .col(Common::Id)
                .take(),
            // Counting a folder's live children (offset pagination) from the index alone.
            Index::create()
                .name("idx_files_parent_type_deleted_at")
                .table(Files::Table)
                .col(Files::ParentId)
                .col(Files::Type)
                .col(Common::DeletedAt)
                .take(),
            Index::create()
                .name("idx_files_owner_parent")
                .table(Files::Table)
                .col(Files::OwnerId)
                .col(Files::ParentId)
                .take(),
        ];
        for index in file_indexes {
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                soft_delete_table(Entities::Table)
                    .col(small_integer(Entities::Type))
                    .col(text(Entities::Source))
                    .col(big_integer(Entities::Size).default(0))
                    .col(integer(Entities::ReferenceCount).default(1))
                    .col(big_integer(Entities::StoragePolicyId))
                    .col(big_integer_null(Entities::CreatedBy))
                    .col(string_null(Entities::UploadSessionId))
                    .col(json_binary_null(Entities::RecycleOptions))
                    .foreign_key(&mut fk(
                        "fk_entities_storage_policy_id",
                        Entities::Table,
                        Entities::StoragePolicyId,
                        StoragePolicies::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_entities_created_by",
                        Entities::Table,
                        Entities::CreatedBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        let entity_indexes = [
            Index::create()
                .name("idx_entities_source")
                .table(Entities::Table)
                .col(Entities::Source)
                .take(),
            // The recycling routine looks for `reference_count = 0` ordered by age.
            Index::create()
                .name("idx_entities_reference_count_updated_at")
                .table(Entities::Table)
                .col(Entities::ReferenceCount)
                .col(Common::UpdatedAt)
                .take(),
            Index::create()
                .name("idx_entities_upload_session_id")
                .table(Entities::Table)
                .col(Entities::UploadSessionId)
                .take(),
            // "Is this policy still in use?" and the RESTRICT check on policy deletion.
            Index::create()
                .name("idx_entities_storage_policy_id")
                .table(Entities::Table)
                .col(Entities::StoragePolicyId)
                .take(),
        ];
        for index in entity_indexes {
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(FileEntities::Table)
                    .col(big_integer(FileEntities::FileId))
                    .col(big_integer(FileEntities::EntityId))
                    .primary_key(
                        Index::create()
                            .name("pk_file_entities")
                            .col(FileEntities::FileId)
                            .col(FileEntities::EntityId),
                    )
                    .foreign_key(&mut fk(
                        "fk_file_entities_file_id",
                        FileEntities::Table,
                        FileEntities::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_file_entities_entity_id",
                        FileEntities::Table,
                        FileEntities::EntityId,
                        Entities::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // The primary key covers lookups by file; this one covers "which files use this blob".
        manager
            .create_index(
                Index::create()
                    .name("idx_file_entities_entity_id")
                    .table(FileEntities::Table)
                    .col(FileEntities::EntityId)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                base_table(Metadata::Table)
                    .col(string(Metadata::Name))
                    .col(text(Metadata::Value))
                    .col(big_integer(Metadata::FileId))
                    .col(boolean(Metadata::IsPublic).default(false))
                    .foreign_key(&mut fk(
                        "fk_metadata_file_id",
                        Metadata::Table,
                        Metadata::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_metadata_file_id_name")
                    .table(Metadata::Table)
                    .col(Metadata::FileId)
                    .col(Metadata::Name)
                    .unique()
                    .take(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Metadata::Table.into_iden(),
                FileEntities::Table.into_iden(),
                Entities::Table.into_iden(),
                Files::Table.into_iden(),
            ],
        )
        .await
    }
}

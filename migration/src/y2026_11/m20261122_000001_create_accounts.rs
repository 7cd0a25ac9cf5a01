//! Nodes, storage policies, groups and users.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{drop_tables, fk, soft_delete_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Nodes {
    Table,
    Status,
    Name,
    Type,
    Server,
    SlaveKey,
    Capabilities,
    Settings,
    Weight,
}

#[derive(DeriveIden)]
pub(crate) enum StoragePolicies {
    Table,
    Name,
    Type,
    Server,
    BucketName,
    IsPrivate,
    AccessKey,
    SecretKey,
    MaxSize,
    DirNameRule,
    FileNameRule,
    Settings,
    NodeId,
}

#[derive(DeriveIden)]
pub(crate) enum Groups {
    Table,
    Name,
    MaxStorage,
    SpeedLimit,
    Permissions,
    Settings,
    StoragePolicyId,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Email,
    Nick,
    Password,
    Status,
    Storage,
    TwoFactorSecret,
    Avatar,
    Settings,
    GroupId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                soft_delete_table(Nodes::Table)
                    .col(string(Nodes::Status).default("active"))
                    .col(string(Nodes::Name))
                    .col(string(Nodes::Type))
                    .col(string(Nodes::Server).default(""))
                    .col(string(Nodes::SlaveKey).default(""))
                    .col(blob(Nodes::Capabilities))
                    .col(json_binary(Nodes::Settings))
                    .col(integer(Nodes::Weight).default(1))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(StoragePolicies::Table)
                    .col(string(StoragePolicies::Name))
                    .col(string(StoragePolicies::Type))
                    .col(string(StoragePolicies::Server).default(""))
                    .col(string(StoragePolicies::BucketName).default(""))
                    .col(boolean(StoragePolicies::IsPrivate).default(false))
                    .col(string(StoragePolicies::AccessKey).default(""))
                    .col(string(StoragePolicies::SecretKey).default(""))
                    .col(big_integer(StoragePolicies::MaxSize).default(0))
                    .col(string(StoragePolicies::DirNameRule).default(""))
                    .col(string(StoragePolicies::FileNameRule).default(""))
                    .col(json_binary(StoragePolicies::Settings))
                    .col(big_integer_null(StoragePolicies::NodeId))
                    .foreign_key(&mut fk(
                        "fk_storage_policies_node_id",
                        StoragePolicies::Table,
                        StoragePolicies::NodeId,
                        Nodes::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(Groups::Table)
                    .col(string(Groups::Name))
                    .col(big_integer(Groups::MaxStorage).default(0))
                    .col(big_integer(Groups::SpeedLimit).default(0))
                    .col(blob(Groups::Permissions))
                    .col(json_binary(Groups::Settings))
                    .col(big_integer_null(Groups::StoragePolicyId))
                    .foreign_key(&mut fk(
                        "fk_groups_storage_policy_id",
                        Groups::Table,
                        Groups::StoragePolicyId,
                        StoragePolicies::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(Users::Table)
                    .col(string_len(Users::Email, 100))
                    .col(string_len(Users::Nick, 100))
                    .col(text_null(Users::Password))
                    .col(string(Users::Status).default("active"))
                    .col(big_integer(Users::Storage).default(0))
                    .col(string_null(Users::TwoFactorSecret))
                    .col(string_null(Users::Avatar))
                    .col(json_binary(Users::Settings))
                    .col(big_integer(Users::GroupId))
                    .foreign_key(&mut fk(
                        "fk_users_group_id",
                        Users::Table,
                        Users::GroupId,
                        Groups::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_users_email")
                    .table(Users::Table)
                    .col(Users::Email)
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_group_id")
                    .table(Users::Table)
                    .col(Users::GroupId)
                    .take(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Users::Table.into_iden(),
                Groups::Table.into_iden(),
                StoragePolicies::Table.into_iden(),
                Nodes::Table.into_iden(),
            ],
        )
        .await
    }
}

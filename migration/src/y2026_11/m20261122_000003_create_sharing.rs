//! Shares, direct links, WebDAV accounts and passkeys.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{Common, drop_tables, fk, soft_delete_table};
use crate::m20261122_000001_create_accounts::Users;
use crate::m20261122_000002_create_files::Files;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Shares {
    Table,
    Password,
    Views,
    Downloads,
    Expires,
    RemainDownloads,
    Props,
    FileId,
    UserId,
}

#[derive(DeriveIden)]
pub(crate) enum DirectLinks {
    Table,
    Name,
    Downloads,
    FileId,
    Speed,
}

#[derive(DeriveIden)]
pub(crate) enum DavAccounts {
    Table,
    Name,
    Uri,
    Password,
    Options,
    Props,
    OwnerId,
}

#[derive(DeriveIden)]
pub(crate) enum Passkeys {
    Table,
    UserId,
    CredentialId,
    Name,
    Credential,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                soft_delete_table(Shares::Table)
                    .col(string_null(Shares::Password))
                    .col(big_integer(Shares::Views).default(0))
                    .col(big_integer(Shares::Downloads).default(0))
                    .col(timestamp_with_time_zone_null(Shares::Expires))
                    .col(big_integer_null(Shares::RemainDownloads))
                    .col(json_binary_null(Shares::Props))
                    .col(big_integer(Shares::FileId))
                    .col(big_integer(Shares::UserId))
                    .foreign_key(&mut fk(
                        "fk_shares_file_id",
                        Shares::Table,
                        Shares::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_shares_user_id",
                        Shares::Table,
                        Shares::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shares_user_id_id")
                    .table(Shares::Table)
                    .col(Shares::UserId)
                    .col(Common::Id)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shares_file_id")
                    .table(Shares::Table)
                    .col(Shares::FileId)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(DirectLinks::Table)
                    .col(string(DirectLinks::Name))
                    .col(big_integer(DirectLinks::Downloads).default(0))
                    .col(big_integer(DirectLinks::FileId))
                    .col(big_integer(DirectLinks::Speed).default(0))
                    .foreign_key(&mut fk(
                        "fk_direct_links_file_id",
                        DirectLinks::Table,
                        DirectLinks::FileId,
                        Files::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_direct_links_file_id")
                    .table(DirectLinks::Table)
                    .col(DirectLinks::FileId)
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(DavAccounts::Table)
                    .col(string(DavAccounts::Name))
                    .col(text(DavAccounts::Uri))
                    .col(string(DavAccounts::Password))
                    .col(blob(DavAccounts::Options))
                    .col(json_binary_null(DavAccounts::Props))
                    .col(big_integer(DavAccounts::OwnerId))
                    .foreign_key(&mut fk(
                        "fk_dav_accounts_owner_id",
                        DavAccounts::Table,
                        DavAccounts::OwnerId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // Leading `owner_id` also serves "list this user's accounts"; no separate index needed.
        manager
            .create_index(
                Index::create()
                    .name("uq_dav_accounts_owner_id_password")
                    .table(DavAccounts::Table)
                    .col(DavAccounts::OwnerId)
                    .col(DavAccounts::Password)
                    .unique()
                    .take(),
            )
            .await?;

        manager
            .create_table(
                soft_delete_table(Passkeys::Table)
                    .col(big_integer(Passkeys::UserId))
                    .col(string(Passkeys::CredentialId))
                    .col(string(Passkeys::Name))
                    .col(text(Passkeys::Credential))
                    .col(timestamp_with_time_zone_null(Passkeys::UsedAt))
                    .foreign_key(&mut fk(
                        "fk_passkeys_user_id",
                        Passkeys::Table,
                        Passkeys::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_passkeys_user_id_credential_id")
                    .table(Passkeys::Table)
                    .col(Passkeys::UserId)
                    .col(Passkeys::CredentialId)
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
                Passkeys::Table.into_iden(),
                DavAccounts::Table.into_iden(),
                DirectLinks::Table.into_iden(),
                Shares::Table.into_iden(),
            ],
        )
        .await
    }
}

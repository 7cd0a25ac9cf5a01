//! The OAuth 2 provider's tables: the applications allowed to ask users for access
//! (`oauth_clients`) and the access each user gave each of them (`oauth_grants`, one row per
//! user and client holding the scopes of the latest consent). Authorization codes live in
//! `kv`, which every instance shares; the system clients are seeded at start, not here.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Guid,
    Secret,
    Name,
    HomepageUrl,
    RedirectUris,
    Scopes,
    Props,
    IsEnabled,
}

#[derive(DeriveIden)]
enum OauthGrants {
    Table,
    UserId,
    ClientId,
    Scopes,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(OauthClients::Table)
                    .col(string_len_uniq(OauthClients::Guid, 255))
                    .col(string_len(OauthClients::Secret, 255))
                    .col(string_len(OauthClients::Name, 255))
                    .col(string_len_null(OauthClients::HomepageUrl, 2048))
                    .col(json_binary(OauthClients::RedirectUris))
                    .col(json_binary(OauthClients::Scopes))
                    .col(json_binary(OauthClients::Props))
                    .col(boolean(OauthClients::IsEnabled).default(true))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                base_table(OauthGrants::Table)
                    .col(big_integer(OauthGrants::UserId))
                    .col(big_integer(OauthGrants::ClientId))
                    .col(json_binary(OauthGrants::Scopes))
                    .col(timestamp_with_time_zone_null(OauthGrants::LastUsedAt))
                    .foreign_key(&mut fk(
                        "fk_oauth_grants_user",
                        OauthGrants::Table,
                        OauthGrants::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_oauth_grants_client",
                        OauthGrants::Table,
                        OauthGrants::ClientId,
                        OauthClients::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_oauth_grants_user_id_client_id")
                    .table(OauthGrants::Table)
                    .col(OauthGrants::UserId)
                    .col(OauthGrants::ClientId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Revoking a client's grants by client.
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_grants_client_id")
                    .table(OauthGrants::Table)
                    .col(OauthGrants::ClientId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                OauthGrants::Table.into_iden(),
                OauthClients::Table.into_iden(),
            ],
        )
        .await
    }
}

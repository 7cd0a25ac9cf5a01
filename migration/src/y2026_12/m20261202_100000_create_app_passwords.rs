//! App passwords (`app_passwords`): a credential per device a sync client signed in from
//! (Nextcloud login flow), used with the owner's e-mail in HTTP Basic. Only the SHA-256 of
//! the secret is kept; a revoked password's row is deleted.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppPasswords {
    Table,
    UserId,
    Name,
    TokenHash,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(AppPasswords::Table)
                    .col(big_integer(AppPasswords::UserId))
                    .col(string_len(AppPasswords::Name, 255))
                    // Hex SHA-256 of the secret; a sign-in looks the row up by it.
                    .col(string_len_uniq(AppPasswords::TokenHash, 64))
                    .col(timestamp_with_time_zone_null(AppPasswords::LastUsedAt))
                    .foreign_key(&mut fk(
                        "fk_app_passwords_user",
                        AppPasswords::Table,
                        AppPasswords::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_app_passwords_user_id")
                    .table(AppPasswords::Table)
                    .col(AppPasswords::UserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![AppPasswords::Table.into_iden()]).await
    }
}

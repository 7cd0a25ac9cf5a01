//! Account security: 2FA recovery codes (`two_fa_recovery_codes`, one row per unused code, only
//! its Argon2 digest kept) and the sign-in sessions a user can list and end (`user_sessions`, one
//! row per session chain, describing the device; whether the chain still goes on is `kv`'s).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, drop_tables, fk},
    m20261122_000001_create_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TwoFaRecoveryCodes {
    Table,
    UserId,
    Selector,
    Digest,
}

#[derive(DeriveIden)]
enum UserSessions {
    Table,
    UserId,
    Root,
    UserAgent,
    Ip,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(TwoFaRecoveryCodes::Table)
                    .col(big_integer(TwoFaRecoveryCodes::UserId))
                    .col(string_len(TwoFaRecoveryCodes::Selector, 16))
                    .col(string_len(TwoFaRecoveryCodes::Digest, 255))
                    .foreign_key(&mut fk(
                        "fk_two_fa_recovery_codes_user",
                        TwoFaRecoveryCodes::Table,
                        TwoFaRecoveryCodes::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        // A code is looked up by its user and its first characters, then its digest checked.
        manager
            .create_index(
                Index::create()
                    .name("idx_two_fa_recovery_codes_user_id_selector")
                    .table(TwoFaRecoveryCodes::Table)
                    .col(TwoFaRecoveryCodes::UserId)
                    .col(TwoFaRecoveryCodes::Selector)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                base_table(UserSessions::Table)
                    .col(big_integer(UserSessions::UserId))
                    .col(string_len_uniq(UserSessions::Root, 36))
                    .col(string_len_null(UserSessions::UserAgent, 512))
                    .col(string_len_null(UserSessions::Ip, 64))
                    .col(timestamp_with_time_zone(UserSessions::LastUsedAt))
                    .foreign_key(&mut fk(
                        "fk_user_sessions_user",
                        UserSessions::Table,
                        UserSessions::UserId,
                        Users::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_sessions_user_id")
                    .table(UserSessions::Table)
                    .col(UserSessions::UserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                UserSessions::Table.into_iden(),
                TwoFaRecoveryCodes::Table.into_iden(),
            ],
        )
        .await
    }
}

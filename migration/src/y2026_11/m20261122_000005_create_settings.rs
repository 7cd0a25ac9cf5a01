//! Site settings. Default rows are written by the server on first start (they include random
//! secrets), not here.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{base_table, drop_tables};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Settings {
    Table,
    Name,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(Settings::Table)
                    .col(string(Settings::Name))
                    .col(text(Settings::Value))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_settings_name")
                    .table(Settings::Table)
                    .col(Settings::Name)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, vec![Settings::Table.into_iden()]).await
    }
}

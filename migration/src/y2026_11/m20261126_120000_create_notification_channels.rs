//! Notification channels: where the server tells administrators that something needs them (a
//! backup failed, a node stopped answering). A channel is an e-mail list or a webhook, with
//! the events it takes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::base_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotificationChannels {
    Table,
    Name,
    Type,
    Settings,
    Events,
    Enabled,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(NotificationChannels::Table)
                    .col(string(NotificationChannels::Name))
                    .col(string(NotificationChannels::Type))
                    .col(json_binary(NotificationChannels::Settings))
                    .col(json_binary(NotificationChannels::Events))
                    .col(boolean(NotificationChannels::Enabled).default(true))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NotificationChannels::Table).to_owned())
            .await
    }
}

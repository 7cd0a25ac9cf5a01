//! Nodes' liveness, as the master's periodic check last found it: one row per slave node
//! (dropped with the node), apart from `nodes` so that the check's frequent writes never
//! touch the rows administrators edit.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    common::{base_table, fk},
    m20261122_000001_create_accounts::Nodes,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NodeHealth {
    Table,
    NodeId,
    Alive,
    Failures,
    LastSeenAt,
    LastError,
    CheckedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                base_table(NodeHealth::Table)
                    .col(big_integer_uniq(NodeHealth::NodeId))
                    .col(boolean(NodeHealth::Alive).default(true))
                    .col(integer(NodeHealth::Failures).default(0))
                    .col(timestamp_with_time_zone_null(NodeHealth::LastSeenAt))
                    .col(text_null(NodeHealth::LastError))
                    .col(timestamp_with_time_zone_null(NodeHealth::CheckedAt))
                    .foreign_key(&mut fk(
                        "fk_node_health_node",
                        NodeHealth::Table,
                        NodeHealth::NodeId,
                        Nodes::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NodeHealth::Table).to_owned())
            .await
    }
}

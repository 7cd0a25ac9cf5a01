//! The task queue's columns: the queue a task runs on, the lease of the worker running it
//! (a worker renews it while it works; a task whose lease ran out is taken up again), and
//! the progress and log lines kept with the task so they survive a restart.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000004_create_runtime_state::Tasks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TaskQueue {
    Queue,
    LeaseUntil,
    Progress,
    Log,
}

const INDEX: &str = "idx_tasks_queue_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        let columns = [
            string(TaskQueue::Queue).default("").take(),
            timestamp_with_time_zone_null(TaskQueue::LeaseUntil).take(),
            text(TaskQueue::Progress).default("").take(),
            text(TaskQueue::Log).default("").take(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tasks::Table)
                        .add_column(&mut column)
                        .take(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Tasks::Table)
                    .col(TaskQueue::Queue)
                    .col(Tasks::Status)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Tasks::Table).to_owned())
            .await?;
        for column in [
            TaskQueue::Queue,
            TaskQueue::LeaseUntil,
            TaskQueue::Progress,
            TaskQueue::Log,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Tasks::Table)
                        .drop_column(column)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}

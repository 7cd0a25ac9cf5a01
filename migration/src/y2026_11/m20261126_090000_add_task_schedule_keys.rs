//! Scheduled tasks: a periodic job's task names its period in `schedule_key`
//! (`<job>@<period start>`), unique, so of several instances sharing the database only one
//! queues the job for a period.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000004_create_runtime_state::Tasks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TaskSchedule {
    ScheduleKey,
}

const INDEX: &str = "idx_tasks_schedule_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .add_column(string_null(TaskSchedule::ScheduleKey))
                    .take(),
            )
            .await?;
        // NULLs are distinct in a unique index on both SQLite and PostgreSQL: only scheduled
        // tasks are constrained.
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Tasks::Table)
                    .col(TaskSchedule::ScheduleKey)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Tasks::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tasks::Table)
                    .drop_column(TaskSchedule::ScheduleKey)
                    .take(),
            )
            .await
    }
}

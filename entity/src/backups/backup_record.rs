//! `backup_records`: one run of a backup task, and what it left on its target.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `status` column.
pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const COMPLETED: &str = "completed";
    pub const FAILED: &str = "failed";
}

/// Values of the `trigger` column.
pub mod trigger {
    pub const MANUAL: &str = "manual";
    pub const SCHEDULE: &str = "schedule";
}

/// A backup record. It counts as a backup only once its manifest is on the target
/// (`status` completed).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "backup_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    /// `None` once its task was deleted; the backup itself stays.
    pub task_id: Option<i64>,
    pub target_id: i64,
    /// One of [`status`].
    pub status: String,
    /// One of [`trigger`].
    pub trigger: String,
    /// Files in the backup.
    pub files: i64,
    /// Bytes the backup names.
    pub size: i64,
    /// Bytes of the blobs this run copied to the target (those it lacked); the manifest and
    /// the database dump are not counted.
    pub new_bytes: i64,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// The run's log, appended as it goes.
    #[sea_orm(column_type = "Text")]
    pub log: String,
    /// The record's folder on the target: `stratus-backup/records/<name>/`.
    pub name: String,
    /// The queue task running it.
    pub queue_task_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::backup_task::Entity",
        from = "Column::TaskId",
        to = "crate::backup_task::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Task,
    #[sea_orm(
        belongs_to = "crate::backup_target::Entity",
        from = "Column::TargetId",
        to = "crate::backup_target::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Target,
}

impl Related<crate::backup_task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl Related<crate::backup_target::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Target.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

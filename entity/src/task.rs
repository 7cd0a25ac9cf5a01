//! `tasks`: the persistent task queue (spec §11).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::status`].
pub mod status {
    pub const QUEUED: &str = "queued";
    pub const PROCESSING: &str = "processing";
    pub const SUSPENDING: &str = "suspending";
    pub const ERROR: &str = "error";
    pub const CANCELED: &str = "canceled";
    pub const COMPLETED: &str = "completed";
}

/// A background task. Workers claim a row by setting `claimed_by` (and moving `status` to
/// `processing`) in a conditional update, so a task queued on one instance runs exactly once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// Task type (`create_archive`, `extract_archive`, `remote_download`, `media_meta`, ...).
    pub r#type: String,
    /// One of [`status`].
    pub status: String,
    /// Public state JSON (`error`, `error_history`, `executed_duration`, `retry_count`,
    /// `resume_time`, progress, ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub public_state: Json,
    /// Task-specific private state (JSON encoded as text).
    #[sea_orm(column_type = "Text")]
    pub private_state: String,
    pub correlation_id: Option<String>,
    /// Owner; `None` for system tasks (or after the owner was deleted).
    pub user_id: Option<i64>,
    /// Id of the instance/worker currently running the task; `None` when unclaimed.
    pub claimed_by: Option<String>,
    /// Earliest time the task may run (delayed retry / resume); `None` = now.
    pub run_at: Option<DateTimeUtc>,
    /// The queue the task runs on (`io_intense`, `remote_download`, ...).
    pub queue: String,
    /// Until when the worker in `claimed_by` holds the task; renewed while it works. A
    /// `processing` task whose lease ran out is taken up again by another worker.
    pub lease_until: Option<DateTimeUtc>,
    /// Progress JSON: `{<key>: {total, current, identifier}}`; empty when none was reported.
    #[sea_orm(column_type = "Text")]
    pub progress: String,
    /// The task's log, one line per entry, the latest lines only.
    #[sea_orm(column_type = "Text")]
    pub log: String,
    /// A scheduled task's period (`<job>@<period start, unix seconds>`), unique; `None` for
    /// tasks that were submitted rather than scheduled.
    pub schedule_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

crate::timestamped_active_model!();

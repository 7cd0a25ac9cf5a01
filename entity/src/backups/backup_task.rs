//! `backup_tasks`: what to back up, to which target, when, and how long to keep it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `kind` column.
pub mod kind {
    /// The database and every blob of every policy.
    pub const INSTANCE: &str = "instance";
    /// Chosen users' drives: `source` is `{"user_ids": [..]}`.
    pub const USERS: &str = "users";
    /// One user's folder: `source` is `{"user_id": .., "uri": ".."}`.
    pub const FOLDER: &str = "folder";
}

/// A backup task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "backup_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub name: String,
    /// One of [`kind`].
    pub kind: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub source: Json,
    pub target_id: i64,
    /// `@hourly`, `@daily`, `@weekly`, `@every <duration>`, a five-field cron line, or empty
    /// for manual runs only.
    pub schedule: String,
    /// Scheduled records kept (0: no count limit).
    pub keep_last: i32,
    /// Days a scheduled record is kept (0: no age limit).
    pub keep_days: i32,
    pub enabled: bool,
    pub encrypt: bool,
    /// The public key records are encrypted to, when `encrypt`.
    #[sea_orm(column_type = "Text", nullable)]
    pub recipient: Option<String>,
    pub last_run_at: Option<DateTimeUtc>,
    /// When the schedule next queues a run; `None` for manual-only or disabled tasks.
    pub next_run_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::backup_target::Entity",
        from = "Column::TargetId",
        to = "crate::backup_target::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    Target,
}

impl Related<crate::backup_target::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Target.def()
    }
}

crate::timestamped_active_model!();

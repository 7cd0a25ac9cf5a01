//! `snapshots`: a folder of a user's drive as it was at one instant. Its tree is in
//! [`crate::snapshot_node`]; each node with a blob holds a reference on that entity.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `status` column.
pub mod status {
    pub const IN_PROGRESS: &str = "in_progress";
    pub const COMPLETED: &str = "completed";
    pub const FAILED: &str = "failed";
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When the snapshot was taken (the instant its tree shows).
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub owner_id: i64,
    /// The live folder it was taken of (it may have been deleted since).
    pub root_file_id: i64,
    /// The folder's URI when the snapshot was taken (`cloudreve://my/...`).
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// See [`status`].
    pub status: String,
    pub files: i64,
    pub folders: i64,
    /// Bytes of the files' current versions.
    pub size: i64,
    /// The schedule that took it; `None` for a manual snapshot.
    pub schedule_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::OwnerId",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    Owner,
    #[sea_orm(
        belongs_to = "crate::snapshot_schedule::Entity",
        from = "Column::ScheduleId",
        to = "crate::snapshot_schedule::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Schedule,
    #[sea_orm(has_many = "crate::snapshot_node::Entity")]
    Nodes,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<crate::snapshot_schedule::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Schedule.def()
    }
}

impl Related<crate::snapshot_node::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Nodes.def()
    }
}

crate::timestamped_active_model!();

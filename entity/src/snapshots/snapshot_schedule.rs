//! `snapshot_schedules`: a folder snapshotted every period, keeping the newest `keep`
//! scheduled snapshots.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "snapshot_schedules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub owner_id: i64,
    pub root_file_id: i64,
    /// The folder's URI when the schedule was made.
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    /// `@hourly`, `@daily` or `@weekly`.
    pub every: String,
    /// Scheduled snapshots kept; older ones are deleted, oldest first.
    pub keep: i32,
    pub last_taken_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::OwnerId",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Owner,
    #[sea_orm(has_many = "crate::snapshot::Entity")]
    Snapshots,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<crate::snapshot::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Snapshots.def()
    }
}

crate::timestamped_active_model!();

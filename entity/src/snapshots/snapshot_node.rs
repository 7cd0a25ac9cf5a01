//! `snapshot_nodes`: one file or folder of a [`crate::snapshot`], as it was when the snapshot
//! was taken. Composite key `(snapshot_id, node_id)`; no timestamps of its own beyond the
//! file's.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "snapshot_nodes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub snapshot_id: i64,
    /// The id the file had when the snapshot was taken (unique within the snapshot).
    #[sea_orm(primary_key, auto_increment = false)]
    pub node_id: i64,
    /// `None` for the snapshot's root folder.
    pub parent_node_id: Option<i64>,
    /// `0` file, `1` folder (as [`crate::file::kind`]).
    pub r#type: i16,
    pub name: String,
    pub size: i64,
    /// The blob of the file's current version; this node holds one reference on it.
    pub entity_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The file's metadata as `{name: value}`.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub metadata: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::snapshot::Entity",
        from = "Column::SnapshotId",
        to = "crate::snapshot::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Snapshot,
}

impl Related<crate::snapshot::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Snapshot.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

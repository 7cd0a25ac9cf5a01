//! `metadata`: per-file key/value metadata (`namespace:key` → string, spec §4.6).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One metadata entry of a file; unique per `(file_id, name)`. Hard-deleted (no `deleted_at`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "metadata")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Key, `namespace:key` (e.g. `sys:shared_redirect`, `exif:...`).
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
    pub file_id: i64,
    /// Visible to users other than the owner (e.g. share visitors).
    pub is_public: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::file::Entity",
        from = "Column::FileId",
        to = "crate::file::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    File,
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::File.def()
    }
}

crate::timestamped_active_model!();

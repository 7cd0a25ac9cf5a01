//! `direct_links`: permanent "source" links to a file (spec §7.4).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A direct link to a file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "direct_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// File name shown in the link URL.
    pub name: String,
    pub downloads: i64,
    pub file_id: i64,
    /// Speed limit in bytes/s; 0 = unlimited.
    pub speed: i64,
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

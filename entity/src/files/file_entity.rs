//! `file_entities`: join table linking files to their blobs (many-to-many).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One file ↔ entity link. Composite primary key; no id or timestamps. Both foreign keys
/// cascade on delete.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "file_entities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_id: i64,
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
    #[sea_orm(
        belongs_to = "crate::entity::Entity",
        from = "Column::EntityId",
        to = "crate::entity::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    Entity,
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::File.def()
    }
}

impl Related<crate::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Entity.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

//! `files`: the file tree (files and folders, spec §13).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `type` column.
pub mod kind {
    pub const FILE: i16 = 0;
    pub const FOLDER: i16 = 1;
}

/// A node of a user's file tree. A user's root is a folder with an empty name and no parent;
/// trashed items also have no parent. The blobs of a file are linked through
/// [`crate::file_entity`].
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// `0` file, `1` folder (see [`kind`]).
    pub r#type: i16,
    /// Name within the parent folder; unique per parent (`uq_files_parent_name`).
    pub name: String,
    pub owner_id: i64,
    /// Size in bytes (mirrors the primary entity; 0 for folders).
    pub size: i64,
    /// Id of the entity holding the current version. Not a foreign key (it would be circular).
    pub primary_entity: Option<i64>,
    /// Parent folder; `None` for user roots and for trashed items.
    pub parent_id: Option<i64>,
    pub is_symbolic: bool,
    /// Props JSON (`{view}` and similar).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub props: Option<Json>,
    /// Policy the file's blobs were uploaded to.
    pub storage_policy_id: Option<i64>,
    /// A folder's revision: raised whenever anything below it changes (0 for files).
    pub tree_rev: i64,
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
    /// The parent folder (self reference).
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_update = "Cascade",
        on_delete = "NoAction"
    )]
    Parent,
    /// Direct children of a folder (reverse of [`Relation::Parent`]).
    #[sea_orm(has_many = "Entity", via_rel = "Relation::Parent")]
    Children,
    #[sea_orm(
        belongs_to = "crate::storage_policy::Entity",
        from = "Column::StoragePolicyId",
        to = "crate::storage_policy::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    StoragePolicy,
    #[sea_orm(has_many = "crate::file_entity::Entity")]
    FileEntities,
    #[sea_orm(has_many = "crate::metadata::Entity")]
    Metadata,
    #[sea_orm(has_many = "crate::share::Entity")]
    Shares,
    #[sea_orm(has_many = "crate::direct_link::Entity")]
    DirectLinks,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<crate::storage_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoragePolicy.def()
    }
}

impl Related<crate::file_entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FileEntities.def()
    }
}

/// Many-to-many: file → `file_entities` → entity.
impl Related<crate::entity::Entity> for Entity {
    fn to() -> RelationDef {
        crate::file_entity::Relation::Entity.def()
    }

    fn via() -> Option<RelationDef> {
        Some(crate::file_entity::Relation::File.def().rev())
    }
}

impl Related<crate::metadata::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Metadata.def()
    }
}

impl Related<crate::share::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Shares.def()
    }
}

impl Related<crate::direct_link::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DirectLinks.def()
    }
}

crate::timestamped_active_model!();

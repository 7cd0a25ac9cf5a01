//! `entities`: physical blobs (versions, thumbnails, live photos), reference counted (spec §13).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `type` column.
pub mod kind {
    pub const VERSION: i16 = 0;
    pub const THUMBNAIL: i16 = 1;
    pub const LIVE_PHOTO: i16 = 2;
}

/// A blob in a storage policy. Files link to blobs through [`crate::file_entity`]; copying a
/// file links the same blob and increments `reference_count`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "entities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// `0` version, `1` thumbnail, `2` live photo (see [`kind`]).
    pub r#type: i16,
    /// Storage key / physical path inside the policy.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    /// Size in bytes.
    pub size: i64,
    /// Number of files linking this blob (default 1); 0 = stale, awaiting physical deletion.
    pub reference_count: i32,
    pub storage_policy_id: i64,
    /// Uploader; `None` once the user is deleted.
    pub created_by: Option<i64>,
    /// Upload session UUID while the blob is still being uploaded; `None` once complete.
    pub upload_session_id: Option<String>,
    /// Recycle options JSON (`{unlink_only}`).
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub recycle_options: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::storage_policy::Entity",
        from = "Column::StoragePolicyId",
        to = "crate::storage_policy::Column::Id",
        on_update = "Cascade",
        on_delete = "Restrict"
    )]
    StoragePolicy,
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::CreatedBy",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Creator,
    #[sea_orm(has_many = "crate::file_entity::Entity")]
    FileEntities,
}

impl Related<crate::storage_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoragePolicy.def()
    }
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl Related<crate::file_entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::FileEntities.def()
    }
}

/// Many-to-many: entity → `file_entities` → file.
impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        crate::file_entity::Relation::File.def()
    }

    fn via() -> Option<RelationDef> {
        Some(crate::file_entity::Relation::Entity.def().rev())
    }
}

crate::timestamped_active_model!();

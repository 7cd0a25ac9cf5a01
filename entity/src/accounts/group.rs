//! `groups`: user groups (quota, speed limit, permissions, storage policy).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A user group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub name: String,
    /// Storage quota in bytes.
    pub max_storage: i64,
    /// Download speed limit in bytes/s; 0 = unlimited.
    pub speed_limit: i64,
    /// Group permission boolset (spec §4.4).
    #[sea_orm(column_type = "Blob")]
    pub permissions: Vec<u8>,
    /// Group settings JSON (`compress_size`, `decompress_size`, `source_batch`, `trash_retention`, ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// Storage policy used for uploads by members; `None` = no upload target.
    pub storage_policy_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "crate::user::Entity")]
    Users,
    #[sea_orm(
        belongs_to = "crate::storage_policy::Entity",
        from = "Column::StoragePolicyId",
        to = "crate::storage_policy::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    StoragePolicy,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl Related<crate::storage_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoragePolicy.def()
    }
}

crate::timestamped_active_model!();

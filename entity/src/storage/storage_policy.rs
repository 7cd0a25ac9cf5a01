//! `storage_policies`: where and how blobs are stored (spec §8).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `type` column (spec §8.2).
pub mod kind {
    pub const LOCAL: &str = "local";
    pub const REMOTE: &str = "remote";
    pub const S3: &str = "s3";
    pub const OSS: &str = "oss";
    pub const COS: &str = "cos";
    pub const ONEDRIVE: &str = "onedrive";
    pub const OBS: &str = "obs";
    pub const QINIU: &str = "qiniu";
    pub const UPYUN: &str = "upyun";
    pub const KS3: &str = "ks3";
}

/// A storage policy.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "storage_policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub name: String,
    /// Driver type, one of [`kind`].
    pub r#type: String,
    /// Public endpoint / base URL of the storage (empty for `local`).
    pub server: String,
    pub bucket_name: String,
    /// Private bucket: downloads need signed URLs.
    pub is_private: bool,
    pub access_key: String,
    pub secret_key: String,
    /// Maximum single file size in bytes; 0 = unlimited.
    pub max_size: i64,
    /// Directory naming rule with placeholders (`{uid}`, `{path}`, `{date}`, ...).
    pub dir_name_rule: String,
    /// File naming rule with placeholders (`{originname}`, `{randomkey8}`, `{uuid}`, ...).
    pub file_name_rule: String,
    /// Driver settings JSON (spec §8.3: `chunk_size`, `region`, `s3_path_style`, ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// Slave node serving a `remote` policy.
    pub node_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::node::Entity",
        from = "Column::NodeId",
        to = "crate::node::Column::Id",
        on_update = "Cascade",
        on_delete = "SetNull"
    )]
    Node,
    #[sea_orm(has_many = "crate::group::Entity")]
    Groups,
    #[sea_orm(has_many = "crate::file::Entity")]
    Files,
    #[sea_orm(has_many = "crate::entity::Entity")]
    Entities,
}

impl Related<crate::node::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Node.def()
    }
}

impl Related<crate::group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Groups.def()
    }
}

impl Related<crate::file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Files.def()
    }
}

impl Related<crate::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Entities.def()
    }
}

crate::timestamped_active_model!();

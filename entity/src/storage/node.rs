//! `nodes`: master and slave nodes (spec §9.1).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of [`Model::status`].
pub mod status {
    pub const ACTIVE: &str = "active";
    pub const SUSPENDED: &str = "suspended";
}

/// Values of the `type` column.
pub mod kind {
    pub const MASTER: &str = "master";
    pub const SLAVE: &str = "slave";
}

/// A node of the cluster. The master node row is created automatically on first start.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "nodes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// One of [`status`].
    pub status: String,
    pub name: String,
    /// One of [`kind`].
    pub r#type: String,
    /// Base URL of the node.
    pub server: String,
    /// Shared secret used for HMAC signing between master and slave.
    pub slave_key: String,
    /// Node capability boolset (spec §4.5).
    #[sea_orm(column_type = "Blob")]
    pub capabilities: Vec<u8>,
    /// Node settings JSON (downloader provider, aria2/qbittorrent options, interval, ...).
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// Load-balancing weight.
    pub weight: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "crate::storage_policy::Entity")]
    StoragePolicies,
}

impl Related<crate::storage_policy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoragePolicies.def()
    }
}

crate::timestamped_active_model!();

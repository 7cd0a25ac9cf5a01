//! `events`: the audit log (a Stratus addition, deviations §4).

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An audit event. Append-only: no `updated_at` / `deleted_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Event type, Cloudreve `AuditLogType` numbering (5 user_login, 7 file_create,
    /// 15 delete_file, 17 share, 30 webdav_login_failed, 43 get_direct_link, ...).
    pub r#type: i32,
    /// Acting user. Not a foreign key, so the log outlives deleted users.
    pub user_id: Option<i64>,
    /// Client IP address.
    pub ip: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub user_agent: Option<String>,
    pub correlation_id: Option<String>,
    /// Event-specific content JSON.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub content: Option<Json>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if insert && self.created_at.is_not_set() {
            self.created_at = Set(chrono::Utc::now());
        }
        Ok(self)
    }
}

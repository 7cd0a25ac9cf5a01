//! `upload_sessions`: chunked upload sessions, shared between instances (spec §6).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An in-progress upload. Kept in the database so chunks may reach any instance and a restart
/// loses nothing; rows past `expires_at` are cleaned up together with their placeholder
/// file/entity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "upload_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Session UUID as given to the client; unique (`uq_upload_sessions_session_id`).
    #[sea_orm(unique)]
    pub session_id: String,
    /// Uploading user.
    pub user_id: i64,
    /// Placeholder file created for the upload, if any (no foreign key).
    pub file_id: Option<i64>,
    /// Placeholder entity receiving the blob, if any (no foreign key).
    pub entity_id: Option<i64>,
    /// Target URI (`cloudreve://my/path/name`).
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    /// Total size in bytes.
    pub size: i64,
    /// Chunk size in bytes.
    pub chunk_size: i64,
    pub storage_policy_id: i64,
    /// Session props JSON: chunk bitmap, storage key, callback secret, provider upload id, ...
    #[sea_orm(column_type = "JsonBinary")]
    pub props: Json,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::UserId",
        to = "crate::user::Column::Id",
        on_update = "Cascade",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

crate::timestamped_active_model!();

//! `s3_keys`: a user's credentials for the S3 endpoint, each confined to one folder of the
//! owner's drive. The secret is kept sealed (SigV4 needs it in plain text to verify a request,
//! so it cannot be hashed): see `server/src/auth/s3_key.rs`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One S3 key; deleting it deletes the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "s3_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    pub name: String,
    /// The folder (a `files` row of the owner) the key sees; its subfolders are buckets.
    pub folder_id: i64,
    /// Writes are refused with `AccessDenied`.
    pub readonly: bool,
    /// 20 upper-case letters and digits (unique).
    #[sea_orm(unique)]
    pub access_key_id: String,
    /// Base64 of the nonce and the AES-256-GCM ciphertext of the secret.
    #[sea_orm(column_type = "Text")]
    pub secret_sealed: String,
    /// The last request signed with it, written at most once a minute.
    pub last_used_at: Option<DateTimeUtc>,
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
    Owner,
}

impl Related<crate::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

crate::timestamped_active_model!();

//! `app_passwords`: the credential a sync client (Nextcloud login flow) signs in with, one per
//! device, used with the owner's e-mail in HTTP Basic. Only the secret's SHA-256 is stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One device's app password; revoking it deletes the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "app_passwords")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// The device's name, as its client's `User-Agent` gave it.
    pub name: String,
    /// Lowercase hex SHA-256 of the secret (unique).
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The last sign-in with it, written at most once a minute.
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

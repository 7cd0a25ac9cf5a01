//! `dav_accounts`: WebDAV accounts ("devices", spec §10).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A WebDAV account of a user; the password is unique per owner (`uq_dav_accounts_owner_password`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dav_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub name: String,
    /// Root URI the account is confined to (`cloudreve://my/...`).
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    /// Generated account password (compared in plain text, as in Cloudreve).
    pub password: String,
    /// Option boolset (read-only, proxy, ...; spec §4.5).
    #[sea_orm(column_type = "Blob")]
    pub options: Vec<u8>,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub props: Option<Json>,
    pub owner_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::user::Entity",
        from = "Column::OwnerId",
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

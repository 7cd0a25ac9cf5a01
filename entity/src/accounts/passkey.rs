//! `passkeys`: WebAuthn credentials (spec §5.5).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A registered passkey; unique per `(user_id, credential_id)`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "passkeys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub user_id: i64,
    /// Credential id, standard base64.
    pub credential_id: String,
    /// Display name chosen by the user.
    pub name: String,
    /// Serialized WebAuthn credential (JSON text).
    #[sea_orm(column_type = "Text")]
    pub credential: String,
    /// Last successful use.
    pub used_at: Option<DateTimeUtc>,
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

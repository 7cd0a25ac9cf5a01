//! `external_identities`: an account's link to a directory entry (`provider` = `ldap`) or to
//! an OpenID Connect provider's user (`provider` = the provider's id). One subject of one
//! provider links to one account.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "external_identities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// `ldap`, or the id of an entry of `oidc_providers`.
    pub provider: String,
    /// The directory entry's `entryUUID` (its DN without one), or the provider's `sub`.
    pub subject: String,
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

//! `oauth_grants`: the access a user gave an OAuth client, one row per (user, client).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One user's consent to one client.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "oauth_grants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// `oauth_clients.id`.
    pub client_id: i64,
    /// The scopes of the latest consent (replaced, not merged).
    pub scopes: Json,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

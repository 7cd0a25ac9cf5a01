//! `user_sessions`: the device behind each session chain of a user, for listing and ending
//! sessions. The chain itself (and whether it still goes on) lives in `kv`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One signed-in session.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "user_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// The chain's root token id (a UUID).
    #[sea_orm(unique)]
    pub root: String,
    pub user_agent: Option<String>,
    /// The address of the last sign-in or refresh.
    pub ip: Option<String>,
    /// The last sign-in or refresh.
    pub last_used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

//! `guard_incidents`: a credential stopped by the guard against mass deletion, what it did,
//! and what became of it (see `server/src/guard/`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "guard_incidents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    pub cred_kind: String,
    pub cred_id: String,
    pub cred_name: String,
    /// The first change of the burst.
    pub started_at: DateTimeUtc,
    pub tripped_at: DateTimeUtc,
    pub last_at: DateTimeUtc,
    pub deleted: i32,
    pub overwritten: i32,
    pub renamed: i32,
    /// See [`state`].
    pub state: String,
    pub undo_task_id: Option<i64>,
    /// `{restored: [path], skipped: [{path, reason}]}` once undone.
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub result: Option<Json>,
}

/// The states of an incident.
pub mod state {
    /// The credential's writes are refused.
    pub const OPEN: &str = "open";
    /// An undo task is running; writes are still refused.
    pub const UNDOING: &str = "undoing";
    /// Undo ran; the credential may write again.
    pub const UNDONE: &str = "undone";
    /// The user said it was them; the credential may write again.
    pub const RELEASED: &str = "released";
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

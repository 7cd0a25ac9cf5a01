//! `node_health`: a slave node's liveness as the master's periodic check last found it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One slave node's liveness.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "node_health")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The node (`nodes.id`), one row per node.
    #[sea_orm(unique)]
    pub node_id: i64,
    /// Whether the node counts as up: it turns false only after several failed checks in a
    /// row, and true again at the first answer.
    pub alive: bool,
    /// Failed checks since the last answer.
    pub failures: i32,
    /// When the node last answered.
    pub last_seen_at: Option<DateTimeUtc>,
    /// The last check's error; `None` once the node answers.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When the node was last checked.
    pub checked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

//! `fs_subscriptions`: a client's subscription to the changes below one folder, keyed by
//! (user, folder, client id), with the last journal id it was sent.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One subscription.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "fs_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The subscriber.
    pub user_id: i64,
    /// The subscribed folder (`files.id`), in the subscriber's tree or a share owner's.
    pub folder_id: i64,
    /// The client's `X-Cr-Client-Id`.
    pub client_id: String,
    /// The last `fs_changes.id` delivered (or skipped as not matching).
    pub cursor_id: i64,
    /// When a stream of this subscription was last open.
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

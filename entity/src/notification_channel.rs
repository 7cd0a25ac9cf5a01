//! `notification_channels`: where administrators are told about events that need them.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Values of the `type` column.
pub mod kind {
    /// `settings`: `{"to": [addresses]}`, sent through the site's SMTP settings.
    pub const EMAIL: &str = "email";
    /// `settings`: `{"url", "secret"}`, a signed JSON POST.
    pub const WEBHOOK: &str = "webhook";
}

/// A notification channel.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notification_channels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub name: String,
    /// One of [`kind`].
    pub r#type: String,
    /// The type's settings (a webhook's secret included: never shown back).
    #[sea_orm(column_type = "JsonBinary")]
    pub settings: Json,
    /// The event names the channel takes, a JSON list.
    #[sea_orm(column_type = "JsonBinary")]
    pub events: Json,
    pub enabled: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

//! `oauth_clients`: applications that may ask users for access through the OAuth 2 provider.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "oauth_clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The public `client_id`.
    #[sea_orm(unique)]
    pub guid: String,
    /// The client secret; never part of an answer.
    #[serde(skip_serializing)]
    pub secret: String,
    /// Display name; may be an i18n key the web app translates.
    pub name: String,
    pub homepage_url: Option<String>,
    /// Redirect URIs, compared as exact strings (a loopback one with any port).
    pub redirect_uris: Json,
    /// Scopes the client may ask for.
    pub scopes: Json,
    /// `{description, icon, refresh_token_ttl}`.
    pub props: Json,
    pub is_enabled: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

//! `kv`: typed key/value state with expiry, shared between instances (captcha answers, revoked
//! tokens, 2FA/passkey sessions, archive sessions, ...).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A key/value entry. Rows past `expires_at` are treated as absent and swept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "kv")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Key, unique across kinds (`uq_kv_key`); conventionally prefixed with the kind.
    #[sea_orm(unique)]
    pub key: String,
    /// Kind of entry, e.g. `"captcha"`, `"jwt_revoke"`.
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
    /// Expiry; `None` = never expires.
    pub expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

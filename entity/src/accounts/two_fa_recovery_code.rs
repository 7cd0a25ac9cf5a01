//! `two_fa_recovery_codes`: the unused 2FA recovery codes of a user, each kept as a digest.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One unused recovery code; using it deletes the row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "two_fa_recovery_codes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub user_id: i64,
    /// The code's first characters, to find its row without trying every digest.
    pub selector: String,
    /// Argon2id PHC string of the whole code.
    pub digest: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::timestamped_active_model!();

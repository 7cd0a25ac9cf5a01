//! The `kv` table: short-lived state that must be shared by every instance (captcha answers,
//! token revocations, 2FA and passkey ceremonies, archive sessions), each row with an expiry.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use stratus_entity::kv;

/// Stores `value` under `key`, replacing any previous value; `ttl: None` never expires.
pub async fn put(
    db: &impl ConnectionTrait,
    kind: &str,
    key: &str,
    value: &str,
    ttl: Option<Duration>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let expires_at = ttl.map(|ttl| now + chrono::Duration::from_std(ttl).unwrap_or_default());
    let row = kv::ActiveModel {
        key: Set(key.to_owned()),
        kind: Set(kind.to_owned()),
        value: Set(value.to_owned()),
        expires_at: Set(expires_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    kv::Entity::insert(row)
        .on_conflict(
            OnConflict::column(kv::Column::Key)
                .update_columns([
                    kv::Column::Kind,
                    kv::Column::Value,
                    kv::Column::ExpiresAt,
                    kv::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The live value under `key`, if any.
pub async fn get(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    Ok(live(db, key).await?.map(|row| row.value))
}

/// Removes and returns the value under `key`: of several concurrent callers, exactly one
/// gets it (the delete that affects the row wins), so a ticket is usable once.
pub async fn take(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    let Some(row) = kv::Entity::find()
        .filter(kv::Column::Key.eq(key))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let deleted = kv::Entity::delete_many()
        .filter(kv::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    let expired = row.expires_at.is_some_and(|at| at <= Utc::now());
    Ok((deleted.rows_affected == 1 && !expired).then_some(row.value))
}

/// Deletes `key`.
pub async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    kv::Entity::delete_many()
        .filter(kv::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes every expired row; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let res = kv::Entity::delete_many()
        .filter(kv::Column::ExpiresAt.lte(Utc::now()))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

async fn live(db: &impl ConnectionTrait, key: &str) -> Result<Option<kv::Model>, DbErr> {
    let row = kv::Entity::find()
        .filter(kv::Column::Key.eq(key))
        .one(db)
        .await?;
    Ok(row.filter(|r| r.expires_at.is_none_or(|at| at > Utc::now())))
}

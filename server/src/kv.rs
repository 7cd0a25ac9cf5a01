//! The `kv` table: short-lived state that must be shared by every instance (captcha answers,
//! session chains, 2FA and passkey ceremonies, archive sessions), each row with an expiry.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
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

/// Replaces the live value under `key` with `value` (and a new expiry) only if it is still
/// `expected`: of several concurrent callers with the same `expected`, exactly one succeeds.
pub async fn replace_if(
    db: &impl ConnectionTrait,
    key: &str,
    expected: &str,
    value: &str,
    ttl: Duration,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = kv::Entity::update_many()
        .col_expr(kv::Column::Value, Expr::value(value))
        .col_expr(
            kv::Column::ExpiresAt,
            Expr::value(now + chrono::Duration::from_std(ttl).unwrap_or_default()),
        )
        .col_expr(kv::Column::UpdatedAt, Expr::value(now))
        .filter(kv::Column::Key.eq(key))
        .filter(kv::Column::Value.eq(expected))
        .filter(
            Condition::any()
                .add(kv::Column::ExpiresAt.is_null())
                .add(kv::Column::ExpiresAt.gt(now)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes `key`; returns whether a row was there.
pub async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    let res = kv::Entity::delete_many()
        .filter(kv::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes every row whose key starts with `prefix`, except `keep`; returns how many. The
/// prefix is matched with `LIKE`, so it must hold none of its wildcards (`%`, `_`, `\`).
pub async fn delete_prefixed(
    db: &impl ConnectionTrait,
    prefix: &str,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    debug_assert!(!prefix.contains(['%', '_', '\\']), "{prefix}");
    let mut query = kv::Entity::delete_many().filter(kv::Column::Key.starts_with(prefix));
    if let Some(keep) = keep {
        query = query.filter(kv::Column::Key.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// The live keys starting with `prefix` (no `LIKE` wildcards in it, as for
/// [`delete_prefixed`]).
pub async fn keys_prefixed(db: &impl ConnectionTrait, prefix: &str) -> Result<Vec<String>, DbErr> {
    debug_assert!(!prefix.contains(['%', '_', '\\']), "{prefix}");
    let now = Utc::now();
    let rows = kv::Entity::find()
        .filter(kv::Column::Key.starts_with(prefix))
        .filter(
            Condition::any()
                .add(kv::Column::ExpiresAt.is_null())
                .add(kv::Column::ExpiresAt.gt(now)),
        )
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.key).collect())
}

/// Stores `value` under `key` unless a live row holds it already; answers the value that is
/// stored afterwards, so instances racing to create the same value all end with one.
pub async fn put_if_absent(
    db: &impl ConnectionTrait,
    kind: &str,
    key: &str,
    value: &str,
) -> Result<String, DbErr> {
    if let Some(existing) = get(db, key).await? {
        return Ok(existing);
    }
    let now = Utc::now();
    let row = kv::ActiveModel {
        key: Set(key.to_owned()),
        kind: Set(kind.to_owned()),
        value: Set(value.to_owned()),
        expires_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    kv::Entity::insert(row)
        .on_conflict(OnConflict::column(kv::Column::Key).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(get(db, key).await?.unwrap_or_else(|| value.to_owned()))
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

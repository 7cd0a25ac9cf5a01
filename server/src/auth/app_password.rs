//! App passwords: one credential per device a sync client signed in from (the Nextcloud login
//! flow, `nextcloud/login_flow.rs`), used with the owner's e-mail in HTTP Basic wherever a
//! WebDAV account password is (`dav::auth`). The secret is shown once, when it is made; only
//! its SHA-256 is kept (the secret is 64 random characters, so a plain digest is as good as a
//! slow one and lets a sign-in find the row by it).
//!
//! Revoking deletes the row and empties this instance's sign-in row cache
//! (`auth::dav_cache`), so the next request with it is refused; another instance sharing the
//! database sees it within `dav_cache::ROW_TTL`, as for a deleted WebDAV account.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, TryRngCore, distr::Alphanumeric, rngs::OsRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use stratus_entity::app_password as row;

use crate::state::AppState;

pub use row::Model as AppPassword;

/// Characters of a secret.
const SECRET_LEN: usize = 64;

/// Longest device name kept (longer ones are cut).
pub const NAME_MAX: usize = 255;

/// How long a sign-in leaves `last_used_at` as it is.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The SHA-256 of `secret`, in lowercase hex: the stored form.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn new_secret() -> String {
    OsRng
        .unwrap_err()
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

/// `name` trimmed, without control characters and at most [`NAME_MAX`] characters; an empty
/// name becomes "Unknown device".
pub fn device_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "Unknown device".to_owned()
    } else {
        clean.to_owned()
    }
}

/// Creates an app password of `user_id` named `name`: the row and the secret, which is not
/// kept and cannot be shown again.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: i64,
    name: &str,
) -> Result<(AppPassword, String), DbErr> {
    let secret = new_secret();
    let model = row::ActiveModel {
        user_id: Set(user_id),
        name: Set(device_name(name)),
        token_hash: Set(digest(&secret)),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

/// The app passwords of `user_id`, newest first.
pub async fn list(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<AppPassword>, DbErr> {
    row::Entity::find()
        .filter(row::Column::UserId.eq(user_id))
        .order_by_desc(row::Column::Id)
        .all(db)
        .await
}

/// The app password of `user_id` whose secret is `secret`.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    secret: &str,
) -> Result<Option<AppPassword>, DbErr> {
    row::Entity::find()
        .filter(row::Column::TokenHash.eq(digest(secret)))
        .filter(row::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Revokes app password `id` of `user_id`; `false` when there is none (another user's answers
/// the same as a missing one). Sign-ins of this instance read their rows again at once.
pub async fn revoke(state: &AppState, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let deleted = row::Entity::delete_many()
        .filter(row::Column::Id.eq(id))
        .filter(row::Column::UserId.eq(user_id))
        .exec(&state.db)
        .await?;
    crate::auth::dav_cache::rows(state).forget_all();
    // The device's open push connection checks its sign-in now and closes.
    crate::access_watch::notice(state, crate::access_watch::Narrowed::User(user_id));
    Ok(deleted.rows_affected == 1)
}

/// Revokes every app password of `user_id`: a password reset means the old password may be
/// known to someone else, who could have approved a device with it. Answers how many went.
pub async fn revoke_all(state: &AppState, user_id: i64) -> Result<u64, DbErr> {
    let deleted = row::Entity::delete_many()
        .filter(row::Column::UserId.eq(user_id))
        .exec(&state.db)
        .await?;
    crate::auth::dav_cache::rows(state).forget_all();
    crate::access_watch::notice(state, crate::access_watch::Narrowed::User(user_id));
    Ok(deleted.rows_affected)
}

/// Whether a sign-in with `pw` at `now` should record itself.
pub fn due(pw: &AppPassword, now: DateTime<Utc>) -> bool {
    pw.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY)
}

/// Records a sign-in with app password `id` at `now`, unless one was recorded less than
/// [`TOUCH_EVERY`] ago (by this or another instance: the condition is in the statement).
pub async fn touch(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    row::Entity::update_many()
        .col_expr(row::Column::LastUsedAt, Expr::value(now))
        .filter(row::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(row::Column::LastUsedAt.is_null())
                .add(row::Column::LastUsedAt.lt(now - TOUCH_EVERY)),
        )
        .exec(db)
        .await?;
    Ok(())
}

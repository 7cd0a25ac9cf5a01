//! Account records: creation, password changes and group membership, shared by the CLI,
//! first start and (later) registration.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionSession, TransactionTrait,
};
use serde_json::json;
use stratus_entity::{group, user};

use crate::{
    auth::{password, session},
    db,
};

/// Group ids created on first start.
pub const ADMIN_GROUP: i64 = 1;
pub const USER_GROUP: i64 = 2;
pub const ANONYMOUS_GROUP: i64 = 3;

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The e-mail address is not acceptable.
    #[error("invalid e-mail address")]
    InvalidEmail,
    /// The password is shorter than 6 or longer than 128 characters.
    #[error("password must be 6 to 128 characters")]
    InvalidPassword,
    /// Another account uses this address.
    #[error("e-mail address already in use")]
    EmailTaken,
    /// No account has this address.
    #[error("no user with this e-mail address")]
    UserNotFound,
    /// The group does not exist.
    #[error("group {0} does not exist")]
    GroupNotFound(i64),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// Hashing failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Lower-cases and checks an e-mail address (≤ 100 bytes, one `@`, no spaces).
pub fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 100
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if valid {
        Ok(email)
    } else {
        Err(AccountError::InvalidEmail)
    }
}

fn check_password(pw: &str) -> Result<(), AccountError> {
    let len = pw.chars().count();
    if (6..=128).contains(&len) {
        Ok(())
    } else {
        Err(AccountError::InvalidPassword)
    }
}

/// Creates an active account in `group_id`.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    pw: &str,
    group_id: i64,
) -> Result<user::Model, AccountError> {
    let email = normalize_email(email)?;
    check_password(pw)?;
    let digest = password::hash(pw)?;
    let txn = db::begin_write(db).await?;
    if group::Entity::find_by_id(group_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AccountError::GroupNotFound(group_id));
    }
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let now = Utc::now();
    let nick = email.split('@').next().unwrap_or_default().to_owned();
    let model = user::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        email: Set(email),
        nick: Set(nick),
        password: Set(Some(digest)),
        status: Set(user::status::ACTIVE.to_owned()),
        storage: Set(0),
        settings: Set(json!({"version_retention": true, "version_retention_max": 10})),
        group_id: Set(group_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Sets a new password (and optionally a new group) for an existing account, and ends all
/// of its sessions.
pub async fn reset<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    pw: &str,
    group_id: Option<i64>,
) -> Result<user::Model, AccountError> {
    let email = normalize_email(email)?;
    check_password(pw)?;
    let existing = find_by_email(db, &email)
        .await?
        .ok_or(AccountError::UserNotFound)?;
    let mut active: user::ActiveModel = existing.into();
    active.password = Set(Some(password::hash(pw)?));
    active.updated_at = Set(Utc::now());
    if let Some(group_id) = group_id {
        active.group_id = Set(group_id);
    }
    let txn = db::begin_write(db).await?;
    let model = active.update(&txn).await?;
    session::end_all(&txn, model.id, None).await?;
    txn.commit().await?;
    Ok(model)
}

/// Refuses accounts that may not sign in: banned (40017) or not activated (40018).
pub fn ensure_can_sign_in(user: &user::Model) -> Result<(), crate::api::envelope::ApiError> {
    use crate::api::envelope::{ApiError, ErrorCode};
    match user.status.as_str() {
        user::status::MANUAL_BANNED | user::status::SYS_BANNED => {
            Err(ApiError::code(ErrorCode::UserBanned))
        }
        user::status::INACTIVE => Err(ApiError::code(ErrorCode::UserNotActivated)),
        _ => Ok(()),
    }
}

/// Replaces a legacy digest with Argon2id after a successful sign-in.
pub async fn rehash_password<C: ConnectionTrait>(
    db: &C,
    user: user::Model,
    pw: &str,
) -> Result<user::Model, AccountError> {
    let mut active: user::ActiveModel = user.into();
    active.password = Set(Some(password::hash(pw)?));
    Ok(active.update(db).await?)
}

/// The live account with this (normalized) address.
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Number of accounts (the first one becomes admin).
pub async fn count<C: ConnectionTrait>(db: &C) -> Result<u64, sea_orm::DbErr> {
    user::Entity::find().count(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email(" Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "",
            "no-at",
            "@x",
            "a@",
            "a b@x",
            "a@b@c",
            &format!("{}@x.y", "a".repeat(99)),
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}

/// Hashes a password off the async workers: Argon2id is slow on purpose.
async fn hash_off_thread(pw: &str) -> Result<String, AccountError> {
    let pw = pw.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AccountError::Other(anyhow::anyhow!("password hashing task failed: {e}")))?
        .map_err(AccountError::Other)
}

/// What a self-registration asks for.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// The `default_group` setting.
    pub default_group: i64,
    /// `active`, or `inactive` when the address must be confirmed first.
    pub status: &'a str,
    /// UI language chosen at sign-up, kept in the account settings.
    pub language: Option<&'a str>,
}

/// Creates a self-registered account in `default_group`, except the very first account ever
/// (no user rows at all), which joins the admin group. One write transaction; on PostgreSQL
/// the table is locked for it, so two concurrent first registrations cannot both become admin.
pub async fn register<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    reg: Registration<'_>,
) -> Result<user::Model, AccountError> {
    let email = normalize_email(reg.email)?;
    check_password(reg.password)?;
    let digest = hash_off_thread(reg.password).await?;
    let txn = db::begin_write(db).await?;
    if !db::is_sqlite(&txn) {
        txn.execute_unprepared("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    let group_id = if count(&txn).await? == 0 {
        ADMIN_GROUP
    } else {
        reg.default_group
    };
    if group::Entity::find_by_id(group_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AccountError::GroupNotFound(group_id));
    }
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(AccountError::EmailTaken);
    }
    let mut settings = json!({"version_retention": true, "version_retention_max": 10});
    if let Some(language) = reg.language.filter(|l| !l.is_empty()) {
        settings["language"] = json!(language);
    }
    let now = Utc::now();
    let nick = email.split('@').next().unwrap_or_default().to_owned();
    let model = user::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        email: Set(email),
        nick: Set(nick),
        password: Set(Some(digest)),
        status: Set(reg.status.to_owned()),
        storage: Set(0),
        settings: Set(settings),
        group_id: Set(group_id),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        // Also a soft-deleted account: the unique index covers every row.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AccountError::EmailTaken,
        _ => AccountError::Db(e),
    })?;
    txn.commit().await?;
    Ok(model)
}

/// Removes an account that was never activated (a registration undone because its
/// activation mail could not be sent). Active accounts are never touched.
pub async fn delete_unactivated<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<bool, sea_orm::DbErr> {
    let res = user::Entity::delete_many()
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Status.eq(user::status::INACTIVE))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Activates an inactive account; `None` when it is not (or no longer) inactive. The status
/// check is part of the update, so of two concurrent activations only one succeeds.
pub async fn activate<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let res = user::Entity::update_many()
        .col_expr(user::Column::Status, Expr::value(user::status::ACTIVE))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Status.eq(user::status::INACTIVE))
        .filter(user::Column::DeletedAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    user::Entity::find_by_id(id).one(db).await
}

/// Gives an account a new Argon2id password and ends all of its sessions (other instances
/// notice within `session::CHAIN_CACHE_TTL`; `AppState::sessions` makes this one notice now).
pub async fn set_password<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    user: user::Model,
    pw: &str,
) -> Result<user::Model, AccountError> {
    check_password(pw)?;
    let digest = hash_off_thread(pw).await?;
    let mut active: user::ActiveModel = user.into();
    active.password = Set(Some(digest));
    active.updated_at = Set(Utc::now());
    let txn = db::begin_write(db).await?;
    let model = active.update(&txn).await?;
    session::end_all(&txn, model.id, None).await?;
    txn.commit().await?;
    Ok(model)
}

/// Checks a new password's length (6 to 128 characters).
pub fn validate_password(pw: &str) -> Result<(), AccountError> {
    check_password(pw)
}

/// The Argon2id digest of a new password, computed off the async workers.
pub async fn hash_password(pw: &str) -> Result<String, AccountError> {
    let pw = pw.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AccountError::Other(anyhow::anyhow!("password hashing task failed: {e}")))?
        .map_err(AccountError::Other)
}

/// The account with this id unless it was deleted.
pub async fn find_live<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find_by_id(id)
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Escapes `\`, `%` and `_` so that `text` matches itself in a `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Up to `limit` active, live accounts whose e-mail or nick contains `keyword`
/// (case-insensitive, matched literally), each with its group, oldest first.
pub async fn search_active<C: ConnectionTrait>(
    db: &C,
    keyword: &str,
    limit: u64,
) -> Result<Vec<(user::Model, group::Model)>, sea_orm::DbErr> {
    use sea_orm::{
        Condition, QueryOrder, QuerySelect,
        sea_query::{Expr, ExprTrait, Func, LikeExpr},
    };
    let pattern = format!("%{}%", escape_like(&keyword.to_lowercase()));
    let like = |column: user::Column| {
        Func::lower(Expr::col((user::Entity, column)))
            .like(LikeExpr::new(pattern.clone()).escape('\\'))
    };
    let rows = user::Entity::find()
        .find_also_related(group::Entity)
        .filter(user::Column::DeletedAt.is_null())
        .filter(user::Column::Status.eq(user::status::ACTIVE))
        .filter(
            Condition::any()
                .add(like(user::Column::Email))
                .add(like(user::Column::Nick)),
        )
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, group)| Some((user, group?)))
        .collect())
}

#[cfg(test)]
mod search_tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("plain"), "plain");
    }
}

//! Account records: creation, password changes and group membership, shared by the CLI,
//! first start and registration. New accounts get a canonical address that reads like no
//! other account's, and a default nick that reads like no other user's (`email_address`).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, TransactionSession, TransactionTrait,
};
use serde_json::json;
use stratus_entity::{group, user};

use super::UsersError;
use crate::{
    auth::{password, session},
    db, email_address,
    settings::random_string,
};

/// Group ids created on first start.
pub const ADMIN_GROUP: i64 = 1;
pub const USER_GROUP: i64 = 2;
pub use crate::caller::ANONYMOUS_GROUP;
/// Longest nick, in characters (the `users.nick` column).
pub const MAX_NICK_CHARS: usize = 100;

/// The canonical form of an e-mail address, to store or to look an account up with.
pub fn normalize_email(email: &str) -> Result<String, UsersError> {
    email_address::canonical(email).map_err(|_| UsersError::InvalidEmail)
}

/// The canonical form of the address of a new account, which must keep each part to one
/// script (see [`email_address::check_new`]).
pub(super) fn new_email(email: &str) -> Result<String, UsersError> {
    let email = normalize_email(email)?;
    email_address::check_new(&email).map_err(|_| UsersError::UnsafeEmail)?;
    Ok(email)
}

/// Refuses an address that reads like another account's (deleted accounts included, as the
/// unique index on `email` includes them). Run in the transaction that inserts the account.
pub(super) async fn ensure_no_look_alike<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<(), UsersError> {
    let alike = user::Entity::find()
        .filter(user::Column::EmailSkeleton.eq(email_address::skeleton(email)))
        .one(db)
        .await?;
    match alike {
        Some(_) => Err(UsersError::EmailLookAlike),
        None => Ok(()),
    }
}

/// The nick a new account starts with: the local part of its address, unless that reads like
/// a live user's nick (which it would seem to be); then the local part with a random suffix.
pub(super) async fn default_nick<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<String, sea_orm::DbErr> {
    const SUFFIX_LEN: usize = 6;
    let local = email_address::local_part(email);
    let alike = user::Entity::find()
        .filter(user::Column::NickSkeleton.eq(email_address::skeleton(local)))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    if alike.is_none() {
        return Ok(local.to_owned());
    }
    let stem: String = local
        .chars()
        .take(MAX_NICK_CHARS - SUFFIX_LEN - 1)
        .collect();
    Ok(format!(
        "{stem}-{}",
        random_string(SUFFIX_LEN).to_lowercase()
    ))
}

/// The settings a new account starts with: file versions kept, at most ten.
fn default_settings() -> serde_json::Value {
    json!({"version_retention": true, "version_retention_max": 10})
}

/// The row of a new account: its address and nick with their skeletons, default settings,
/// the rest defaults.
pub fn new_account(email: String, nick: String, digest: String) -> user::ActiveModel {
    let now = Utc::now();
    user::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        email_skeleton: Set(Some(email_address::skeleton(&email))),
        nick_skeleton: Set(Some(email_address::skeleton(&nick))),
        email: Set(email),
        nick: Set(nick),
        password: Set(Some(digest)),
        storage: Set(0),
        settings: Set(default_settings()),
        ..Default::default()
    }
}

/// Fills the skeletons of accounts written before they were kept (or by an older version);
/// returns how many rows it filled. Run at every start, before any request.
pub async fn fill_skeletons<C: ConnectionTrait>(db: &C) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::{Condition, QueryOrder, QuerySelect, sea_query::Expr};
    let mut filled = 0;
    loop {
        let rows = user::Entity::find()
            .filter(
                Condition::any()
                    .add(user::Column::EmailSkeleton.is_null())
                    .add(user::Column::NickSkeleton.is_null()),
            )
            .order_by_asc(user::Column::Id)
            .limit(500)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for row in rows {
            user::Entity::update_many()
                .col_expr(
                    user::Column::EmailSkeleton,
                    Expr::value(email_address::skeleton(&row.email)),
                )
                .col_expr(
                    user::Column::NickSkeleton,
                    Expr::value(email_address::skeleton(&row.nick)),
                )
                .filter(user::Column::Id.eq(row.id))
                .exec(db)
                .await?;
            filled += 1;
        }
    }
}

/// Checks a new password's length (6 to 128 characters).
pub fn validate_password(pw: &str) -> Result<(), UsersError> {
    let len = pw.chars().count();
    if (6..=128).contains(&len) {
        Ok(())
    } else {
        Err(UsersError::InvalidPassword)
    }
}

/// Creates an active account in `group_id`.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    email: &str,
    pw: &str,
    group_id: i64,
) -> Result<user::Model, UsersError> {
    let email = new_email(email)?;
    validate_password(pw)?;
    let digest = hash_password(pw).await?;
    let txn = db::begin_write(db).await?;
    if group::Entity::find_by_id(group_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(UsersError::GroupNotFound(group_id));
    }
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(UsersError::EmailTaken);
    }
    ensure_no_look_alike(&txn, &email).await?;
    let nick = default_nick(&txn, &email).await?;
    let mut row = new_account(email, nick, digest);
    row.status = Set(user::status::ACTIVE.to_owned());
    row.group_id = Set(group_id);
    let model = row.insert(&txn).await?;
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
) -> Result<user::Model, UsersError> {
    let email = normalize_email(email)?;
    validate_password(pw)?;
    let existing = find_by_email(db, &email)
        .await?
        .ok_or(UsersError::UserNotFound)?;
    let mut active: user::ActiveModel = existing.into();
    active.password = Set(Some(hash_password(pw).await?));
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

/// Replaces a legacy digest with Argon2id after a successful sign-in.
pub async fn rehash_password<C: ConnectionTrait>(
    db: &C,
    user: user::Model,
    pw: &str,
) -> Result<user::Model, UsersError> {
    let digest = hash_password(pw).await?;
    let mut active: user::ActiveModel = user.into();
    active.password = Set(Some(digest));
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
) -> Result<user::Model, UsersError> {
    let email = new_email(reg.email)?;
    validate_password(reg.password)?;
    let digest = hash_password(reg.password).await?;
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
        return Err(UsersError::GroupNotFound(group_id));
    }
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(UsersError::EmailTaken);
    }
    ensure_no_look_alike(&txn, &email).await?;
    let mut settings = default_settings();
    if let Some(language) = reg.language.filter(|l| !l.is_empty()) {
        settings["language"] = json!(language);
    }
    let nick = default_nick(&txn, &email).await?;
    let mut row = new_account(email, nick, digest);
    row.status = Set(reg.status.to_owned());
    row.settings = Set(settings);
    row.group_id = Set(group_id);
    let model = row.insert(&txn).await.map_err(|e| match e.sql_err() {
        // Also a soft-deleted account: the unique index covers every row.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => UsersError::EmailTaken,
        _ => UsersError::Db(e),
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
) -> Result<user::Model, UsersError> {
    validate_password(pw)?;
    let digest = hash_password(pw).await?;
    let mut active: user::ActiveModel = user.into();
    active.password = Set(Some(digest));
    active.updated_at = Set(Utc::now());
    let txn = db::begin_write(db).await?;
    let model = active.update(&txn).await?;
    session::end_all(&txn, model.id, None).await?;
    txn.commit().await?;
    Ok(model)
}

/// The Argon2id digest of a password, computed off the async workers: Argon2id is slow on
/// purpose, and a burst of hashing must not stall the tasks (and the pooled connections they
/// hold) on those workers.
pub async fn hash_password(pw: &str) -> Result<String, UsersError> {
    let pw = pw.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| UsersError::Other(anyhow::anyhow!("password hashing task failed: {e}")))?
        .map_err(UsersError::Other)
}

/// The nicknames of the accounts `ids`, by id, in one statement.
pub async fn nicks_of<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, sea_orm::DbErr> {
    let rows: Vec<(i64, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Nick)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
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

/// The group of an account ([`UsersError::GroupNotFound`] when its row is gone).
pub async fn group_of<C: ConnectionTrait>(
    db: &C,
    account: &user::Model,
) -> Result<group::Model, UsersError> {
    group::Entity::find_by_id(account.group_id)
        .one(db)
        .await?
        .ok_or(UsersError::GroupNotFound(account.group_id))
}

/// Records where the account's avatar comes from (`avatar::FILE` or `avatar::GRAVATAR`).
pub async fn set_avatar<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    value: &str,
) -> Result<(), sea_orm::DbErr> {
    user::ActiveModel {
        id: Set(user_id),
        avatar: Set(Some(value.to_owned())),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
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

/// Up to `limit` active, live accounts found by `keyword`, each with its group, oldest
/// first: a keyword with `@` finds the account with exactly that e-mail address (in any
/// case), any other the accounts whose nick contains it (case-insensitive, matched
/// literally). An address is never found by a part of it, so a search cannot list the
/// addresses of a domain.
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
        .filter(match keyword.contains('@') {
            true => Condition::all().add(
                Func::lower(Expr::col((user::Entity, user::Column::Email)))
                    .eq(keyword.to_lowercase()),
            ),
            false => Condition::all().add(like(user::Column::Nick)),
        })
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

//! Account records: creation, password changes and group membership, shared by the CLI,
//! first start and (later) registration.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, TransactionSession, TransactionTrait,
};
use serde_json::json;
use stratus_entity::{group, user};

use crate::{auth::password, db};

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

/// Sets a new password (and optionally a new group) for an existing account.
pub async fn reset<C: ConnectionTrait>(
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
    Ok(active.update(db).await?)
}

/// Refuses accounts that may not sign in: banned (40017) or not activated (40018).
pub fn ensure_can_sign_in(
    user: &user::Model,
) -> Result<(), crate::api::envelope::ApiError> {
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

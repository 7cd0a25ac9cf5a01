//! Accounts linked to an outside identity (`external_identities`): a directory entry
//! (`ldap`) or an OpenID Connect provider's user. Such an account is made without a password
//! on its first sign-in and keeps the name, e-mail and group the outside source gives it; its
//! password lives there, so it is neither changed nor reset here.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};
use stratus_entity::{external_identity, group, user};

use super::{
    UsersError,
    accounts::{default_nick, ensure_no_look_alike, find_by_email, new_account, new_email},
};
use crate::{db, email_address};

/// The provider name of directory links.
pub const DIRECTORY: &str = "ldap";

/// What the outside source says about its user.
#[derive(Debug, Clone)]
pub struct Profile {
    pub email: String,
    /// The display name, when the source has one.
    pub name: Option<String>,
    /// The group the source maps its user to; `None` leaves the group as it is.
    pub group_id: Option<i64>,
}

/// The live account linked to `subject` of `provider`.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    provider: &str,
    subject: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    let Some(link) = external_identity::Entity::find()
        .filter(external_identity::Column::Provider.eq(provider))
        .filter(external_identity::Column::Subject.eq(subject))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(link.user_id)
        .one(db)
        .await?
        .filter(|u| u.deleted_at.is_none()))
}

/// The links of an account, oldest first.
pub async fn links_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<external_identity::Model>, sea_orm::DbErr> {
    external_identity::Entity::find()
        .filter(external_identity::Column::UserId.eq(user_id))
        .order_by_asc(external_identity::Column::Id)
        .all(db)
        .await
}

/// Whether the account signs in through the directory.
pub async fn is_directory_account<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<bool, sea_orm::DbErr> {
    Ok(links_of(db, user_id)
        .await?
        .iter()
        .any(|l| l.provider == DIRECTORY))
}

/// Refuses a password change or reset of a directory account.
pub async fn ensure_local_password<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<(), UsersError> {
    if is_directory_account(db, user_id).await? {
        return Err(UsersError::DirectoryPassword);
    }
    Ok(())
}

/// Refuses a password an administrator would set on an account that signs in elsewhere: a
/// directory account, or one a provider made (linked, with no password here). A local
/// account that its owner linked to a provider keeps its password and may get a new one.
pub async fn ensure_password_settable<C: ConnectionTrait>(
    db: &C,
    account: &user::Model,
) -> Result<(), UsersError> {
    let links = links_of(db, account.id).await?;
    if links.iter().any(|l| l.provider == DIRECTORY) {
        return Err(UsersError::DirectoryPassword);
    }
    if !links.is_empty() && account.password.as_deref().is_none_or(str::is_empty) {
        return Err(UsersError::ProviderPassword);
    }
    Ok(())
}

/// Links `subject` of `provider` to an account.
pub async fn link<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    provider: &str,
    subject: &str,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    external_identity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        user_id: Set(user_id),
        provider: Set(provider.to_owned()),
        subject: Set(subject.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(drop)
}

/// Removes an account's link to `provider`; whether there was one.
pub async fn unlink<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    provider: &str,
) -> Result<bool, sea_orm::DbErr> {
    let gone = external_identity::Entity::delete_many()
        .filter(external_identity::Column::UserId.eq(user_id))
        .filter(external_identity::Column::Provider.eq(provider))
        .exec(db)
        .await?;
    Ok(gone.rows_affected > 0)
}

/// Makes an active account without a password for `subject` of `provider`, linked to it.
/// An address another account has (or one that reads like it) is refused.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    provider: &str,
    subject: &str,
    profile: &Profile,
    default_group: i64,
) -> Result<user::Model, UsersError> {
    let email = new_email(&profile.email)?;
    let group_id = profile.group_id.unwrap_or(default_group);
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
    let nick = match profile.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.chars().take(50).collect(),
        _ => default_nick(&txn, &email).await?,
    };
    let mut row = new_account(email, nick, String::new());
    row.status = Set(user::status::ACTIVE.to_owned());
    row.group_id = Set(group_id);
    let model = row.insert(&txn).await?;
    link(&txn, model.id, provider, subject).await?;
    txn.commit().await?;
    Ok(model)
}

/// Brings a linked account's name, e-mail and group up to what the source says now. An
/// address another account holds is left as it was.
pub async fn refresh<C: ConnectionTrait>(
    db: &C,
    account: user::Model,
    profile: &Profile,
) -> Result<user::Model, UsersError> {
    let mut active: user::ActiveModel = account.clone().into();
    let mut changed = false;
    if let Some(name) = profile
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let name: String = name.chars().take(50).collect();
        if name != account.nick {
            active.nick_skeleton = Set(Some(email_address::skeleton(&name)));
            active.nick = Set(name);
            changed = true;
        }
    }
    if let Ok(email) = new_email(&profile.email)
        && email != account.email
        && find_by_email(db, &email).await?.is_none()
    {
        active.email_skeleton = Set(Some(email_address::skeleton(&email)));
        active.email = Set(email);
        changed = true;
    }
    if let Some(group_id) = profile.group_id
        && group_id != account.group_id
        && group::Entity::find_by_id(group_id).one(db).await?.is_some()
    {
        active.group_id = Set(group_id);
        changed = true;
    }
    if !changed {
        return Ok(account);
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

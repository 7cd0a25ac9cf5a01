//! User accounts: list, read, create, edit and recount storage. Deleting is in
//! [`super::user_delete`].
//!
//! An administrator cannot ban or demote themselves, nor leave the site without an active
//! administrator. A ban (or any change of status, group, e-mail or password) takes effect on
//! the next request everywhere: sessions read the account on every request, share links check
//! their owner on every visit, and WebDAV sign-ins re-read the account at least every second
//! (at once on this instance, whose remembered sign-ins are dropped here).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, SqlErr,
};
use serde_json::json;
use stratus_entity::{group, user};

use super::{
    Actor, AdminError, audit, groups,
    list::{self, ListQuery, Page},
};
use crate::{
    boolset::{Boolset, group_perm},
    email_address,
    fs::sql::Sql,
    state::AppState,
    users,
};

/// Columns a user list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &[
    "email",
    "nick",
    "status",
    "storage",
    "group_id",
    "created_at",
    "updated_at",
];
/// Account statuses (`users.status`).
const STATUSES: &[&str] = &[
    user::status::ACTIVE,
    user::status::INACTIVE,
    user::status::MANUAL_BANNED,
    user::status::SYS_BANNED,
];

/// An account with its group.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: user::Model,
    pub group: Option<group::Model>,
}

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct UserInput {
    pub email: String,
    /// Empty: the part of the e-mail before `@`.
    pub nick: String,
    pub group_id: i64,
    pub status: String,
    /// A new password (Argon2id); `None` keeps the current one.
    pub password: Option<String>,
    /// Turns two-factor authentication off.
    pub disable_two_fa: bool,
}

/// One page of accounts. Conditions: `user_status`, `user_group`, `user_nick`, `user_email`
/// (the last two also as searches: a case-insensitive "contains").
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<UserView>, AdminError> {
    q.allow(
        &["user_status", "user_group", "user_nick", "user_email"],
        &["user_nick", "user_email"],
    )?;
    let mut filter = Condition::all();
    if let Some(status) = q.text("user_status") {
        filter = filter.add(user::Column::Status.eq(status));
    }
    if let Some(group) = q.int("user_group")? {
        filter = filter.add(user::Column::GroupId.eq(group));
    }
    if let Some(nick) = q.text("user_nick") {
        filter = filter.add(list::contains::<user::Entity>(user::Column::Nick, nick));
    }
    if let Some(email) = q.text("user_email") {
        filter = filter.add(list::contains::<user::Entity>(user::Column::Email, email));
    }
    let page = list::fetch(&state.db, user::Entity::find().filter(filter), q, SORTABLE).await?;
    let all_groups = group::Entity::find().all(&state.db).await?;
    Ok(page.map(|u| UserView {
        group: all_groups.iter().find(|g| g.id == u.group_id).cloned(),
        user: u,
    }))
}

/// Account `id` with its group.
pub async fn get(state: &AppState, id: i64) -> Result<UserView, AdminError> {
    let user = find(state, id).await?;
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await?;
    Ok(UserView { user, group })
}

/// Creates an account (the password is required).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: UserInput,
) -> Result<UserView, AdminError> {
    let email = users::normalize_email(&input.email)?;
    check_fields(state, &input).await?;
    let Some(password) = input.password.as_deref() else {
        return Err(AdminError::invalid("password: a new account needs one"));
    };
    users::validate_password(password)?;
    let digest = users::hash_password(password).await?;
    let nick = nick_or_default(&input.nick, &email);
    let mut row = users::new_account(email, nick, digest);
    row.status = Set(input.status.clone());
    row.group_id = Set(input.group_id);
    let row = row.insert(&state.db).await.map_err(email_clash)?;
    audit::record(
        state,
        actor,
        "user",
        Some(row.id),
        "create",
        audit::masked(&audit::row_json(&row)),
    )
    .await;
    get(state, row.id).await
}

/// Changes account `id`.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: UserInput,
) -> Result<UserView, AdminError> {
    let before = find(state, id).await?;
    let email = users::normalize_email(&input.email)?;
    check_fields(state, &input).await?;
    let stays_admin =
        input.status == user::status::ACTIVE && is_admin_group(state, input.group_id).await?;
    if !stays_admin && is_active_admin(state, &before).await? {
        if id == actor.id() {
            return Err(AdminError::LastAdmin(
                "you cannot ban yourself or take away your own admin rights",
            ));
        }
        ensure_other_admin(state, id).await?;
    }
    let digest = match input.password.as_deref().filter(|p| !p.is_empty()) {
        Some(password) => {
            users::external::ensure_password_settable(&state.db, &before).await?;
            users::validate_password(password)?;
            Some(users::hash_password(password).await?)
        }
        None => None,
    };
    // A new password ends the account's sign-ins and app passwords, as a reset does (a
    // ban is checked on every request instead, so lifting it restores the sessions).
    let ends_sessions = digest.is_some();
    let nick = nick_or_default(&input.nick, &email);
    let mut row = before.clone().into_active_model();
    row.email_skeleton = Set(Some(email_address::skeleton(&email)));
    row.nick_skeleton = Set(Some(email_address::skeleton(&nick)));
    row.email = Set(email);
    row.nick = Set(nick);
    row.group_id = Set(input.group_id);
    row.status = Set(input.status.clone());
    if let Some(digest) = digest {
        row.password = Set(Some(digest));
    }
    if input.disable_two_fa {
        row.two_factor_secret = Set(None);
    }
    row.updated_at = Set(Utc::now());
    let after = row.update(&state.db).await.map_err(email_clash)?;
    if ends_sessions {
        crate::auth::session::end_all(&state.db, id, None).await?;
        crate::auth::session::Chains::of(state).forget_all();
        // As after a reset by e-mail: devices and keys made with the old password stop too.
        crate::auth::credentials::cut_devices(state, id).await?;
    }
    // A ban, another group or password: what the account holds open checks again.
    crate::access_watch::notice(state, crate::access_watch::Narrowed::User(id));
    if before.status != after.status || before.group_id != after.group_id {
        release_held_locks(state, id).await;
    }
    forget_sign_ins(state);
    audit::record_update(state, actor, "user", id, &before, &after).await;
    get(state, id).await
}

/// Releases the locks account `id` took in other owners' trees through grants it no longer
/// writes by (banned, another group, deleted). A failure is logged: the locks then end when
/// they expire, and the change of the account stands.
pub async fn release_held_locks(state: &AppState, id: i64) {
    if let Err(e) = crate::fs::grant::release_held_by(state, id).await {
        tracing::warn!(user = id, error = %e, "could not release the account's locks in granted folders");
    }
}

/// Recounts the storage account `id` uses: the size of every blob linked to the account's
/// files, once per link (as uploads and copies charge it), trash included.
pub async fn calibrate(state: &AppState, actor: &Actor, id: i64) -> Result<UserView, AdminError> {
    find(state, id).await?;
    let txn = crate::fs::tx::begin(&state.db, id).await?;
    let mut sql = Sql::new(txn.get_database_backend());
    sql.push(
        "SELECT CAST(COALESCE(SUM(e.size), 0) AS BIGINT) FROM file_entities fe \
         JOIN files f ON f.id = fe.file_id JOIN entities e ON e.id = fe.entity_id \
         WHERE f.owner_id = ",
    )
    .bind(id);
    let used: i64 = txn
        .query_one_raw(sql.statement())
        .await?
        .map(|row| row.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    let before = find_in(&txn, id).await?;
    let mut row = before.clone().into_active_model();
    row.storage = Set(used.max(0));
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    txn.commit().await?;
    if before.storage != used {
        audit::record(
            state,
            actor,
            "user",
            Some(id),
            "calibrate",
            json!({ "storage": { "from": before.storage, "to": used } }),
        )
        .await;
    }
    get(state, id).await
}

/// The account `id`.
pub async fn find(state: &AppState, id: i64) -> Result<user::Model, AdminError> {
    find_in(&state.db, id).await
}

async fn find_in(db: &impl ConnectionTrait, id: i64) -> Result<user::Model, AdminError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AdminError::UserNotFound)
}

/// Whether `u` is an active member of a group with the admin permission.
pub async fn is_active_admin(state: &AppState, u: &user::Model) -> Result<bool, AdminError> {
    Ok(u.status == user::status::ACTIVE && is_admin_group(state, u.group_id).await?)
}

async fn is_admin_group(state: &AppState, group_id: i64) -> Result<bool, AdminError> {
    Ok(group::Entity::find_by_id(group_id)
        .one(&state.db)
        .await?
        .is_some_and(|g| Boolset::from_bytes(g.permissions).enabled(group_perm::IS_ADMIN)))
}

/// Refuses when no active administrator but `except` would be left.
pub async fn ensure_other_admin(state: &AppState, except: i64) -> Result<(), AdminError> {
    let admin_groups: Vec<i64> = groups::admin_groups(state)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let others = user::Entity::find()
        .filter(user::Column::GroupId.is_in(admin_groups))
        .filter(user::Column::Status.eq(user::status::ACTIVE))
        .filter(user::Column::DeletedAt.is_null())
        .filter(user::Column::Id.ne(except))
        .one(&state.db)
        .await?;
    match others {
        Some(_) => Ok(()),
        None => Err(AdminError::LastAdmin(
            "this is the last active administrator",
        )),
    }
}

/// Drops this instance's remembered WebDAV sign-ins, so an account change is seen at once.
pub fn forget_sign_ins(state: &AppState) {
    crate::auth::dav_cache::rows(state).forget_all();
    crate::auth::dav_cache::logins(state).invalidate_all();
}

async fn check_fields(state: &AppState, input: &UserInput) -> Result<(), AdminError> {
    if !STATUSES.contains(&input.status.as_str()) {
        return Err(AdminError::invalid(format!(
            "status: {:?} is not one of {}",
            input.status,
            STATUSES.join(", ")
        )));
    }
    if input.nick.chars().count() > 100 {
        return Err(AdminError::invalid("nick: at most 100 characters"));
    }
    if input.group_id == users::ANONYMOUS_GROUP {
        return Err(AdminError::invalid(
            "group: accounts cannot join the anonymous group",
        ));
    }
    groups::find(state, input.group_id).await?;
    Ok(())
}

fn nick_or_default(nick: &str, email: &str) -> String {
    let nick = nick.trim();
    if nick.is_empty() {
        email_address::local_part(email).to_owned()
    } else {
        nick.to_owned()
    }
}

/// The unique index on e-mail addresses also covers concurrent writers.
fn email_clash(err: sea_orm::DbErr) -> AdminError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AdminError::EmailTaken,
        _ => AdminError::Db(err),
    }
}

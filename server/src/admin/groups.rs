//! User groups: list, read (with the number of members), create, edit, delete.
//!
//! Rules: the admin, default and anonymous groups and the group of the `default_group` setting
//! cannot be deleted, nor a group with members; group 1 keeps the admin flag; an edit may not
//! leave no group with the admin flag, nor take it from the administrator's own group; the
//! anonymous flag stays with the anonymous group, which can never be an admin group.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter,
};
use serde_json::Value;
use stratus_entity::{group, storage_policy, user};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::{
    boolset::{Boolset, group_perm},
    state::AppState,
    users,
};

/// Columns a group list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &[
    "name",
    "max_storage",
    "speed_limit",
    "created_at",
    "updated_at",
];

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct GroupInput {
    pub name: String,
    /// Bytes; 0 or more.
    pub max_storage: i64,
    /// Bytes per second, 0 = unlimited.
    pub speed_limit: i64,
    pub permissions: Boolset,
    /// The group settings object (spec §13).
    pub settings: Value,
    pub storage_policy_id: Option<i64>,
}

/// A group with its storage policy.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group: group::Model,
    pub policy: Option<storage_policy::Model>,
    /// Members, when asked for.
    pub total_users: Option<u64>,
}

/// One page of groups.
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<GroupView>, AdminError> {
    q.allow(&[], &[])?;
    let page = list::fetch(&state.db, group::Entity::find(), q, SORTABLE).await?;
    let policies = storage_policy::Entity::find().all(&state.db).await?;
    Ok(page.map(|g| GroupView {
        policy: policies
            .iter()
            .find(|p| Some(p.id) == g.storage_policy_id)
            .cloned(),
        group: g,
        total_users: None,
    }))
}

/// Group `id` with its policy and number of members.
pub async fn get(state: &AppState, id: i64) -> Result<GroupView, AdminError> {
    let group = find(state, id).await?;
    let policy = match group.storage_policy_id {
        Some(p) => storage_policy::Entity::find_by_id(p).one(&state.db).await?,
        None => None,
    };
    let total_users = members(state, id).await?;
    Ok(GroupView {
        group,
        policy,
        total_users: Some(total_users),
    })
}

/// Creates a group.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: GroupInput,
) -> Result<GroupView, AdminError> {
    check_input(state, None, &input).await?;
    let now = Utc::now();
    let row = group::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        name: Set(input.name.trim().to_owned()),
        max_storage: Set(input.max_storage),
        speed_limit: Set(input.speed_limit),
        permissions: Set(input.permissions.into_bytes()),
        settings: Set(input.settings),
        storage_policy_id: Set(input.storage_policy_id),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    audit::record(
        state,
        actor,
        "group",
        Some(row.id),
        "create",
        audit::masked(&audit::row_json(&row)),
    )
    .await;
    get(state, row.id).await
}

/// Changes group `id`.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: GroupInput,
) -> Result<GroupView, AdminError> {
    let before = find(state, id).await?;
    check_input(state, Some(&before), &input).await?;
    let removes_admin = !input.permissions.enabled(group_perm::IS_ADMIN)
        && Boolset::from_bytes(before.permissions.clone()).enabled(group_perm::IS_ADMIN);
    if removes_admin {
        if id == users::ADMIN_GROUP {
            return Err(AdminError::LastAdmin(
                "the initial admin group must keep the admin permission",
            ));
        }
        if actor.user.group_id == id {
            return Err(AdminError::LastAdmin(
                "you cannot take the admin permission from your own group",
            ));
        }
        if admin_groups(state).await?.iter().all(|g| g.id == id) {
            return Err(AdminError::LastAdmin(
                "no other group would have the admin permission",
            ));
        }
    }
    let mut row = before.clone().into_active_model();
    row.name = Set(input.name.trim().to_owned());
    row.max_storage = Set(input.max_storage);
    row.speed_limit = Set(input.speed_limit);
    row.permissions = Set(input.permissions.into_bytes());
    row.settings = Set(input.settings);
    row.storage_policy_id = Set(input.storage_policy_id);
    row.updated_at = Set(Utc::now());
    let after = row.update(&state.db).await?;
    // WebDAV sign-ins keep group rows for a moment; this instance drops them now.
    crate::auth::dav_cache::rows(state).forget_all();
    audit::record_update(state, actor, "group", id, &before, &after).await;
    get(state, id).await
}

/// Deletes group `id`.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let row = find(state, id).await?;
    if [
        users::ADMIN_GROUP,
        users::USER_GROUP,
        users::ANONYMOUS_GROUP,
    ]
    .contains(&id)
    {
        return Err(AdminError::SystemGroup(
            "the admin, default and anonymous groups cannot be deleted",
        ));
    }
    if state
        .settings
        .int("default_group", users::USER_GROUP)
        .await?
        == id
    {
        return Err(AdminError::SystemGroup(
            "new accounts join this group (default_group): choose another one first",
        ));
    }
    let n = members(state, id).await?;
    if n > 0 {
        return Err(AdminError::GroupInUse(n));
    }
    // The member count is checked again by the database: `users.group_id` restricts deletes.
    group::Entity::delete_by_id(id).exec(&state.db).await?;
    audit::record(
        state,
        actor,
        "group",
        Some(id),
        "delete",
        audit::masked(&audit::row_json(&row)),
    )
    .await;
    Ok(())
}

/// The live group `id`.
pub async fn find(state: &AppState, id: i64) -> Result<group::Model, AdminError> {
    group::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|g| g.deleted_at.is_none())
        .ok_or(AdminError::GroupNotFound)
}

/// Live accounts in group `id`.
async fn members(state: &AppState, id: i64) -> Result<u64, AdminError> {
    Ok(user::Entity::find()
        .filter(user::Column::GroupId.eq(id))
        .count(&state.db)
        .await?)
}

/// Every group with the admin permission.
pub async fn admin_groups(state: &AppState) -> Result<Vec<group::Model>, AdminError> {
    Ok(group::Entity::find()
        .filter(group::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|g| Boolset::from_bytes(g.permissions.clone()).enabled(group_perm::IS_ADMIN))
        .collect())
}

/// Checks a create (`before` = `None`) or an edit of `before`.
async fn check_input(
    state: &AppState,
    before: Option<&group::Model>,
    input: &GroupInput,
) -> Result<(), AdminError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AdminError::invalid("name: must be 1 to 255 characters"));
    }
    if input.max_storage < 0 {
        return Err(AdminError::invalid("max_storage: must not be negative"));
    }
    if input.speed_limit < 0 {
        return Err(AdminError::invalid("speed_limit: must not be negative"));
    }
    let anonymous = before.is_some_and(|g| g.id == users::ANONYMOUS_GROUP);
    if input.permissions.enabled(group_perm::IS_ANONYMOUS) != anonymous {
        return Err(AdminError::invalid(
            "permissions: the anonymous flag (bit 1) belongs to the anonymous group alone",
        ));
    }
    if anonymous && input.permissions.enabled(group_perm::IS_ADMIN) {
        return Err(AdminError::invalid(
            "permissions: the anonymous group cannot have the admin permission",
        ));
    }
    check_settings(&input.settings)?;
    if let Some(policy) = input.storage_policy_id {
        let exists = storage_policy::Entity::find_by_id(policy)
            .one(&state.db)
            .await?
            .is_some_and(|p| p.deleted_at.is_none());
        if !exists {
            return Err(AdminError::PolicyNotFound);
        }
    }
    Ok(())
}

/// Group settings: an object whose known numbers are whole and not negative, and whose
/// `redirected_source` is a boolean.
fn check_settings(settings: &Value) -> Result<(), AdminError> {
    let Some(map) = settings.as_object() else {
        return Err(AdminError::invalid("settings: must be an object"));
    };
    const NUMBERS: &[&str] = &[
        "compress_size",
        "decompress_size",
        "source_batch",
        "aria2_batch",
        "max_walked_files",
        "trash_retention",
        "max_queued_tasks",
        "max_shares",
        "max_dav_accounts",
        "snapshot_max_per_folder",
        "snapshot_max_schedules",
    ];
    for key in NUMBERS {
        if let Some(v) = map.get(*key)
            && !v.is_null()
            && v.as_i64().is_none_or(|n| n < 0)
        {
            return Err(AdminError::invalid(format!(
                "settings.{key}: must be a whole number, 0 or more"
            )));
        }
    }
    if let Some(v) = map.get("redirected_source")
        && !v.is_null()
        && !v.is_boolean()
    {
        return Err(AdminError::invalid(
            "settings.redirected_source: must be true or false",
        ));
    }
    if let Some(v) = map.get("remote_download_options")
        && !v.is_null()
        && !v.is_object()
    {
        return Err(AdminError::invalid(
            "settings.remote_download_options: must be an object",
        ));
    }
    Ok(())
}

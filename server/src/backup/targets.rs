//! Backup targets: list, read, create, edit, delete (refused while a task writes to it),
//! star, test (a probe object written, read back and deleted) and usage. Each create or
//! edit is checked and tested before it is saved, like a storage policy.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::Value;
use stratus_entity::{backup_target, backup_task};

use super::{BackupError, layout, target};
use crate::{
    admin::list::{self, ListQuery, Page},
    state::AppState,
    storage,
};

const SORTABLE: &[&str] = &["name", "type", "starred", "created_at", "updated_at"];

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct TargetInput {
    pub name: String,
    pub r#type: String,
    pub settings: Value,
    pub starred: Option<bool>,
}

/// One page of targets. Condition: `type`, `starred`.
pub async fn list(
    state: &AppState,
    q: &ListQuery,
) -> Result<Page<backup_target::Model>, BackupError> {
    q.allow(&["type", "starred"], &["name"])
        .map_err(|e| BackupError::Invalid(e.to_string()))?;
    let mut select = backup_target::Entity::find();
    if let Some(t) = q.text("type") {
        select = select.filter(backup_target::Column::Type.eq(t));
    }
    if let Some(s) = q.text("starred") {
        select = select.filter(backup_target::Column::Starred.eq(matches!(s, "1" | "true")));
    }
    if let Some(name) = q.searches.get("name").filter(|s| !s.is_empty()) {
        select = select.filter(list::contains::<backup_target::Entity>(
            backup_target::Column::Name,
            name,
        ));
    }
    list::fetch(&state.db, select, q, SORTABLE)
        .await
        .map_err(|e| BackupError::Invalid(e.to_string()))
}

pub async fn find(state: &AppState, id: i64) -> Result<backup_target::Model, BackupError> {
    backup_target::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(BackupError::TargetNotFound)
}

fn check_name(name: &str) -> Result<(), BackupError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(BackupError::invalid("name: must be 1 to 255 characters"));
    }
    Ok(())
}

/// Checks, tests and saves a new target.
pub async fn create(
    state: &AppState,
    input: TargetInput,
) -> Result<backup_target::Model, BackupError> {
    check_name(&input.name)?;
    target::check(&input.r#type, &input.settings)?;
    probe(state, &input.r#type, &input.settings).await?;
    Ok(backup_target::ActiveModel {
        name: Set(input.name.trim().to_owned()),
        r#type: Set(input.r#type),
        settings: Set(input.settings),
        starred: Set(input.starred.unwrap_or(false)),
        ..Default::default()
    }
    .insert(&state.db)
    .await?)
}

/// Checks, tests and saves an edit; secrets left out keep their stored values.
pub async fn update(
    state: &AppState,
    id: i64,
    input: TargetInput,
) -> Result<(backup_target::Model, backup_target::Model), BackupError> {
    let before = find(state, id).await?;
    check_name(&input.name)?;
    let settings = target::keep_secrets(input.settings, &before.settings);
    target::check(&input.r#type, &settings)?;
    probe(state, &input.r#type, &settings).await?;
    let mut row = before.clone().into_active_model();
    row.name = Set(input.name.trim().to_owned());
    row.r#type = Set(input.r#type);
    row.settings = Set(settings);
    if let Some(starred) = input.starred {
        row.starred = Set(starred);
    }
    Ok((before, row.update(&state.db).await?))
}

/// Deletes a target no task writes to. Its records' rows go with it; what they left on the
/// storage stays there.
pub async fn delete(state: &AppState, id: i64) -> Result<backup_target::Model, BackupError> {
    let row = find(state, id).await?;
    let users: Vec<i64> = backup_task::Entity::find()
        .filter(backup_task::Column::TargetId.eq(id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if !users.is_empty() {
        let ids: Vec<String> = users.iter().map(i64::to_string).collect();
        return Err(BackupError::TargetInUse(ids.join(", ")));
    }
    backup_target::Entity::delete_by_id(id)
        .exec(&state.db)
        .await?;
    Ok(row)
}

/// Stars or unstars a target.
pub async fn star(
    state: &AppState,
    id: i64,
    on: bool,
) -> Result<backup_target::Model, BackupError> {
    let mut row = find(state, id).await?.into_active_model();
    row.starred = Set(on);
    Ok(row.update(&state.db).await?)
}

/// Whether any task uses the target.
pub async fn in_use(state: &AppState, id: i64) -> Result<bool, BackupError> {
    Ok(backup_task::Entity::find()
        .filter(backup_task::Column::TargetId.eq(id))
        .count(&state.db)
        .await?
        > 0)
}

/// Writes, reads back and deletes a small object through a fresh driver for the target; a
/// failure is [`BackupError::TargetTest`] with the driver's words.
pub async fn probe(state: &AppState, kind: &str, settings: &Value) -> Result<(), BackupError> {
    let driver = target::driver(state, kind, settings)
        .await
        .map_err(|e| BackupError::TargetTest(e.to_string()))?;
    let key = format!("{}probe-{}", layout::PREFIX, uuid::Uuid::new_v4().simple());
    let body = format!("Stratus backup target test {key}");
    storage::probe::round_trip(driver.as_ref(), &key, body)
        .await
        .map_err(BackupError::TargetTest)
}

/// What a target holds.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// Bytes of every object under the backup prefix.
    pub used: u64,
    /// Blobs stored.
    pub blobs: u64,
    /// Free bytes where the driver can tell (a local folder's file system).
    pub free: Option<u64>,
}

pub async fn usage(state: &AppState, id: i64) -> Result<Usage, BackupError> {
    let row = find(state, id).await?;
    let driver = target::driver(state, &row.r#type, &row.settings).await?;
    let objects = driver.list(layout::PREFIX).await?;
    let used = objects.iter().map(|o| o.size).sum();
    let blobs = objects
        .iter()
        .filter(|o| layout::name_of_key(&o.key).is_some())
        .count() as u64;
    Ok(Usage {
        used,
        blobs,
        free: target::free_space(&row.r#type, &row.settings),
    })
}

//! Backup tasks: list, read, create, edit, delete, toggle. The schedule is checked on save
//! (`schedule::parse`), and the task's next run computed from it.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use stratus_entity::{backup_task, user};

use super::{BackupError, schedule, targets};
use crate::{
    admin::list::{self, ListQuery, Page},
    fs::uri::FileUri,
    state::AppState,
};

const SORTABLE: &[&str] = &[
    "name",
    "kind",
    "enabled",
    "last_run_at",
    "next_run_at",
    "created_at",
    "updated_at",
];

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct TaskInput {
    pub name: String,
    pub kind: String,
    pub source: Value,
    pub target_id: i64,
    pub schedule: String,
    pub keep_last: i32,
    pub keep_days: i32,
    pub enabled: bool,
    pub encrypt: bool,
}

/// Conditions: `kind`, `target_id`, `enabled`.
pub async fn list(
    state: &AppState,
    q: &ListQuery,
) -> Result<Page<backup_task::Model>, BackupError> {
    let invalid = |e: crate::admin::AdminError| BackupError::Invalid(e.to_string());
    q.allow(&["kind", "target_id", "enabled"], &["name"])
        .map_err(invalid)?;
    let mut select = backup_task::Entity::find();
    if let Some(k) = q.text("kind") {
        select = select.filter(backup_task::Column::Kind.eq(k));
    }
    if let Some(id) = q.int("target_id").map_err(invalid)? {
        select = select.filter(backup_task::Column::TargetId.eq(id));
    }
    if let Some(e) = q.text("enabled") {
        select = select.filter(backup_task::Column::Enabled.eq(matches!(e, "1" | "true")));
    }
    if let Some(name) = q.searches.get("name").filter(|s| !s.is_empty()) {
        select = select.filter(list::contains::<backup_task::Entity>(
            backup_task::Column::Name,
            name,
        ));
    }
    list::fetch(&state.db, select, q, SORTABLE)
        .await
        .map_err(|e| BackupError::Invalid(e.to_string()))
}

pub async fn find(state: &AppState, id: i64) -> Result<backup_task::Model, BackupError> {
    backup_task::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(BackupError::TaskNotFound)
}

/// Checks every field; answers the source as stored.
async fn check(state: &AppState, input: &TaskInput) -> Result<Value, BackupError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(BackupError::invalid("name: must be 1 to 255 characters"));
    }
    schedule::parse(&input.schedule)?;
    if input.keep_last < 0 || input.keep_days < 0 {
        return Err(BackupError::invalid(
            "keep_last / keep_days: must not be negative",
        ));
    }
    if input.encrypt {
        return Err(BackupError::invalid(
            "encrypt: encrypted backups are not available",
        ));
    }
    targets::find(state, input.target_id)
        .await
        .map_err(|_| BackupError::invalid("target_id: no such backup target"))?;
    let user_exists = |id: i64| async move {
        Ok::<bool, BackupError>(
            user::Entity::find_by_id(id)
                .filter(user::Column::DeletedAt.is_null())
                .count(&state.db)
                .await?
                > 0,
        )
    };
    match input.kind.as_str() {
        backup_task::kind::INSTANCE => Ok(json!({})),
        backup_task::kind::USERS => {
            let ids: Option<Vec<i64>> = input.source["user_ids"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_i64).collect());
            let ids = ids
                .filter(|ids| !ids.is_empty())
                .ok_or_else(|| BackupError::invalid("source.user_ids: at least one user id"))?;
            for id in &ids {
                if !user_exists(*id).await? {
                    return Err(BackupError::invalid(format!(
                        "source.user_ids: no user {id}"
                    )));
                }
            }
            Ok(json!({"user_ids": ids}))
        }
        backup_task::kind::FOLDER => {
            let id = input.source["user_id"]
                .as_i64()
                .ok_or_else(|| BackupError::invalid("source.user_id: a user id"))?;
            if !user_exists(id).await? {
                return Err(BackupError::invalid(format!(
                    "source.user_id: no user {id}"
                )));
            }
            let uri = input.source["uri"]
                .as_str()
                .ok_or_else(|| BackupError::invalid("source.uri: a folder URI"))?;
            FileUri::parse(uri).map_err(|e| BackupError::invalid(format!("source.uri: {e}")))?;
            Ok(json!({"user_id": id, "uri": uri}))
        }
        _ => Err(BackupError::invalid(
            "kind: must be instance, users or folder",
        )),
    }
}

pub async fn create(state: &AppState, input: TaskInput) -> Result<backup_task::Model, BackupError> {
    let source = check(state, &input).await?;
    let row = backup_task::ActiveModel {
        name: Set(input.name.trim().to_owned()),
        kind: Set(input.kind),
        source: Set(source),
        target_id: Set(input.target_id),
        schedule: Set(input.schedule.trim().to_owned()),
        keep_last: Set(input.keep_last),
        keep_days: Set(input.keep_days),
        enabled: Set(input.enabled),
        encrypt: Set(false),
        recipient: Set(None),
        last_run_at: Set(None),
        next_run_at: Set(None),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    with_next_run(state, row).await
}

pub async fn update(
    state: &AppState,
    id: i64,
    input: TaskInput,
) -> Result<(backup_task::Model, backup_task::Model), BackupError> {
    let before = find(state, id).await?;
    let source = check(state, &input).await?;
    let mut row = before.clone().into_active_model();
    row.name = Set(input.name.trim().to_owned());
    row.kind = Set(input.kind);
    row.source = Set(source);
    row.target_id = Set(input.target_id);
    row.schedule = Set(input.schedule.trim().to_owned());
    row.keep_last = Set(input.keep_last);
    row.keep_days = Set(input.keep_days);
    row.enabled = Set(input.enabled);
    let row = row.update(&state.db).await?;
    Ok((before, with_next_run(state, row).await?))
}

/// Deletes a task; its records (and what they hold on the target) stay.
pub async fn delete(state: &AppState, id: i64) -> Result<backup_task::Model, BackupError> {
    let row = find(state, id).await?;
    backup_task::Entity::delete_by_id(id)
        .exec(&state.db)
        .await?;
    Ok(row)
}

/// Enables or disables a task's schedule (`None`: the other way round).
pub async fn toggle(
    state: &AppState,
    id: i64,
    enabled: Option<bool>,
) -> Result<backup_task::Model, BackupError> {
    let row = find(state, id).await?;
    let on = enabled.unwrap_or(!row.enabled);
    let mut active = row.into_active_model();
    active.enabled = Set(on);
    let row = active.update(&state.db).await?;
    with_next_run(state, row).await
}

async fn with_next_run(
    state: &AppState,
    row: backup_task::Model,
) -> Result<backup_task::Model, BackupError> {
    let next = schedule::next_run(&row, Utc::now());
    if next == row.next_run_at {
        return Ok(row);
    }
    let mut active = row.into_active_model();
    active.next_run_at = Set(next);
    Ok(active.update(&state.db).await?)
}

//! What backups tell administrators through the notification channels (`notify`): a run that
//! failed or completed, and a saved target that failed its test.

use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{backup_record, backup_target, backup_task};

use crate::{
    notify::{self, Event, EventKind},
    state::AppState,
};

/// A run ended: `error` is `None` when it completed.
pub async fn run_ended(state: &AppState, record: &backup_record::Model, error: Option<&str>) {
    let task = match record.task_id {
        Some(id) => backup_task::Entity::find_by_id(id)
            .one(&state.db)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let name = task.as_ref().map_or("(deleted task)", |t| t.name.as_str());
    let details = json!({
        "record_id": record.id,
        "task_id": record.task_id,
        "task": name,
        "target_id": record.target_id,
        "trigger": record.trigger,
        "files": record.files,
        "size": record.size,
        "new_bytes": record.new_bytes,
        "error": error,
    });
    let event = match error {
        Some(why) => Event::new(
            EventKind::BackupFailed,
            format!("Backup \"{name}\" failed"),
            format!(
                "The {} run of backup \"{name}\" failed: {why}",
                record.trigger
            ),
            details,
        ),
        None => Event::new(
            EventKind::BackupCompleted,
            format!("Backup \"{name}\" completed"),
            format!(
                "The {} run of backup \"{name}\" completed: {} files, {} bytes, {} bytes new on the target.",
                record.trigger, record.files, record.size, record.new_bytes
            ),
            details,
        ),
    };
    notify::publish(state, event).await;
}

/// A saved target failed its test.
pub async fn target_failed(state: &AppState, target: &backup_target::Model, why: &str) {
    let event = Event::new(
        EventKind::TargetTestFailed,
        format!("Backup target \"{}\" failed its test", target.name),
        format!(
            "Writing, reading back and deleting a probe on backup target \"{}\" failed: {why}",
            target.name
        ),
        json!({"target_id": target.id, "target": target.name, "type": target.r#type, "error": why}),
    );
    notify::publish(state, event).await;
}

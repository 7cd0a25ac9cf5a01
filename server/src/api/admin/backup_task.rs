//! `/admin/backup/task`: backup tasks (list, read, create, edit, delete, toggle, run now).

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path};
use serde_json::{Value, json};

use super::{
    backup_dto::{RecordRow, TaskFields, TaskList, TaskRow, Toggle},
    dto::{AdminListRequest, pagination},
};
use crate::{
    admin::{Actor, audit},
    api::{
        ApiTags,
        envelope::{ApiResult, done, ok},
        json::ApiJson,
    },
    backup::{
        run,
        tasks::{self, TaskInput},
    },
    state::AppState,
};

fn input(fields: TaskFields) -> TaskInput {
    TaskInput {
        name: fields.name,
        kind: fields.kind,
        source: fields.source.unwrap_or_else(|| json!({})),
        target_id: fields.target_id,
        schedule: fields.schedule.unwrap_or_default(),
        keep_last: fields.keep_last.unwrap_or(0),
        keep_days: fields.keep_days.unwrap_or(0),
        enabled: fields.enabled.unwrap_or(true),
        encrypt: fields.encrypt.unwrap_or(false),
    }
}

fn audited(row: &stratus_entity::backup_task::Model) -> Value {
    audit::row_json(row)
}

pub struct AdminBackupTaskApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminBackupTaskApi {
    /// Lists backup tasks. Conditions: `kind`, `target_id`, `enabled`; search: `name`.
    #[oai(
        path = "/admin/backup/task",
        method = "post",
        operation_id = "list_backup_tasks"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<TaskList> {
        let q = body.query()?;
        let page = tasks::list(&state, &q).await?;
        ok(TaskList {
            tasks: page.rows.iter().map(TaskRow::of).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// Creates a backup task. A schedule Stratus cannot read is 40001 naming what is wrong.
    #[oai(
        path = "/admin/backup/task",
        method = "put",
        operation_id = "create_backup_task"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<TaskFields>,
    ) -> ApiResult<TaskRow> {
        let row = tasks::create(&state, input(body.0)).await?;
        audit::record(
            &state,
            &actor,
            "backup_task",
            Some(row.id),
            "create",
            audited(&row),
        )
        .await;
        ok(TaskRow::of(&row))
    }

    #[oai(
        path = "/admin/backup/task/:id",
        method = "get",
        operation_id = "get_backup_task"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<TaskRow> {
        ok(TaskRow::of(&tasks::find(&state, id.0).await?))
    }

    #[oai(
        path = "/admin/backup/task/:id",
        method = "put",
        operation_id = "update_backup_task"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<TaskFields>,
    ) -> ApiResult<TaskRow> {
        let (before, after) = tasks::update(&state, id.0, input(body.0)).await?;
        audit::record_update(&state, &actor, "backup_task", id.0, &before, &after).await;
        ok(TaskRow::of(&after))
    }

    /// Deletes a task; its records and what they hold on the target stay.
    #[oai(
        path = "/admin/backup/task/:id",
        method = "delete",
        operation_id = "delete_backup_task"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        let row = tasks::delete(&state, id.0).await?;
        audit::record(
            &state,
            &actor,
            "backup_task",
            Some(row.id),
            "delete",
            audited(&row),
        )
        .await;
        done()
    }

    /// Enables or disables the task's schedule.
    #[oai(
        path = "/admin/backup/task/:id/toggle",
        method = "put",
        operation_id = "toggle_backup_task"
    )]
    async fn toggle(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<Toggle>,
    ) -> ApiResult<TaskRow> {
        ok(TaskRow::of(
            &tasks::toggle(&state, id.0, body.enabled).await?,
        ))
    }

    /// Runs the task now; answers the new record (queued). Refused (409) while a run of the
    /// task is queued or running, and when the task holds 10 manual records.
    #[oai(
        path = "/admin/backup/task/:id/run",
        method = "post",
        operation_id = "run_backup_task"
    )]
    async fn run(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<RecordRow> {
        ok(RecordRow::of(&run::run_now(&state, id.0).await?))
    }
}

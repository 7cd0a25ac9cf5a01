//! `/admin/queue`: every user's tasks, the counts of each queue, deleting and cleaning up.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::Value;
use stratus_entity::task;

use super::dto::{AdminListRequest, BatchIds, pagination};
use crate::{
    admin::{Actor, tasks},
    api::{
        ApiTags,
        dto::{
            file::Pagination,
            task::{TaskLogLine, TaskSummary},
        },
        envelope::{ApiResult, done, ok},
        json::ApiJson,
        present,
    },
    ids::{HashIds, IdKind},
    queue::log_line,
    state::AppState,
};

/// A task row, with the hashids the web UI links by.
#[derive(Debug, Object)]
#[oai(rename = "AdminTaskRow", skip_serializing_if_is_none)]
pub struct TaskRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[oai(rename = "type")]
    pub kind: String,
    pub status: String,
    pub public_state: Value,
    pub correlation_id: Option<String>,
    pub user_tasks: Option<i64>,
    pub queue: String,
    pub claimed_by: Option<String>,
    pub user_hash_id: Option<String>,
    pub task_hash_id: String,
    pub summary: Option<TaskSummary>,
    /// The task's latest log lines in English, one a line; only when one task is read
    /// (`GET /admin/queue/:id`).
    pub log: Option<String>,
    /// The same lines with their message keys and arguments; only with `log`.
    pub log_lines: Option<Vec<TaskLogLine>>,
}

impl TaskRow {
    fn of(ids: &HashIds, row: &task::Model) -> Self {
        Self {
            id: row.id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            kind: row.r#type.clone(),
            status: row.status.clone(),
            public_state: row.public_state.clone(),
            correlation_id: row.correlation_id.clone(),
            user_tasks: row.user_id,
            queue: row.queue.clone(),
            claimed_by: row.claimed_by.clone(),
            user_hash_id: row.user_id.map(|u| ids.encode(u, IdKind::User)),
            task_hash_id: ids.encode(row.id, IdKind::Task),
            summary: present::task::task(ids, row).summary,
            log: None,
            log_lines: None,
        }
    }
}

/// `POST /admin/queue`
#[derive(Debug, Object)]
#[oai(rename = "AdminTaskList")]
pub struct TaskList {
    pub tasks: Vec<TaskRow>,
    pub pagination: Pagination,
}

/// `GET /admin/queue/metrics`
#[derive(Debug, Object)]
pub struct QueueMetrics {
    pub name: String,
    pub busy_workers: i64,
    pub success_tasks: i64,
    pub failure_tasks: i64,
    pub submitted_tasks: i64,
    pub suspending_tasks: i64,
}

/// `POST /admin/queue/cleanup`
#[derive(Debug, Object)]
pub struct QueueCleanup {
    /// Ended tasks created at or before this time go.
    pub not_after: DateTime<Utc>,
    /// Only these task types (all when empty).
    pub types: Option<Vec<String>>,
    /// Only these statuses among `completed`, `error`, `canceled` (all when empty).
    pub status: Option<Vec<String>>,
}

pub struct AdminQueueApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminQueueApi {
    /// Task counts of each queue, over every instance.
    #[oai(
        path = "/admin/queue/metrics",
        method = "get",
        operation_id = "queue_metrics"
    )]
    async fn metrics(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
    ) -> ApiResult<Vec<QueueMetrics>> {
        let rows = tasks::metrics(&state).await?;
        ok(rows
            .into_iter()
            .map(|m| QueueMetrics {
                name: m.name.to_owned(),
                busy_workers: m.busy_workers,
                success_tasks: m.success_tasks,
                failure_tasks: m.failure_tasks,
                submitted_tasks: m.submitted_tasks,
                suspending_tasks: m.suspending_tasks,
            })
            .collect())
    }

    /// Lists tasks. Conditions: `task_type`, `task_status`, `task_user_id`,
    /// `task_correlation_id`.
    #[oai(
        path = "/admin/queue",
        method = "post",
        operation_id = "list_tasks_admin"
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
            tasks: page
                .rows
                .iter()
                .map(|r| TaskRow::of(&state.ids, r))
                .collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// One task, with its log.
    #[oai(
        path = "/admin/queue/:id",
        method = "get",
        operation_id = "get_task_admin"
    )]
    async fn get(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<TaskRow> {
        let row = tasks::get(&state, id.0).await?;
        ok(TaskRow {
            log: Some(log_line::text(&row.log)),
            log_lines: Some(present::task::log_lines(&row)),
            ..TaskRow::of(&state.ids, &row)
        })
    }

    /// Deletes tasks; a running one stops.
    #[oai(
        path = "/admin/queue/batch/delete",
        method = "post",
        operation_id = "delete_tasks_admin"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<BatchIds>,
    ) -> ApiResult<String> {
        tasks::delete_many(&state, &body.ids).await?;
        done()
    }

    /// Deletes ended tasks (`completed`, `error`, `canceled`, or the given `status` among
    /// them) created at or before `not_after`, of the given `types` when any.
    #[oai(
        path = "/admin/queue/cleanup",
        method = "post",
        operation_id = "cleanup_tasks_admin"
    )]
    async fn cleanup(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<QueueCleanup>,
    ) -> ApiResult<String> {
        let types = body.types.clone().unwrap_or_default();
        let status = body.status.clone().unwrap_or_default();
        tasks::cleanup(&state, body.not_after, &types, &status).await?;
        done()
    }
}

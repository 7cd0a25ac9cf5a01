//! `POST /snapshot/:id/restore` (Stratus extension): a restore of one of the caller's
//! snapshots, queued as a task followed through `/workflow` (see [`crate::snapshot::restore`]).

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    dto::task::TaskResponse,
    envelope::{ApiResult, ok},
    json::ApiJson,
    present,
};
use crate::{auth::caller::Caller, snapshot::restore, state::AppState};

/// `POST /snapshot/:id/restore`
#[derive(Debug, Object)]
pub struct RestoreRequest {
    /// `replace`: the folder becomes what the snapshot holds (what was added since goes to
    /// the trash, changed files get the snapshot's content as a new version, deleted ones
    /// come back). `copy`: the snapshot's content is restored into `dst`.
    pub mode: String,
    /// With `copy`: a folder of the caller's drive (`cloudreve://my/...`), created if missing.
    pub dst: Option<String>,
}

pub struct SnapshotRestoreApi;

#[OpenApi(tag = "ApiTags::Snapshot")]
impl SnapshotRestoreApi {
    /// Queues the restore of a snapshot (a `snapshot_restore` task, listed by
    /// `GET /workflow?category=general`). Before a `replace`, the folder's current state is
    /// snapshotted as `before-restore-<yyyymmdd-hhmmss>`, so the restore can be undone.
    /// Files locked by WebDAV clients are skipped and named in the task's log. Another user's
    /// snapshot answers like a missing one (40016).
    #[oai(
        path = "/snapshot/:id/restore",
        method = "post",
        operation_id = "restore_snapshot"
    )]
    async fn restore_snapshot(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
        body: ApiJson<RestoreRequest>,
    ) -> ApiResult<TaskResponse> {
        caller.signed_in()?;
        let body = body.0;
        let row = restore::submit(&state, &caller, &id.0, &body.mode, body.dst).await?;
        ok(present::task::task(&state.ids, &row))
    }
}

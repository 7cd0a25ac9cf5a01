//! `/snapshot` (Stratus extension): taking, listing, reading and deleting snapshots of the
//! caller's folders. Browsing and restoring go through the file routes and
//! `/snapshot/:id/restore`.

use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
};

use crate::api::{
    ApiTags,
    dto::{
        file::Pagination,
        snapshot::{Snapshot, SnapshotList, SnapshotSchedule},
    },
    envelope::{ApiResult, done, ok},
    json::ApiJson,
};
use crate::{
    auth::caller::Caller,
    snapshot::{
        SnapshotError, delete,
        list::{self, exclusive_size},
        schedule::{self, ScheduleRequest},
        take::{self, TakeRequest},
    },
    state::AppState,
};

/// `PUT /snapshot`
#[derive(Debug, Object)]
pub struct SnapshotRequest {
    /// The folder (`cloudreve://my/...`; the root for the whole drive).
    pub uri: String,
    /// 1 to 64 letters, digits, spaces, `-` or `_`, once trimmed.
    pub name: String,
    /// At most 1024 characters.
    pub description: Option<String>,
}

/// `PUT /snapshot/schedule`
#[derive(Debug, Object)]
pub struct SnapshotScheduleRequest {
    /// The folder (`cloudreve://my/...`; the root for the whole drive).
    pub uri: String,
    /// `@hourly`, `@daily` or `@weekly` (periods aligned on the Unix epoch, UTC).
    pub every: String,
    /// Scheduled snapshots kept, 1 to 100; older ones are deleted, oldest first.
    pub keep: i32,
}

pub struct SnapshotApi;

/// The row as the API shows it, with its exclusive size read now.
pub(crate) async fn present(
    state: &AppState,
    row: &stratus_entity::snapshot::Model,
) -> Result<Snapshot, SnapshotError> {
    let exclusive = exclusive_size(&state.db, row.id).await?;
    Ok(Snapshot::of(&state.ids, row, exclusive))
}

#[OpenApi(tag = "ApiTags::Snapshot")]
impl SnapshotApi {
    /// Takes a snapshot of one of the caller's folders (group permission 20). A small tree is
    /// taken at once (`status: completed`); a tree above the site's
    /// `snapshot_inline_max_files` is taken by a task (`status: in_progress`). A folder has
    /// at most the group's `snapshot_max_per_folder` manual snapshots (40007 beyond).
    #[oai(path = "/snapshot", method = "put", operation_id = "create_snapshot")]
    async fn create_snapshot(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<SnapshotRequest>,
    ) -> ApiResult<Snapshot> {
        let body = body.0;
        let row = take::take(
            &state,
            &caller,
            TakeRequest {
                uri: body.uri,
                name: body.name,
                description: body.description.unwrap_or_default(),
            },
        )
        .await?;
        ok(present(&state, &row).await?)
    }

    /// The caller's snapshots, newest first, by cursor (`next_page_token`): of the folder at
    /// `uri` when given, else all of them.
    #[oai(path = "/snapshot", method = "get", operation_id = "list_snapshots")]
    async fn list_snapshots(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        uri: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] page_size: Query<
            Option<i64>,
        >,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<SnapshotList> {
        let page_size = page_size.0.unwrap_or(50);
        let (rows, next) = list::page(
            &state,
            &caller,
            uri.0.as_deref(),
            page_size as u64,
            next_page_token.0.as_deref(),
        )
        .await?;
        let mut snapshots = Vec::with_capacity(rows.len());
        for row in &rows {
            snapshots.push(present(&state, row).await?);
        }
        ok(SnapshotList {
            snapshots,
            pagination: Pagination {
                page: 0,
                page_size,
                total_items: None,
                next_token: next,
                is_cursor: Some(true),
            },
        })
    }

    /// One of the caller's snapshots.
    #[oai(path = "/snapshot/:id", method = "get", operation_id = "get_snapshot")]
    async fn get_snapshot(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<Snapshot> {
        let id = list::decode(&state, &id.0)?;
        let row = list::find_own(&state, &caller, id).await?;
        ok(present(&state, &row).await?)
    }

    /// Deletes one of the caller's snapshots: the blobs only it kept are left to the
    /// recycler, and the bytes it kept charged are released.
    #[oai(
        path = "/snapshot/:id",
        method = "delete",
        operation_id = "delete_snapshot"
    )]
    async fn delete_snapshot(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let id = list::decode(&state, &id.0)?;
        delete::delete(&state, &caller, id).await?;
        done()
    }

    /// Snapshots a folder every hour, day or week, keeping the newest `keep` scheduled
    /// snapshots (manual ones are never pruned). At most the group's
    /// `snapshot_max_schedules` schedules per user (40007 beyond).
    #[oai(
        path = "/snapshot/schedule",
        method = "put",
        operation_id = "create_snapshot_schedule"
    )]
    async fn create_schedule(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<SnapshotScheduleRequest>,
    ) -> ApiResult<SnapshotSchedule> {
        let body = body.0;
        let row = schedule::create(
            &state,
            &caller,
            ScheduleRequest {
                uri: body.uri,
                every: body.every,
                keep: body.keep,
            },
        )
        .await?;
        ok(SnapshotSchedule::of(&state.ids, &row))
    }

    /// The caller's snapshot schedules, oldest first.
    #[oai(
        path = "/snapshot/schedule",
        method = "get",
        operation_id = "list_snapshot_schedules"
    )]
    async fn list_schedules(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Vec<SnapshotSchedule>> {
        let rows = schedule::list(&state, &caller).await?;
        ok(rows
            .iter()
            .map(|r| SnapshotSchedule::of(&state.ids, r))
            .collect())
    }

    /// Deletes one of the caller's schedules; the snapshots it took stay.
    #[oai(
        path = "/snapshot/schedule/:id",
        method = "delete",
        operation_id = "delete_snapshot_schedule"
    )]
    async fn delete_schedule(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        schedule::remove(&state, &caller, &id.0).await?;
        done()
    }
}

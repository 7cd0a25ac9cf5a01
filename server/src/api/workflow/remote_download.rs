//! `POST /workflow/download` (queue remote downloads) and `PATCH /workflow/download/:id`
//! (choose a torrent's files) and `DELETE /workflow/download/:id` (cancel). The two methods of
//! one path live in one API: the document keeps only one API's operations of a path.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    dto::task::TaskResponse,
    envelope::{ApiError, ApiResult, done, ok},
    json::ApiJson,
    present,
};
use crate::{
    auth::caller::Caller,
    ids::IdKind,
    queue::QueueError,
    remote_download::{
        control,
        submit::{DownloadRequest, submit},
    },
    state::AppState,
};

pub struct RemoteDownloadApi;

/// `POST /workflow/download`
#[derive(Debug, Object)]
pub struct RemoteDownloadRequest {
    /// URLs (`http`, `https`, `magnet:`), one task each.
    pub src: Option<Vec<String>>,
    /// URI of a `.torrent` file in the caller's drive.
    pub src_file: Option<String>,
    /// URI of the folder the files go to.
    pub dst: String,
}

/// One choice of `PATCH /workflow/download/:id`.
#[derive(Debug, Object)]
pub struct FileChoice {
    /// The file's `index` in the task's `download.files`.
    pub index: u64,
    pub download: bool,
}

/// `PATCH /workflow/download/:id`
#[derive(Debug, Object)]
pub struct SelectFilesRequest {
    pub files: Vec<FileChoice>,
}

#[OpenApi(tag = "ApiTags::File")]
impl RemoteDownloadApi {
    /// Queues remote downloads into the folder `dst` (group permission bit 9): one task per
    /// URL in `src` (at most the group's `aria2_batch`), or one for the torrent `src_file`.
    /// URLs that reach internal addresses are refused.
    #[oai(
        path = "/workflow/download",
        method = "post",
        operation_id = "create_remote_download"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<RemoteDownloadRequest>,
    ) -> ApiResult<Vec<TaskResponse>> {
        caller.signed_in()?;
        let body = body.0;
        let req = DownloadRequest {
            src: body.src.unwrap_or_default(),
            src_file: body.src_file.filter(|s| !s.is_empty()),
            dst: body.dst,
        };
        let rows = submit(&state, &caller, req).await?;
        ok(rows
            .iter()
            .map(|r| present::task::task(&state.ids, r))
            .collect())
    }

    /// Chooses which files of a torrent download are downloaded.
    #[oai(
        path = "/workflow/download/:id",
        method = "patch",
        operation_id = "select_download_files"
    )]
    async fn select(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
        body: ApiJson<SelectFilesRequest>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let id = state
            .ids
            .decode(&id.0, IdKind::Task)
            .map_err(|_| ApiError::from(QueueError::NotFound))?;
        let choices: Vec<(u64, bool)> = body.files.iter().map(|f| (f.index, f.download)).collect();
        control::select(&state, id, me.user.id, &choices).await?;
        done()
    }

    /// Cancels one of the caller's tasks that has not ended (Cloudreve's remote-download
    /// cancel; any task type). A remote download stops and its partial data is removed.
    #[oai(
        path = "/workflow/download/:id",
        method = "delete",
        operation_id = "cancel_task"
    )]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let id = state
            .ids
            .decode(&id.0, IdKind::Task)
            .map_err(|_| ApiError::from(QueueError::NotFound))?;
        control::cancel(&state, id, me.user.id).await?;
        done()
    }
}

//! `/admin/backup/record/:id/download` and `/admin/backup/record/:id/restore`: a backup
//! record as one download, and a folder or users record put back into the drive.

use poem::{Request, Response, error::ResponseError, http::header, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::Path,
    registry::{MetaResponse, MetaResponses},
};

use crate::api::raw::{Described, Raw, bare, binary};
use crate::{
    admin::Actor,
    api::{
        ApiTags,
        dto::task::TaskResponse,
        envelope::{ApiError, ApiResult, ok},
        json::ApiJson,
        present,
    },
    backup::{record_restore, restore::download},
    download::headers,
    net,
    state::AppState,
};

pub struct AdminBackupRecordIoApi;

/// `POST /admin/backup/record/:id/restore`
#[derive(Debug, Object)]
pub struct RecordRestoreRequest {
    /// A folder (`cloudreve://my/...`) below which each owner's files are restored, created
    /// when missing; without it, everything goes back where it was.
    pub dst: Option<String>,
}

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminBackupRecordIoApi {
    /// A completed record as one download: a `folder` or `users` record as a zip of its
    /// folders and files (each file's content as backed up; a users record puts each drive
    /// under a folder named by its owner's email), an `instance` record as a tar of
    /// `manifest.jsonl.gz`, its database dump and `blobs/<2 hex>/<name>` for every blob it
    /// names, laid out as on the target. Streamed without a length; a failure midway aborts
    /// the body. Errors before the first byte are envelopes: 404 no such record, 409 a record
    /// not completed, 50004 its target cannot be read.
    #[oai(
        path = "/admin/backup/record/:id/download",
        method = "get",
        operation_id = "admin_download_backup_record"
    )]
    async fn download(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        req: &Request,
        id: Path<i64>,
    ) -> RecordDownload {
        let abort = net::abort_handle(req);
        RecordDownload::from(match download::download(&state, id.0, abort).await {
            Ok(d) => Response::builder()
                .content_type(d.content_type)
                .header(
                    header::CONTENT_DISPOSITION,
                    headers::disposition(true, &d.file_name),
                )
                .header(header::CACHE_CONTROL, "private, no-cache")
                .body(poem::Body::from_bytes_stream(d.body)),
            Err(e) => ApiError::from(e).as_response(),
        })
    }

    /// Queues the restore of a completed `folder` or `users` record into the drive (a
    /// `backup_restore` task, answered like `/workflow` tasks): back where it was (a folder
    /// record into its folder, a users record into each owner's drive), or below `dst` in
    /// each owner's drive. Nothing is overwritten: a file already there gets the backup's
    /// content as a new version, so the replaced content stays as an older one; a file that
    /// already has it is left alone; locked files and missing or corrupt blobs are skipped,
    /// logged and named in the task's error. An `instance` record is 40001 (`stratus
    /// restore` rebuilds an instance); 404 no such record, 409 a record not completed.
    #[oai(
        path = "/admin/backup/record/:id/restore",
        method = "post",
        operation_id = "admin_restore_backup_record"
    )]
    async fn restore(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<RecordRestoreRequest>,
    ) -> ApiResult<TaskResponse> {
        let row = record_restore::submit(&state, actor.user.id, id.0, body.0.dst)
            .await
            .map_err(ApiError::from)?;
        ok(present::task::task(&state.ids, &row))
    }
}

/// A streamed zip or tar, or an error envelope.
pub type RecordDownload = Raw<RecordDownloadDoc>;

/// How the document describes [`RecordDownload`].
pub struct RecordDownloadDoc;

impl Described for RecordDownloadDoc {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                content: vec![binary("application/zip"), binary("application/x-tar")],
                ..bare(
                    "The record as a zip (folder, users) or a tar (instance); an envelope \
                     when it cannot be sent.",
                    200,
                )
            }],
        }
    }
}

//! `/admin/backup/record/:id/download` and `/admin/backup/record/:id/restore`: a backup
//! record as one download, and a folder or users record put back into the drive.

use poem::{Request, Response, error::ResponseError, http::header, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    param::Path,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef, Registry},
};

use crate::{
    admin::Actor,
    api::{ApiTags, envelope::ApiError},
    backup::restore::download,
    download::headers,
    net,
    state::AppState,
};

pub struct AdminBackupRecordIoApi;

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
        RecordDownload(match download::download(&state, id.0, abort).await {
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
}

/// A streamed zip or tar, or an error envelope.
pub struct RecordDownload(Response);

impl poem::IntoResponse for RecordDownload {
    fn into_response(self) -> Response {
        self.0
    }
}

impl ApiResponse for RecordDownload {
    fn meta() -> MetaResponses {
        let binary = |content_type| MetaMediaType {
            content_type,
            schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format(
                "string", "binary",
            ))),
        };
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The record as a zip (folder, users) or a tar (instance); an \
                              envelope when it cannot be sent.",
                status: Some(200),
                status_range: None,
                content: vec![
                    binary("application/zip"),
                    binary("application/x-tar"),
                    binary("application/json"),
                ],
                headers: vec![],
            }],
        }
    }

    fn register(_registry: &mut Registry) {}
}

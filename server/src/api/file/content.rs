//! Small edits and versions: `PUT /file/content` (a new version from a raw body),
//! `POST /file/version/current` and `DELETE /file/version`. The work is done in
//! [`crate::upload::edit`] and [`crate::fs::version`].

use futures_util::TryStreamExt;
use poem::{Body, Request, http::header, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};

use crate::api::{
    ApiTags,
    dto::file::FileResponse,
    envelope::{ApiResult, done, ok},
    json::ApiJson,
    present::file as present,
};
use crate::{
    auth::caller::Caller,
    fs::{nav::FsCtx, uri::FileUri, version},
    state::AppState,
    storage::ByteStream,
    upload::edit::{self, EditRequest},
};

/// `POST /file/version/current` and `DELETE /file/version`
#[derive(Debug, Object)]
pub struct VersionRequest {
    /// The file.
    pub uri: String,
    /// Entity hashid of one of the file's versions (as listed in `extended_info.entities`).
    pub version: String,
}

pub struct FileContentApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileContentApi {
    /// Replaces the content of an existing file with the raw request body (at most the
    /// `maxEditSize` setting), stored as a new version. `previous` is the entity hashid the
    /// edit is based on: when it is no longer the current version the edit is refused (40076).
    /// The body is taken raw whatever its `Content-Type` (editors send text as well as
    /// octet streams).
    #[oai(
        path = "/file/content",
        method = "put",
        operation_id = "put_file_content"
    )]
    async fn put_file_content(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        uri: Query<String>,
        previous: Query<Option<String>>,
        body: Body,
    ) -> ApiResult<FileResponse> {
        caller.signed_in()?;
        let uri = FileUri::parse(&uri.0)?;
        let declared = req
            .header(header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok());
        let stream: ByteStream = Box::pin(body.into_bytes_stream().map_err(std::io::Error::other));
        let node = edit::put_content(
            &state,
            &caller,
            EditRequest {
                uri: &uri,
                previous: previous.0.as_deref(),
                declared,
                body: stream,
            },
        )
        .await?;
        ok(present::response(
            &state.db,
            &state.ids,
            &node.file,
            &node.uri,
            &node.capability,
            node.owned,
        )
        .await?)
    }

    /// Makes one of the file's versions the current one.
    #[oai(
        path = "/file/version/current",
        method = "post",
        operation_id = "set_current_version"
    )]
    async fn set_current_version(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<VersionRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&body.uri)?;
        version::set_current(&ctx, &uri, &body.version).await?;
        // The version now current is read for its metadata and the full-text index like a
        // new one (its metadata task replaces the keys of the version it follows).
        if let Ok(node) = crate::fs::nav::resolve(&ctx, &uri).await {
            crate::media_meta::queue_for(&state, &node.file).await;
            crate::fts::queue_for(&state, &node.file).await;
        }
        done()
    }

    /// Deletes a version that is not the current one and releases its storage.
    #[oai(
        path = "/file/version",
        method = "delete",
        operation_id = "delete_version"
    )]
    async fn delete_version(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<VersionRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        version::delete(&ctx, &FileUri::parse(&body.uri)?, &body.version).await?;
        done()
    }
}

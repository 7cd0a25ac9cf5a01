//! `/file`: creating, renaming, moving, copying and describing files and folders.

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};
use serde_json::{Value, json};

use crate::api::{
    ApiTags,
    dto::file::{DirectLinkInfo, FileResponse},
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
    present::file as present,
    query_bool::QueryBool,
};
use crate::{
    auth::caller::Caller,
    download::{direct, link},
    events,
    fs::{
        error::FsError,
        info,
        nav::{self, FsCtx},
        share_tree, snapshot_tree,
        tree::{self, Kind},
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
    state::AppState,
};

/// `POST /file/create`
#[derive(Debug, Object)]
pub struct CreateFileRequest {
    pub uri: String,
    /// `file` or `folder`.
    #[oai(rename = "type")]
    pub kind: String,
    /// Metadata to set on the new object.
    pub metadata: Option<std::collections::BTreeMap<String, String>>,
    /// Fail with 40004 when a folder of that name exists (otherwise it is returned).
    pub err_on_conflict: Option<bool>,
}

/// `POST /file/rename`
#[derive(Debug, Object)]
pub struct RenameFileRequest {
    pub uri: String,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub new_name: String,
}

/// `POST /file/move`
#[derive(Debug, Object)]
pub struct MoveFileRequest {
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
    /// The destination folder.
    pub dst: String,
    /// Copy instead of move.
    pub copy: Option<bool>,
}

pub struct FileApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileApi {
    /// Creates a file or folder (and any missing parent folders). A new file starts with an
    /// empty version: a 0-byte blob on the group's storage policy.
    #[oai(path = "/file/create", method = "post", operation_id = "create_file")]
    async fn create_file(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<CreateFileRequest>,
    ) -> ApiResult<FileResponse> {
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&body.uri)?;
        let kind = match body.kind.as_str() {
            "file" => Kind::File,
            "folder" => Kind::Folder,
            other => {
                return Err(ApiError::new(
                    ErrorCode::ParamError,
                    format!("type: expected file or folder, got {other:?}"),
                ));
            }
        };
        let metadata: Vec<(String, String)> = body
            .metadata
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let err_on_conflict = body.err_on_conflict.unwrap_or(false);
        let node = match kind {
            Kind::File => {
                crate::upload::empty::create_file(&ctx, &uri, &metadata, err_on_conflict).await?
            }
            Kind::Folder => tree::create(&ctx, &uri, kind, &metadata, err_on_conflict).await?,
        };
        let content = json!({"uri": node.uri.to_string(), "type": body.kind});
        audit(&state, &caller, req, events::kind::FILE_CREATE, content).await;
        ok(present_node(&state, &node).await?)
    }

    /// Renames a file or folder.
    #[oai(path = "/file/rename", method = "post", operation_id = "rename_file")]
    async fn rename_file(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<RenameFileRequest>,
    ) -> ApiResult<FileResponse> {
        let ctx = FsCtx::new(&state, &caller);
        let uri = FileUri::parse(&body.uri)?;
        let node = tree::rename(&ctx, &uri, &body.new_name).await?;
        // The name's words are in the full-text index with the text.
        crate::fts::rename::renamed(&state, uri.name().unwrap_or_default(), &node.file).await;
        let content = json!({"from": uri.to_string(), "to": node.uri.to_string()});
        audit(&state, &caller, req, events::kind::FILE_RENAME, content).await;
        ok(present_node(&state, &node).await?)
    }

    /// Moves or copies objects into a folder. Items that fail are listed in
    /// `aggregated_error` (code 40081); the others are applied.
    #[oai(path = "/file/move", method = "post", operation_id = "move_files")]
    async fn move_files(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<MoveFileRequest>,
    ) -> ApiResult<String> {
        let ctx = FsCtx::new(&state, &caller);
        check_batch(&state, body.uris.len()).await?;
        let dst_uri = FileUri::parse(&body.dst)?;
        let dst = nav::resolve(&ctx, &dst_uri).await.map_err(|e| match e {
            FsError::NotFound => FsError::ParentNotExist,
            other => other,
        })?;
        if !dst.is_folder() || dst.file.is_symbolic || dst_uri.fs != FsKind::My {
            return Err(FsError::ParentNotExist.into());
        }
        let copy = body.copy.unwrap_or(false);
        let mut failures = Vec::new();
        let mut applied = Vec::new();
        for raw in &body.uris {
            let result = match FileUri::parse(raw) {
                // A snapshot is read-only: its items can only be copied out.
                Ok(src) if src.fs == FsKind::Snapshot => match copy {
                    true => crate::snapshot::restore::copy_out(&ctx, &src, &dst).await,
                    false => Err(snapshot_tree::refuse(&ctx, &src).await),
                },
                Ok(src) => tree::move_one(&ctx, &src, &dst, copy).await,
                Err(e) => Err(e.into()),
            };
            match result {
                Ok(placed) => {
                    // A copy's rows are new to the full-text index (a move keeps its rows).
                    if copy {
                        crate::fts::requeue::queue_tree(&state, &placed).await;
                    }
                    applied.push(raw.clone());
                }
                Err(err) => failures.push((raw.clone(), ApiError::from(err))),
            }
        }
        if !applied.is_empty() {
            let kind = if copy {
                events::kind::FILE_COPY
            } else {
                events::kind::FILE_MOVE
            };
            let content = json!({"uris": applied, "dst": dst.uri.to_string()});
            audit(&state, &caller, req, kind, content).await;
        }
        batch_outcome(body.uris.len(), failures)?;
        done()
    }

    /// One object by `uri` or by file `id`; `extended` adds storage details, versions and,
    /// for the file's owner, its direct links (`extended_info.direct_links`),
    /// `folder_summary` the totals of a folder (its owner only: anyone else 40082).
    #[oai(path = "/file/info", method = "get", operation_id = "get_file_info")]
    #[allow(clippy::too_many_arguments)]
    async fn get_file_info(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        uri: Query<Option<String>>,
        id: Query<Option<String>>,
        extended: Query<Option<QueryBool>>,
        folder_summary: Query<Option<QueryBool>>,
    ) -> ApiResult<FileResponse> {
        let ctx = FsCtx::new(&state, &caller);
        if let Some(raw) = uri
            .0
            .as_deref()
            .filter(|u| crate::api::snapshot::browse::is_snapshot(u))
        {
            return ok(crate::api::snapshot::browse::info(&ctx, raw).await?);
        }
        let node = match (uri.0, id.0) {
            (Some(uri), _) => nav::resolve(&ctx, &FileUri::parse(&uri)?).await?,
            (None, Some(id)) => nav::resolve_id(&ctx, &id).await?,
            (None, None) => {
                return Err(ApiError::new(
                    ErrorCode::ParamError,
                    "uri or id is required",
                ));
            }
        };
        node.require(crate::boolset::fs_cap::INFO)?;
        let mut node = node;
        if node.file.is_symbolic {
            // A saved file share shows the shared file's size, as in its listing.
            if let Ok(Some(size)) = share_tree::saved_size(&ctx, &node.file).await {
                node.file.size = size;
            }
        }
        let resp = present_node(&state, &node).await?;
        let found = info::info(
            &ctx,
            &node,
            QueryBool::of(extended.0),
            QueryBool::of(folder_summary.0),
        )
        .await?;
        let mut resp = present::with_info(&state.ids, resp, found);
        if let Some(extended) = resp.extended_info.as_mut()
            && caller.user_id() == Some(node.file.owner_id)
        {
            extended.direct_links = direct_links(&state, req, node.file.id).await?;
        }
        ok(resp)
    }
}

async fn present_node(state: &AppState, node: &nav::Node) -> Result<FileResponse, ApiError> {
    present::response(
        &state.db,
        &state.ids,
        &node.file,
        &node.uri,
        &node.capability,
        node.owned,
    )
    .await
}

/// Records a file-system change of the caller in the audit log.
pub async fn audit(state: &AppState, caller: &Caller, req: &Request, kind: i32, content: Value) {
    let client = events::Client::of(req, &state.config);
    events::record(&state.db, kind, caller.user_id(), &client, Some(content)).await;
}

/// Refuses batches larger than the `max_batched_file` setting (40074).
pub async fn check_batch(state: &AppState, len: usize) -> Result<(), ApiError> {
    let max = state.settings.int("max_batched_file", 3000).await?;
    if len as i64 > max {
        return Err(ApiError::new(
            ErrorCode::TooManyUris,
            format!("at most {max} objects per request"),
        ));
    }
    Ok(())
}

/// The answer of a batch: success, the item's own error for a one-item batch, or 40081 with
/// each failed item under its URI in `aggregated_error` (the other items were applied).
pub fn batch_outcome(total: usize, mut failures: Vec<(String, ApiError)>) -> Result<(), ApiError> {
    if failures.is_empty() {
        return Ok(());
    }
    if total == 1 {
        return Err(failures.remove(0).1);
    }
    Err(failures.iter().fold(
        ApiError::code(ErrorCode::BatchOperationNotFullyCompleted),
        |acc, (uri, err)| acc.with_item(uri.clone(), err),
    ))
}

/// The direct links of a file as its owner sees them in `extended_info`.
async fn direct_links(
    state: &AppState,
    req: &Request,
    file_id: i64,
) -> Result<Option<Vec<DirectLinkInfo>>, ApiError> {
    let rows = direct::links_of(&state.db, file_id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    // The same base as `PUT /file/source` gives the links.
    let base = link::site_base(
        &state.settings.get("siteURL").await?,
        req.header("host"),
        req.header("x-forwarded-proto"),
    );
    Ok(Some(
        rows.into_iter()
            .map(|row| {
                let id = state.ids.encode(row.id, IdKind::SourceLink);
                DirectLinkInfo {
                    url: direct::link_url(&base, &id, &row.name),
                    id,
                    downloaded: row.downloads,
                    created_at: row.created_at,
                }
            })
            .collect(),
    ))
}

//! `GET /file` (listing and search), `PATCH /file/view`, `PUT`/`DELETE /file/pin` and
//! `GET /file/search` (full-text search, `search.rs`).

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query};

use crate::api::{
    ApiTags,
    dto::file::{ExplorerView, ListResponse},
    envelope::{ApiResult, done, ok},
    file::search::{self as file_search, SearchResponse},
    json::ApiJson,
    present::file as present,
};
use crate::{
    auth::caller::Caller,
    fs::{
        list::{self, ListRequest},
        nav::FsCtx,
    },
    state::AppState,
};

/// `PATCH /file/view`
#[derive(Debug, Object)]
pub struct UpdateViewRequest {
    /// The folder (or the root of `trash` / `shared_with_me`).
    pub uri: String,
    /// The view to store; `null` removes it.
    pub view: Option<ExplorerView>,
}

/// `PUT /file/pin`
#[derive(Debug, Object)]
pub struct PinRequest {
    pub uri: String,
    /// Label shown in the navigation bar.
    pub name: Option<String>,
}

/// `DELETE /file/pin`
#[derive(Debug, Object)]
pub struct UnpinRequest {
    pub uri: String,
}

pub struct FileListApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileListApi {
    /// Deletes objects: to the trash by default; permanently for items already in the trash
    /// or with `skip_soft_delete`; `unlink` deletes the records but keeps the blobs (needs
    /// the group's advanced-delete permission, else 40007). The root folder cannot be
    /// deleted (40053).
    #[oai(path = "/file", method = "delete", operation_id = "delete_files")]
    async fn delete_files(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &poem::Request,
        body: ApiJson<super::manage::DeleteFilesRequest>,
    ) -> ApiResult<String> {
        super::manage::delete_files(&state, &caller, req, &body).await
    }

    /// Lists a folder: folders first, then files, each ordered by `order_by` (default: the
    /// folder's view, else `name`) and `order_direction`, ties by id. With cursor
    /// pagination (default) pass `next_page_token` of the previous page; otherwise `page`
    /// (from 0) and `total_items`. A URI with a query part (`?name=*.jpg&case_folding`)
    /// searches the folder and everything below it. `page_size` above `max_page_size` is
    /// lowered to it; a file URI is refused with 40001.
    #[oai(path = "/file", method = "get", operation_id = "list_files")]
    #[allow(clippy::too_many_arguments)]
    async fn list_files(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        uri: Query<String>,
        page: Query<Option<i64>>,
        page_size: Query<Option<i64>>,
        order_by: Query<Option<String>>,
        order_direction: Query<Option<String>>,
        next_page_token: Query<Option<String>>,
    ) -> ApiResult<ListResponse> {
        let ctx = FsCtx::new(&state, &caller);
        if crate::api::snapshot::browse::is_snapshot(&uri.0) {
            let q = crate::api::snapshot::browse::ListQuery {
                page: page.0,
                page_size: page_size.0,
                order_by: order_by.0.filter(|s| !s.is_empty()),
                order_direction: order_direction.0.filter(|s| !s.is_empty()),
                next_page_token: next_page_token.0,
            };
            return ok(crate::api::snapshot::browse::list(&state, &ctx, &uri.0, q).await?);
        }
        let req = ListRequest {
            uri: uri.0,
            page: page.0,
            page_size: page_size.0,
            order_by: order_by.0.filter(|s| !s.is_empty()),
            order_direction: order_direction.0.filter(|s| !s.is_empty()),
            next_page_token: next_page_token.0,
        };
        let listing = list::list(&ctx, &req).await?;
        ok(present::list_response(&state.db, &state.ids, listing).await?)
    }

    /// Stores the explorer view of a folder (`null` removes it). Listings of the folder and
    /// of the folders below it without a view of their own echo it.
    #[oai(
        path = "/file/view",
        method = "patch",
        operation_id = "update_file_view"
    )]
    async fn update_file_view(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<UpdateViewRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let body = body.0;
        list::set_view(&ctx, &body.uri, body.view.map(Into::into)).await?;
        done()
    }

    /// Pins a URI to the navigation bar (shown as `pined` by `GET /user/me`).
    #[oai(path = "/file/pin", method = "put", operation_id = "pin_file")]
    async fn pin_file(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<PinRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        list::pin(&ctx, &body.uri, body.name.as_deref()).await?;
        done()
    }

    /// Removes a pin.
    #[oai(path = "/file/pin", method = "delete", operation_id = "unpin_file")]
    async fn unpin_file(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<UnpinRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        list::unpin(&ctx, &body.uri).await?;
        done()
    }

    /// Full-text search by content (Cloudreve 4.14): `query` is the free text, `offset` the
    /// number of hits the client already shows. Answers the caller's own files outside the
    /// trash and the files inside shares they saved, at most `fts_meilisearch_page_size` per
    /// call; 40019 while `fts_enabled` is off. Stratus additions, all optional: `uri` (only
    /// below this `my` or `share` folder), `name` (the name contains it, ignoring case),
    /// `ext` (comma-separated extensions), `updated_gte`/`updated_lte`/`created_gte`/
    /// `created_lte` (unix seconds).
    #[oai(
        path = "/file/search",
        method = "get",
        operation_id = "search_file_content"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn search_file_content(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        query: Query<String>,
        #[oai(validator(minimum(value = "0")))] offset: Query<Option<i64>>,
        uri: Query<Option<String>>,
        name: Query<Option<String>>,
        ext: Query<Option<String>>,
        updated_gte: Query<Option<i64>>,
        updated_lte: Query<Option<i64>>,
        created_gte: Query<Option<i64>>,
        created_lte: Query<Option<i64>>,
    ) -> ApiResult<SearchResponse> {
        let extra = file_search::Extra {
            uri: uri.0,
            name: name.0,
            ext: ext.0,
            updated_gte: updated_gte.0,
            updated_lte: updated_lte.0,
            created_gte: created_gte.0,
            created_lte: created_lte.0,
        };
        ok(file_search::search(&state, &caller, &query, offset.0.unwrap_or(0), extra).await?)
    }
}

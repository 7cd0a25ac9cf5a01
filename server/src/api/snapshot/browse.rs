//! The ordinary file routes on `cloudreve://<id>@snapshot/...` URIs: `GET /file`,
//! `GET /file/info` and the parts of `POST /file/url` and `POST /file/move` that read a
//! snapshot. The handlers call in here when a URI is a snapshot's (see
//! [`crate::snapshot::browse`]); every other route refuses such URIs in the file system.

use crate::api::{
    dto::file::{FileResponse, ListProps, ListResponse, Pagination},
    envelope::{ApiError, ErrorCode},
};
use crate::{
    fs::{
        list::{
            DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, ORDER_BY_OPTIONS, ORDER_DIRECTION_OPTIONS,
        },
        nav::FsCtx,
        uri::{FileUri, FsKind},
    },
    ids::{HashIds, IdKind},
    snapshot::browse::{self, Found, Order},
    state::AppState,
};
use stratus_entity::snapshot_node;

/// Whether `raw` is a snapshot URI (unparsable input is left to the ordinary route).
pub fn is_snapshot(raw: &str) -> bool {
    FileUri::parse(raw).is_ok_and(|u| u.fs == FsKind::Snapshot)
}

/// The query of `GET /file`, as the list route received it.
#[derive(Debug)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    pub order_by: Option<String>,
    pub order_direction: Option<String>,
    pub next_page_token: Option<String>,
}

/// `GET /file` of a snapshot folder. Pages are numbered; the next page token is the offset
/// of the next page (nothing secret: it only skips rows of the caller's own snapshot).
pub async fn list(
    state: &AppState,
    ctx: &FsCtx<'_>,
    raw: &str,
    q: ListQuery,
) -> Result<ListResponse, ApiError> {
    let uri = FileUri::parse(raw)?;
    if uri.query.is_some() {
        return Err(ApiError::new(
            ErrorCode::ParamError,
            "snapshots cannot be searched",
        ));
    }
    let folder = browse::resolve(ctx, &uri).await?;
    if !folder.is_folder() {
        return Err(ApiError::new(
            ErrorCode::ParamError,
            "only folders can be listed",
        ));
    }
    let order = Order::parse(q.order_by.as_deref(), q.order_direction.as_deref())?;
    let Paging {
        max_page_size,
        page_size,
        use_cursor,
        page,
        offset,
    } = paging(state, &q).await?;
    let db = &state.db;
    let (rows, more) = browse::children(db, &folder, order, offset, page_size as u64).await?;
    let total_items = if use_cursor {
        None
    } else {
        Some(browse::count_children(db, &folder).await? as i64)
    };
    let owner = folder.snapshot.owner_id;
    let files: Vec<FileResponse> = rows
        .iter()
        .map(|row| {
            let child = uri.join(&row.name)?;
            Ok(response(&state.ids, row, owner, &child))
        })
        .collect::<Result<_, ApiError>>()?;
    let has = |kind| rows.iter().any(|r| r.r#type == kind);
    let capability = browse::capability().to_base64();
    let options = |o: &[&str]| Some(o.iter().map(|s| (*s).to_owned()).collect());
    Ok(ListResponse {
        mixed_type: has(stratus_entity::file::kind::FOLDER)
            && has(stratus_entity::file::kind::FILE),
        files,
        parent: response(&state.ids, &folder.node, owner, &folder.uri),
        pagination: Pagination {
            page,
            page_size,
            total_items,
            next_token: (use_cursor && more).then(|| (offset + page_size as u64).to_string()),
            is_cursor: use_cursor.then_some(true),
        },
        props: ListProps {
            capability,
            max_page_size,
            order_by_options: options(&ORDER_BY_OPTIONS),
            order_direction_options: options(&ORDER_DIRECTION_OPTIONS),
        },
        context_hint: Some(uuid::Uuid::new_v4().to_string()),
        recursion_limit_reached: None,
        single_file_view: None,
        storage_policy: None,
        view: None,
    })
}

/// The page a listing asks for.
struct Paging {
    max_page_size: i64,
    page_size: i64,
    /// No page number asked for: the client pages with tokens.
    use_cursor: bool,
    page: i64,
    offset: u64,
}

/// The page size (at most `max_page_size`) and the page, by number or by token.
async fn paging(state: &AppState, q: &ListQuery) -> Result<Paging, ApiError> {
    let max_page_size = state
        .settings
        .int("max_page_size", DEFAULT_MAX_PAGE_SIZE)
        .await?;
    let page_size = q.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page_size < 1 {
        return Err(ApiError::new(
            ErrorCode::ParamError,
            "page_size: at least 1",
        ));
    }
    let page_size = page_size.min(max_page_size);
    let (page, offset) = match (&q.next_page_token, q.page) {
        (Some(token), _) if !token.is_empty() => {
            let offset: i64 = token.parse().ok().filter(|o| *o >= 0).ok_or_else(|| {
                ApiError::new(ErrorCode::ParamError, "next_page_token: malformed")
            })?;
            (offset / page_size, offset as u64)
        }
        (_, Some(page)) if page >= 0 => {
            let offset = page
                .checked_mul(page_size)
                .ok_or_else(|| ApiError::new(ErrorCode::ParamError, "page: too large"))?;
            (page, offset as u64)
        }
        (_, Some(_)) => return Err(ApiError::new(ErrorCode::ParamError, "page: at least 0")),
        _ => (0, 0),
    };
    Ok(Paging {
        max_page_size,
        page_size,
        use_cursor: q.page.is_none(),
        page,
        offset,
    })
}

/// `GET /file/info` of a snapshot node: the node as it was (no storage details: the blob
/// is shared with whatever else names it).
pub async fn info(ctx: &FsCtx<'_>, raw: &str) -> Result<FileResponse, ApiError> {
    let found = browse::resolve(ctx, &FileUri::parse(raw)?).await?;
    Ok(present(&ctx.state.ids, &found))
}

/// A resolved node as the caller sees it.
pub fn present(ids: &HashIds, found: &Found) -> FileResponse {
    response(ids, &found.node, found.snapshot.owner_id, &found.uri)
}

fn response(
    ids: &HashIds,
    node: &snapshot_node::Model,
    owner_id: i64,
    uri: &FileUri,
) -> FileResponse {
    let file = browse::as_file(node, owner_id);
    FileResponse {
        kind: file.r#type,
        id: ids.encode(file.id, IdKind::File),
        name: file.name,
        created_at: file.created_at,
        updated_at: file.updated_at,
        size: file.size,
        metadata: browse::shown_metadata(node),
        path: uri.to_string(),
        shared: None,
        granted: None,
        capability: Some(browse::capability().to_base64()),
        owned: Some(true),
        primary_entity: file.primary_entity.map(|e| ids.encode(e, IdKind::Entity)),
        folder_summary: None,
        extended_info: None,
    }
}

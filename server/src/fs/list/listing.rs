//! `list`: resolves the folder, picks page size and order, and reads and presents one page.

use std::collections::HashMap;

use sea_orm::EntityTrait;
use stratus_entity::{file, storage_policy};

use super::{
    CHUNK, DEFAULT_MAX_PAGE_SIZE, DEFAULT_MAX_SEARCHED_FOLDERS, Direction, ListRequest,
    ORDER_BY_OPTIONS, ORDER_DIRECTION_OPTIONS, OrderKey,
    cursor::Cursor,
    page::{ListCtx, Scope},
    search::walk_folders,
    view::effective_view,
};
use crate::{
    api::dto::file::{FileResponse, ListProps, ListResponse, Pagination},
    boolset::fs_cap,
    fs::{
        error::FsError,
        info, nav,
        nav::{FsCtx, Node},
        present::{self, Item},
        search::SearchQuery,
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
};

/// A resolved URI, with the folders from the root down to it when the path was walked here.
pub(super) struct Located {
    pub(super) node: Node,
    /// `my` only: the root, …, the node itself.
    pub(super) chain: Vec<file::Model>,
}

/// Resolves `uri`. For `my` the path is walked here (with the same rules as
/// [`nav::resolve`]) to keep every ancestor for the view lookup.
async fn locate(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Located, FsError> {
    if uri.fs != FsKind::My {
        return Ok(Located {
            node: nav::resolve(ctx, uri).await?,
            chain: Vec::new(),
        });
    }
    let owner = nav::owner_of(ctx, uri)?;
    let db = &ctx.state.db;
    let mut chain = vec![nav::root(ctx.state, owner).await?];
    for name in uri.segments() {
        let current = chain.last().expect("the chain starts with the root");
        if current.r#type != file::kind::FOLDER || current.is_symbolic {
            return Err(FsError::NotFound);
        }
        let next = nav::child(db, current.id, name)
            .await?
            .ok_or(FsError::NotFound)?;
        chain.push(next);
    }
    let file = chain
        .last()
        .cloned()
        .expect("the chain starts with the root");
    Ok(Located {
        node: Node {
            uri: uri.without_query(),
            owned: file.owner_id == owner,
            file,
            capability: nav::capability(uri.fs),
        },
        chain,
    })
}

/// Whether `uri` is the virtual root of the trash or of shared-with-me.
pub(super) fn is_virtual_root(uri: &FileUri) -> bool {
    uri.is_root() && matches!(uri.fs, FsKind::Trash | FsKind::SharedWithMe)
}

/// Lists (or searches) a folder.
pub async fn list(ctx: &FsCtx<'_>, req: &ListRequest) -> Result<ListResponse, FsError> {
    let state = ctx.state;
    let uri = FileUri::parse(&req.uri)?;
    let search = SearchQuery::from_uri(&uri)?;
    let settings = state.settings.all().await?;
    let setting_int = |key: &str, default: i64| {
        settings
            .get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    let search = match search {
        Some(q) if q.category.is_some() => {
            let key = q.category.expect("checked").setting_key();
            let expanded =
                q.expand_category(settings.get(key).map(String::as_str).unwrap_or_default())?;
            Some(expanded)
        }
        other => other,
    };

    let located = locate(ctx, &uri).await?;
    let node = &located.node;
    node.require(fs_cap::LIST_CHILDREN)?;
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::Invalid(
            "the URI is a file, not a folder: list its parent".into(),
        ));
    }

    // Page size, order and direction: the request's, else the view's, else the defaults.
    let view = effective_view(ctx, &located).await?;
    let max_page_size = setting_int("max_page_size", DEFAULT_MAX_PAGE_SIZE).max(1);
    let page_size = match req.page_size {
        Some(n) if n < 1 => return Err(FsError::Invalid("page_size must be at least 1".into())),
        Some(n) => n,
        None => view.page_size,
    }
    .clamp(1, max_page_size);
    let order = match req.order_by.as_deref() {
        Some(s) => OrderKey::parse(s).ok_or_else(|| {
            FsError::Invalid(format!(
                "order_by must be one of {}",
                ORDER_BY_OPTIONS.join(", ")
            ))
        })?,
        None => view
            .order
            .as_deref()
            .and_then(OrderKey::parse)
            .unwrap_or(OrderKey::Name),
    };
    let dir = match req.order_direction.as_deref() {
        Some(s) => Direction::parse(s)
            .ok_or_else(|| FsError::Invalid("order_direction must be asc or desc".into()))?,
        None => view
            .order_direction
            .as_deref()
            .and_then(Direction::parse)
            .unwrap_or(Direction::Asc),
    };
    let page = req.page.unwrap_or(0);
    if page < 0 {
        return Err(FsError::Invalid("page must be 0 or more".into()));
    }
    let use_cursor = search.is_some()
        || settings
            .get("use_cursor_pagination")
            .is_none_or(|v| crate::settings::parse_bool(v));

    let scope_text = format!(
        "{}|{}|{}|{}|{}|{}",
        uri.fs,
        node.file.id,
        if is_virtual_root(&uri) { "root" } else { "" },
        order.as_str(),
        dir.as_str(),
        uri.query.as_deref().unwrap_or_default(),
    );
    let lctx = ListCtx {
        fs: ctx,
        backend: state.db.get_database_backend(),
        order,
        dir,
        search: search.as_ref(),
        secret: settings.get("secret_key").cloned().unwrap_or_default(),
        scope: scope_text,
    };

    // Which rows, and the URI each is addressed by.
    let mut folder_uris: HashMap<i64, FileUri> = HashMap::new();
    let mut recursion_limit_reached = false;
    // The root of a single-file share shows that file only.
    let single_file = crate::fs::share_tree::single_file_root(ctx, node).await?;
    let scopes: Vec<Scope> = match uri.fs {
        FsKind::Trash if uri.is_root() => vec![Scope::Trash(ctx.user()?.user.id)],
        FsKind::SharedWithMe if uri.is_root() => vec![Scope::SharedWithMe(ctx.user()?.user.id)],
        FsKind::Share if single_file.is_some() => {
            folder_uris.insert(node.file.id, node.uri.clone());
            vec![Scope::Single(single_file.expect("checked"))]
        }
        _ => {
            if search.is_some() {
                let limit = setting_int(
                    "max_recursive_searched_folder",
                    DEFAULT_MAX_SEARCHED_FOLDERS,
                )
                .max(1) as usize;
                let (uris, complete) = walk_folders(&state.db, node, limit).await?;
                recursion_limit_reached = !complete;
                folder_uris = uris;
            } else {
                folder_uris.insert(node.file.id, node.uri.clone());
            }
            let mut ids: Vec<i64> = folder_uris.keys().copied().collect();
            ids.sort_unstable();
            ids.chunks(CHUNK)
                .map(|c| Scope::Parents(c.to_vec()))
                .collect()
        }
    };

    let n = page_size as u64;
    let (rows, next_token, total_items) = if use_cursor {
        let after = req
            .next_page_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| Cursor::decode(&lctx, t))
            .transpose()?;
        let mut rows = Vec::new();
        for scope in &scopes {
            rows.extend(lctx.page(scope, after.as_ref(), n + 1).await?);
        }
        if scopes.len() > 1 {
            rows.sort_by(|a, b| lctx.compare(a, b));
        }
        let more = rows.len() as u64 > n;
        rows.truncate(n as usize);
        let next = more
            .then(|| {
                rows.last()
                    .map(|last| Cursor::after(last, order).encode(&lctx))
            })
            .flatten();
        (rows, next, None)
    } else {
        let start = (page as u64)
            .checked_mul(n)
            .ok_or_else(|| FsError::Invalid("page is too large".into()))?;
        let scope = scopes.first().ok_or(FsError::NotFound)?;
        let (rows, total) = lctx.offset_page(scope, start, n).await?;
        (rows, None, Some(total))
    };

    // Saved shares are listed while their share still works.
    let rows = if matches!(scopes.first(), Some(Scope::SharedWithMe(_))) {
        let mut live = Vec::with_capacity(rows.len());
        for row in rows {
            if crate::fs::share_tree::check_saved(ctx, &row).await.is_ok() {
                live.push(row);
            }
        }
        live
    } else {
        rows
    };

    // Present the folder and the page together: two batched queries.
    let fs_root = FileUri::root(uri.fs, None);
    let mut items = Vec::with_capacity(rows.len() + 1);
    items.push(Item {
        file: &node.file,
        uri: node.uri.clone(),
    });
    for row in &rows {
        let item_uri = match (&scopes.first(), row.parent_id) {
            (Some(Scope::Trash(_)), _) => fs_root.join(&row.name)?,
            (Some(Scope::SharedWithMe(_)), _) => {
                fs_root.join(&state.ids.encode(row.id, IdKind::File))?
            }
            (_, Some(parent)) => folder_uris
                .get(&parent)
                .ok_or(FsError::NotFound)?
                .join(&row.name)?,
            (_, None) => return Err(FsError::NotFound),
        };
        items.push(Item {
            file: row,
            uri: item_uri,
        });
    }
    let mut presented =
        present::responses(&state.db, &state.ids, &items, &node.capability, node.owned).await?;
    let parent: FileResponse = presented.remove(0);
    let has_folders = rows.iter().any(|r| r.r#type == file::kind::FOLDER);
    let has_files = rows.iter().any(|r| r.r#type == file::kind::FILE);

    let storage_policy = if uri.fs == FsKind::My {
        match ctx.user()?.group.storage_policy_id {
            Some(id) => storage_policy::Entity::find_by_id(id)
                .one(&state.db)
                .await?
                .filter(|p| p.deleted_at.is_none())
                .map(|p| {
                    let mut summary = info::policy_summary(&state.ids, &p);
                    summary.relay.get_or_insert(false);
                    summary
                }),
            None => None,
        }
    } else {
        None
    };

    Ok(ListResponse {
        files: presented,
        parent,
        pagination: Pagination {
            page,
            page_size,
            total_items,
            next_token,
            is_cursor: use_cursor.then_some(true),
        },
        props: ListProps {
            capability: node.capability.to_base64(),
            max_page_size,
            order_by_options: ORDER_BY_OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
            order_direction_options: ORDER_DIRECTION_OPTIONS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        },
        context_hint: Some(uuid::Uuid::new_v4().to_string()),
        recursion_limit_reached: recursion_limit_reached.then_some(true),
        mixed_type: has_folders && has_files,
        single_file_view: single_file.is_some().then_some(true),
        storage_policy,
        view: Some(view),
    })
}

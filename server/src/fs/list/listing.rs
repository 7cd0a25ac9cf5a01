//! `list`: resolves the folder, picks page size and order, and reads one page of it, with the
//! URI of each row. `api::present::file` turns the [`Listing`] into the wire shape.

use std::collections::HashMap;

use sea_orm::EntityTrait;
use stratus_entity::{file, storage_policy};

use super::{
    CHUNK, DEFAULT_MAX_PAGE_SIZE, DEFAULT_MAX_SEARCHED_FOLDERS, Direction, ListRequest,
    ORDER_BY_OPTIONS, OrderKey,
    cursor::Cursor,
    page::{ListCtx, Scope},
    search::walk_folders,
    view::{ExplorerView, effective_view},
};
use crate::{
    boolset::{Boolset, fs_cap},
    fs::{
        error::FsError,
        grant, nav,
        nav::{FsCtx, Node},
        path,
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
    if let Some(other) = nav::foreign_owner(ctx, uri)? {
        let (node, chain) = crate::fs::grant::resolve(ctx, uri, other).await?;
        return Ok(Located { node, chain });
    }
    let owner = nav::owner_of(ctx, uri)?;
    let db = &ctx.state.db;
    let mut chain = vec![path::root(ctx.state, owner).await?];
    for name in uri.segments() {
        let current = chain.last().expect("the chain starts with the root");
        if current.r#type != file::kind::FOLDER || current.is_symbolic {
            return Err(FsError::NotFound);
        }
        let next = path::child(db, current.id, name)
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
            grant: None,
        },
        chain,
    })
}

/// Whether `uri` is the virtual root of the trash or of shared-with-me.
pub(super) fn is_virtual_root(uri: &FileUri) -> bool {
    uri.is_root() && matches!(uri.fs, FsKind::Trash | FsKind::SharedWithMe)
}

/// One page of a folder (or of a search below it).
pub struct Listing {
    /// The folder listed.
    pub folder: Node,
    /// The page's rows, each with the URI the caller addresses it by.
    pub entries: Vec<(file::Model, FileUri)>,
    pub page: i64,
    pub page_size: i64,
    /// Offset paging only: how many rows there are in all.
    pub total_items: Option<i64>,
    /// Cursor paging only: the next page's token, when there is one.
    pub next_token: Option<String>,
    pub use_cursor: bool,
    pub max_page_size: i64,
    /// What the listing can be ordered by, and in which directions (see
    /// [`super::order_options`]).
    pub order_by_options: Option<&'static [&'static str]>,
    pub order_direction_options: Option<&'static [&'static str]>,
    /// A search stopped at the folder limit.
    pub recursion_limit_reached: bool,
    /// The root of a single-file share, which shows that file only.
    pub single_file: bool,
    /// `my` only: the storage policy of the caller's group.
    pub storage_policy: Option<storage_policy::Model>,
    pub view: ExplorerView,
    /// What the caller may do to each entry (by id) where it differs from the folder: inside
    /// a folder shared for editing, the entries may be renamed, moved and deleted, the folder
    /// itself not.
    pub capabilities: HashMap<i64, Boolset>,
}

/// The site settings a listing reads.
struct Settings(std::sync::Arc<HashMap<String, String>>);

impl Settings {
    fn int(&self, key: &str, default: i64) -> i64 {
        self.0
            .get(key)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    }
}

/// Page size, order and paging of one listing.
struct Paging {
    max_page_size: i64,
    page_size: i64,
    order: OrderKey,
    dir: Direction,
    page: i64,
    use_cursor: bool,
}

/// Which rows a listing reads, and the URI of each folder they are in.
struct Scopes {
    scopes: Vec<Scope>,
    folder_uris: HashMap<i64, FileUri>,
    recursion_limit_reached: bool,
    single_file: bool,
}

/// Lists (or searches) a folder.
pub async fn list(ctx: &FsCtx<'_>, req: &ListRequest) -> Result<Listing, FsError> {
    let state = ctx.state;
    let uri = FileUri::parse(&req.uri)?;
    let settings = Settings(state.settings.all().await?);
    let search = search_of(&uri, &settings)?;

    let located = locate(ctx, &uri).await?;
    let node = &located.node;
    node.require(fs_cap::LIST_CHILDREN)?;
    if !node.is_folder() || node.file.is_symbolic {
        return Err(FsError::Invalid(
            "the URI is a file, not a folder: list its parent".into(),
        ));
    }
    let mut view = effective_view(ctx, &located).await?;
    let paging = paging(req, &view, &settings, search.is_some())?;
    // As Cloudreve, the view answered shows the page size in force (the request's, if any).
    view.page_size = paging.page_size;
    let lctx = ListCtx {
        fs: ctx,
        backend: state.db.get_database_backend(),
        order: paging.order,
        dir: paging.dir,
        search: search.as_ref(),
        secret: settings.0.get("secret_key").cloned().unwrap_or_default(),
        scope: scope_text(&uri, node, &paging),
    };
    let scopes = scopes(ctx, node, &uri, search.is_some(), &settings).await?;
    let (rows, next_token, total_items) = read_page(&lctx, &scopes.scopes, req, &paging).await?;
    let mut granted = HashMap::new();
    let rows = if matches!(scopes.scopes.first(), Some(Scope::SharedWithMe(..))) {
        // Items granted by other owners are listed while they hang in their owner's tree.
        let me = ctx.user()?.user.id;
        let (saved, received): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.owner_id == me);
        granted = crate::fs::grant::received_uris(ctx, &received).await?;
        let mut rows = live_saved(ctx, saved).await;
        rows.extend(received.into_iter().filter(|r| granted.contains_key(&r.id)));
        rows.sort_by(|a, b| lctx.compare(a, b));
        rows
    } else {
        rows
    };
    let entries = with_uris(ctx, &uri, &scopes, &granted, rows)?;
    let capabilities = entry_capabilities(ctx, &located.node, &entries).await?;
    let storage_policy = group_policy(ctx, &uri).await?;
    let (order_by_options, order_direction_options) =
        super::order_options(uri.fs, search.is_some());
    Ok(Listing {
        folder: located.node,
        entries,
        page: paging.page,
        page_size: paging.page_size,
        total_items,
        next_token,
        use_cursor: paging.use_cursor,
        max_page_size: paging.max_page_size,
        order_by_options,
        order_direction_options,
        recursion_limit_reached: scopes.recursion_limit_reached,
        single_file: scopes.single_file,
        storage_policy,
        view,
        capabilities,
    })
}

/// The capabilities of `entries` of `folder`, when it is reached through a grant (see
/// [`Listing::capabilities`]): what the grants give at each of them.
async fn entry_capabilities(
    ctx: &FsCtx<'_>,
    folder: &Node,
    entries: &[(file::Model, FileUri)],
) -> Result<HashMap<i64, Boolset>, FsError> {
    let Some(granted) = folder.grant.as_ref() else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = entries.iter().map(|(row, _)| row.id).collect();
    let me = ctx.user()?;
    let found = grant::of_children(&ctx.state.db, me, folder.file.owner_id, granted, &ids).await?;
    Ok(found
        .into_iter()
        .map(|(id, g)| (id, grant::capability(&g)))
        .collect())
}

/// The search of `uri`, with a category expanded to its extensions.
fn search_of(uri: &FileUri, settings: &Settings) -> Result<Option<SearchQuery>, FsError> {
    Ok(match SearchQuery::from_uri(uri)? {
        Some(q) if q.category.is_some() => {
            let key = q.category.expect("checked").setting_key();
            let expanded =
                q.expand_category(settings.0.get(key).map(String::as_str).unwrap_or_default())?;
            Some(expanded)
        }
        other => other,
    })
}

/// Page size, order and direction: the request's, else the view's, else the defaults.
fn paging(
    req: &ListRequest,
    view: &ExplorerView,
    settings: &Settings,
    searching: bool,
) -> Result<Paging, FsError> {
    let max_page_size = settings.int("max_page_size", DEFAULT_MAX_PAGE_SIZE).max(1);
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
    let use_cursor = searching
        || settings
            .0
            .get("use_cursor_pagination")
            .is_none_or(|v| crate::settings::parse_bool(v));
    Ok(Paging {
        max_page_size,
        page_size,
        order,
        dir,
        page,
        use_cursor,
    })
}

/// What a cursor is bound to: the folder, the order and the search.
fn scope_text(uri: &FileUri, node: &Node, paging: &Paging) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        uri.fs,
        node.file.id,
        if is_virtual_root(uri) { "root" } else { "" },
        paging.order.as_str(),
        paging.dir.as_str(),
        uri.query.as_deref().unwrap_or_default(),
    )
}

/// Which rows to read: the trash, the saved shares, the single file of a single-file share
/// root, or the children of the folder (of every folder below it for a search).
async fn scopes(
    ctx: &FsCtx<'_>,
    node: &Node,
    uri: &FileUri,
    searching: bool,
    settings: &Settings,
) -> Result<Scopes, FsError> {
    let mut folder_uris: HashMap<i64, FileUri> = HashMap::new();
    let mut recursion_limit_reached = false;
    let single_file = crate::fs::share_tree::single_file_root(ctx, node).await?;
    let scopes: Vec<Scope> = match uri.fs {
        FsKind::Trash if uri.is_root() => vec![Scope::Trash(ctx.user()?.user.id)],
        FsKind::SharedWithMe if uri.is_root() => {
            let me = ctx.user()?;
            vec![Scope::SharedWithMe(me.user.id, me.user.group_id)]
        }
        FsKind::Share if single_file.is_some() => {
            folder_uris.insert(node.file.id, node.uri.clone());
            vec![Scope::Single(single_file.expect("checked"))]
        }
        _ => {
            if searching {
                let limit = settings
                    .int(
                        "max_recursive_searched_folder",
                        DEFAULT_MAX_SEARCHED_FOLDERS,
                    )
                    .max(1) as usize;
                let (uris, complete) = walk_folders(&ctx.state.db, node, limit).await?;
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
    Ok(Scopes {
        scopes,
        folder_uris,
        recursion_limit_reached,
        single_file: single_file.is_some(),
    })
}

/// One page of rows, with the next page's token (cursor paging) or the total (offset paging).
async fn read_page(
    lctx: &ListCtx<'_>,
    scopes: &[Scope],
    req: &ListRequest,
    paging: &Paging,
) -> Result<(Vec<file::Model>, Option<String>, Option<i64>), FsError> {
    let n = paging.page_size as u64;
    if !paging.use_cursor {
        let start = (paging.page as u64)
            .checked_mul(n)
            // The database takes offsets as signed 64-bit numbers.
            .filter(|start| *start <= i64::MAX as u64)
            .ok_or_else(|| FsError::Invalid("page is too large".into()))?;
        let scope = scopes.first().ok_or(FsError::NotFound)?;
        let (rows, total) = lctx.offset_page(scope, start, n).await?;
        return Ok((rows, None, Some(total)));
    }
    let after = req
        .next_page_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| Cursor::decode(lctx, t))
        .transpose()?;
    let mut rows = Vec::new();
    for scope in scopes {
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
                .map(|last| Cursor::after(last, paging.order).encode(lctx))
        })
        .flatten();
    Ok((rows, next, None))
}

/// Saved shares are listed while their share still works. A saved file share shows the
/// shared file's size (its own row is an empty symbolic file), as the share's root would.
async fn live_saved(ctx: &FsCtx<'_>, rows: Vec<file::Model>) -> Vec<file::Model> {
    let mut live = Vec::with_capacity(rows.len());
    for mut row in rows {
        match crate::fs::share_tree::saved_size(ctx, &row).await {
            Ok(Some(size)) => {
                row.size = size;
                live.push(row);
            }
            Ok(None) => live.push(row),
            Err(_) => {}
        }
    }
    live
}

/// Each row with the URI the caller addresses it by.
fn with_uris(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    scopes: &Scopes,
    granted: &HashMap<i64, FileUri>,
    rows: Vec<file::Model>,
) -> Result<Vec<(file::Model, FileUri)>, FsError> {
    let fs_root = FileUri::root(uri.fs, None);
    rows.into_iter()
        .map(|row| {
            let item_uri = match (&scopes.scopes.first(), row.parent_id) {
                (Some(Scope::Trash(_)), _) => fs_root.join(&row.name)?,
                (Some(Scope::SharedWithMe(..)), _) if granted.contains_key(&row.id) => {
                    granted[&row.id].clone()
                }
                (Some(Scope::SharedWithMe(..)), _) => {
                    fs_root.join(&ctx.state.ids.encode(row.id, IdKind::File))?
                }
                (_, Some(parent)) => scopes
                    .folder_uris
                    .get(&parent)
                    .ok_or(FsError::NotFound)?
                    .join(&row.name)?,
                (_, None) => return Err(FsError::NotFound),
            };
            Ok((row, item_uri))
        })
        .collect()
}

/// `my` only: the storage policy new uploads of the caller's group go to.
async fn group_policy(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
) -> Result<Option<storage_policy::Model>, FsError> {
    if uri.fs != FsKind::My {
        return Ok(None);
    }
    Ok(match ctx.user()?.group.storage_policy_id {
        Some(id) => storage_policy::Entity::find_by_id(id)
            .one(&ctx.state.db)
            .await?
            .filter(|p| p.deleted_at.is_none()),
        None => None,
    })
}

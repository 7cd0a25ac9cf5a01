//! The trash bin of the Nextcloud apps, `/remote.php/dav/trashbin/<user>/…`, over the drive's
//! own trash (`cloudreve://trash`):
//!
//! * `PROPFIND …/trash` lists the trashed items (Depth 1), each with
//!   `nc:trashbin-filename` (its name before the trash), `nc:trashbin-original-location` (its
//!   path then) and `nc:trashbin-deletion-time`; `PROPFIND …/trash/<item>[/…]` lists inside a
//!   trashed folder.
//! * `MOVE …/trash/<item>` with a `Destination` below `…/restore/` puts the item back where it
//!   was (a taken name gets a number, as in the web UI).
//! * `DELETE …/trash/<item>` deletes it for good; `DELETE …/trash` empties the trash.
//!
//! An item's segment is its name in the trash (unique per user). Only accounts rooted at the
//! drive's root see the trash: one rooted at a folder would otherwise see what was deleted
//! elsewhere.

use poem::{
    IntoResponse, Request, Response,
    http::{Method, StatusCode},
};

use super::{
    Account, error, fs_error,
    multistatus::{self, Entry, Value},
    not_found,
};
use crate::{
    auth::caller::Caller,
    dav::headers::if_tokens,
    fs::{
        error::FsError,
        list::{ListRequest, list},
        nav::FsCtx,
        reach,
        shown::{self, Item, RESTORE_URI},
        trash::{self, DeleteOptions},
        uri::{FileUri, FsKind},
    },
};

/// Rows a listing shows at most: a larger trash is shown by its first pages.
const MAX_LISTED: usize = 10_000;

/// Answers a request below `/remote.php/dav/trashbin/<user>/`; `rest` is the path after it.
pub async fn serve(req: Request, user: &str, rest: &str) -> Response {
    let account = match Account::of(&req, user).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let caller = Caller::User(account.signed.me.clone());
    if !reach::whole_drive(&caller) {
        return error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Only an account of the whole drive sees the trash",
        );
    }
    let base = format!("/remote.php/dav/trashbin/{}", multistatus::segment(user));
    let segments: Vec<String> = match rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|s| s.into_owned())
        })
        .collect::<Result<_, _>>()
    {
        Ok(s) => s,
        Err(_) => return not_found(),
    };
    let tokens = if_tokens(req.header("if").unwrap_or_default());
    let mut ctx = FsCtx::new(&account.state, &caller);
    ctx.lock_tokens = &tokens;
    let method = req.method().clone();
    let (top, inside) = match segments.split_first() {
        Some((top, inside)) => (top.as_str(), inside),
        None => ("", &[][..]),
    };
    match (method.as_str(), top) {
        ("PROPFIND", "") => multistatus::answer(&[
            multistatus::collection(format!("{base}/")),
            multistatus::collection(format!("{base}/trash/")),
            multistatus::collection(format!("{base}/restore/")),
        ]),
        ("PROPFIND", "restore") if inside.is_empty() => {
            multistatus::answer(&[multistatus::collection(format!("{base}/restore/"))])
        }
        ("PROPFIND", "trash") => {
            let depth0 = req.header("depth").is_some_and(|d| d.trim() == "0");
            propfind(&ctx, &base, inside, depth0)
                .await
                .unwrap_or_else(fs_error)
        }
        ("DELETE", "trash") if inside.len() <= 1 => {
            if let Some(resp) = account.read_only_refusal() {
                return resp;
            }
            delete(&ctx, inside.first().map(String::as_str))
                .await
                .unwrap_or_else(fs_error)
        }
        ("MOVE", "trash") if inside.len() == 1 => {
            if let Some(resp) = account.read_only_refusal() {
                return resp;
            }
            let to_restore = super::destination_below(
                &req,
                &format!("/remote.php/dav/trashbin/{user}/restore/"),
            );
            if !to_restore {
                return error(
                    StatusCode::BAD_GATEWAY,
                    "BadGateway",
                    "A trashed item can only be moved to the restore folder",
                );
            }
            restore(&ctx, &inside[0]).await.unwrap_or_else(fs_error)
        }
        _ if method == Method::OPTIONS => StatusCode::OK.into_response(),
        ("PROPFIND" | "DELETE" | "MOVE", _) => not_found(),
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The trash URI of `segments` below the trash root.
fn trash_uri(segments: &[String]) -> Result<FileUri, FsError> {
    let mut uri = FileUri::root(FsKind::Trash, None);
    for s in segments {
        uri = uri.join(s).map_err(|_| FsError::NotFound)?;
    }
    Ok(uri)
}

/// `PROPFIND …/trash[/<item>/…]`: the folder and, unless `depth0`, what it holds.
async fn propfind(
    ctx: &FsCtx<'_>,
    base: &str,
    inside: &[String],
    depth0: bool,
) -> Result<Response, FsError> {
    let uri = trash_uri(inside)?;
    let mut href = format!("{base}/trash");
    for s in inside {
        href.push('/');
        href.push_str(&multistatus::segment(s));
    }
    let mut entries = Vec::new();
    if inside.is_empty() {
        entries.push(multistatus::collection(format!("{href}/")));
    } else {
        let node = crate::fs::nav::resolve(ctx, &uri).await?;
        let shown = shown::shown(
            &ctx.state.db,
            &[Item {
                file: &node.file,
                uri: node.uri.clone(),
            }],
        )
        .await?;
        let mut props = multistatus::row_props(&node.file);
        props.extend(trash_props(&node.file, &shown[0], inside.len() == 1));
        entries.push(Entry { href, props });
        if !node.is_folder() {
            return Ok(multistatus::answer(&entries));
        }
    }
    if !depth0 {
        let rows = children(ctx, &uri).await?;
        let items: Vec<Item> = rows
            .iter()
            .map(|(f, u)| Item {
                file: f,
                uri: u.clone(),
            })
            .collect();
        let shown = shown::shown(&ctx.state.db, &items).await?;
        for ((row, uri), shown) in rows.iter().zip(&shown) {
            let mut props = multistatus::row_props(row);
            props.extend(trash_props(row, shown, inside.is_empty()));
            let name = uri.name().unwrap_or_default();
            let slash = if row.r#type == stratus_entity::file::kind::FOLDER {
                "/"
            } else {
                ""
            };
            entries.push(Entry {
                href: format!(
                    "{base}/trash{}{slash}",
                    inside
                        .iter()
                        .map(String::as_str)
                        .chain([name])
                        .fold(String::new(), |acc, s| acc + "/" + &multistatus::segment(s))
                ),
                props,
            });
        }
    }
    Ok(multistatus::answer(&entries))
}

/// The rows of a trash folder, page after page, at most [`MAX_LISTED`].
async fn children(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
) -> Result<Vec<(stratus_entity::file::Model, FileUri)>, FsError> {
    let mut out = Vec::new();
    let mut request = ListRequest {
        uri: uri.to_string(),
        page: None,
        page_size: Some(1000),
        order_by: None,
        order_direction: None,
        next_page_token: None,
    };
    for page in 0.. {
        let listing = list(ctx, &request).await?;
        let fetched = listing.entries.len();
        out.extend(listing.entries);
        let more = match (&listing.next_token, listing.use_cursor) {
            (Some(token), true) => {
                request.next_page_token = Some(token.clone());
                true
            }
            (_, true) => false,
            (_, false) => {
                request.page = Some(page + 1);
                fetched as i64 >= listing.page_size
            }
        };
        if !more || out.len() >= MAX_LISTED {
            break;
        }
    }
    out.truncate(MAX_LISTED);
    Ok(out)
}

/// The `nc:trashbin-*` properties of a row; `top`: it is an item of the trash itself, which
/// has an original location (rows inside a trashed folder have their own name).
fn trash_props(
    row: &stratus_entity::file::Model,
    shown: &shown::Shown,
    top: bool,
) -> Vec<(&'static str, Value)> {
    let mut props = vec![
        ("nc:trashbin-filename", Value::Text(shown.name.clone())),
        (
            "nc:trashbin-deletion-time",
            Value::Text(row.updated_at.timestamp().to_string()),
        ),
    ];
    if top {
        let location = shown
            .metadata
            .get(RESTORE_URI)
            .and_then(|u| FileUri::parse(u).ok())
            .map(|u| u.path().trim_start_matches('/').to_owned())
            .unwrap_or_else(|| shown.name.clone());
        props.push(("nc:trashbin-original-location", Value::Text(location)));
    }
    props
}

/// `DELETE …/trash/<item>` (for good) or `DELETE …/trash` (everything).
async fn delete(ctx: &FsCtx<'_>, item: Option<&str>) -> Result<Response, FsError> {
    match item {
        Some(name) => {
            let uri = trash_uri(&[name.to_owned()])?;
            trash::delete(ctx, &uri, DeleteOptions::default()).await?;
        }
        None => {
            let failed = trash::empty(ctx).await?;
            if let Some((name, e)) = failed.into_iter().next() {
                tracing::info!(item = %name, error = %e, "an item stayed in the trash");
                return Err(e);
            }
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `MOVE …/trash/<item>` to the restore folder.
async fn restore(ctx: &FsCtx<'_>, item: &str) -> Result<Response, FsError> {
    let uri = trash_uri(&[item.to_owned()])?;
    trash::restore(ctx, &uri).await?;
    Ok(StatusCode::CREATED.into_response())
}

//! The earlier versions of a file for the Nextcloud apps,
//! `/remote.php/dav/versions/<user>/versions/<file id>/…`, over the drive's own versions:
//!
//! * `PROPFIND …/versions/<file id>` lists the versions kept besides the current one, newest
//!   first, each named by its version id, with its size, time and ETag.
//! * `GET …/versions/<file id>/<version>` streams that version's bytes (ranges and
//!   conditions as for any download, as an attachment in a sandbox).
//! * `COPY` or `MOVE …/versions/<file id>/<version>` to `…/restore/target` makes it the
//!   current content (the one it replaces stays a version).
//!
//! `<file id>` is the `oc:fileid` of the tree: a file of the caller's, below the account's
//! root and not in the trash; anything else is 404.

use chrono::Utc;
use poem::{
    IntoResponse, Request, Response,
    http::{Method, StatusCode},
};
use stratus_entity::entity;

use super::{
    Account, error, fs_error,
    multistatus::{self, Entry, Value},
    not_found,
};
use crate::{
    auth::caller::Caller,
    dav::headers::if_tokens,
    download::{
        content::{self, ContentRequest},
        link,
    },
    fs::{
        error::FsError,
        nav::{FsCtx, Node},
        reach,
        uri::FsKind,
        version,
    },
    ids::IdKind,
    signature,
};

/// How long the signature made for a version's own download stays good: it is checked at
/// once, within this request.
const SIGNED_FOR_SECS: i64 = 60;

/// Answers a request below `/remote.php/dav/versions/<user>/`; `rest` is the path after it.
pub async fn serve(req: Request, user: &str, rest: &str) -> Response {
    let account = match Account::of(&req, user).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let base = format!("/remote.php/dav/versions/{}", multistatus::segment(user));
    let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method().clone();
    let (file_id, version_id) = match parts.as_slice() {
        [] | ["versions"] | ["restore"] | ["restore", "target"]
            if method.as_str() == "PROPFIND" =>
        {
            return multistatus::answer(&[
                multistatus::collection(format!("{base}/")),
                multistatus::collection(format!("{base}/versions/")),
                multistatus::collection(format!("{base}/restore/")),
            ]);
        }
        ["versions", file] => (*file, None),
        ["versions", file, version] => (*file, Some(*version)),
        _ => return not_found(),
    };
    let Ok(file_id) = file_id.parse::<i64>() else {
        return not_found();
    };
    let caller = Caller::User(account.signed.me.clone());
    let tokens = if_tokens(req.header("if").unwrap_or_default());
    let mut ctx = FsCtx::new(&account.state, &caller);
    ctx.lock_tokens = &tokens;
    let node = match file_of(&ctx, file_id).await {
        Ok(node) => node,
        Err(e) => return fs_error(e),
    };
    let href = format!("{base}/versions/{file_id}");
    match (method.as_str(), version_id) {
        ("PROPFIND", None) => {
            let depth0 = req.header("depth").is_some_and(|d| d.trim() == "0");
            list(&ctx, &node, &href, depth0)
                .await
                .unwrap_or_else(fs_error)
        }
        ("PROPFIND", Some(v)) => match kept(&ctx, &node, v).await {
            Ok(found) => multistatus::answer(&[entry(&href, &node, &found, &ctx)]),
            Err(e) => fs_error(e),
        },
        ("GET" | "HEAD", Some(v)) => match kept(&ctx, &node, v).await {
            Ok(found) => download(&ctx, &req, &node, &found, method == Method::HEAD).await,
            Err(e) => fs_error(e),
        },
        ("COPY" | "MOVE", Some(v)) => {
            if let Some(resp) = account.read_only_refusal() {
                return resp;
            }
            let to_restore =
                super::destination_below(&req, &format!("/remote.php/dav/versions/{user}/restore"));
            if !to_restore {
                return error(
                    StatusCode::BAD_GATEWAY,
                    "BadGateway",
                    "A version can only be copied to the restore folder",
                );
            }
            match version::set_current(&ctx, &node.uri, v).await {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => fs_error(e),
            }
        }
        _ if method == Method::OPTIONS => StatusCode::OK.into_response(),
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

/// The caller's file `id`, in the tree below the folder its account reaches.
async fn file_of(ctx: &FsCtx<'_>, id: i64) -> Result<Node, FsError> {
    let node = reach::by_id(ctx, id).await?;
    if node.uri.fs != FsKind::My || node.is_folder() {
        return Err(FsError::NotFound);
    }
    Ok(node)
}

/// The earlier version `id` (a version hash id) of `node`.
async fn kept(ctx: &FsCtx<'_>, node: &Node, id: &str) -> Result<entity::Model, FsError> {
    let wanted = ctx
        .state
        .ids
        .decode(id, IdKind::Entity)
        .map_err(|_| FsError::NotFound)?;
    version::earlier(ctx, node)
        .await?
        .into_iter()
        .find(|v| v.id == wanted)
        .ok_or(FsError::NotFound)
}

/// `PROPFIND …/versions/<file id>`: the folder of versions and, unless `depth0`, each one.
async fn list(ctx: &FsCtx<'_>, node: &Node, href: &str, depth0: bool) -> Result<Response, FsError> {
    let mut entries = vec![multistatus::collection(format!("{href}/"))];
    if !depth0 {
        for v in version::earlier(ctx, node).await? {
            entries.push(entry(href, node, &v, ctx));
        }
    }
    Ok(multistatus::answer(&entries))
}

/// The response of one version.
fn entry(href: &str, node: &Node, v: &entity::Model, ctx: &FsCtx<'_>) -> Entry {
    let id = ctx.state.ids.encode(v.id, IdKind::Entity);
    let mime = mime_guess::from_path(&node.file.name).first_or_octet_stream();
    Entry {
        href: format!("{href}/{id}"),
        props: vec![
            ("d:resourcetype", Value::Text(String::new())),
            ("d:getcontentlength", Value::Text(v.size.max(0).to_string())),
            (
                "d:getlastmodified",
                Value::Text(httpdate::fmt_http_date(v.created_at.into())),
            ),
            ("d:getetag", Value::Text(format!("\"{id}\""))),
            ("d:getcontenttype", Value::Text(mime.to_string())),
            ("oc:fileid", Value::Text(node.file.id.to_string())),
            ("nc:version-label", Value::Text(String::new())),
        ],
    }
}

/// The bytes of version `v`, served as the content route serves them, with a signature made
/// here for this request only.
async fn download(
    ctx: &FsCtx<'_>,
    req: &Request,
    node: &Node,
    v: &entity::Model,
    head: bool,
) -> Response {
    let state = ctx.state;
    let key = match state.settings.get("secret_key").await {
        Ok(key) => key,
        Err(e) => return fs_error(FsError::from(e)),
    };
    let id = link::entity_hashid(&state.ids, Some(v));
    let speed = match ctx.caller {
        Caller::User(me) => me.group.speed_limit.max(0).to_string(),
        Caller::Anonymous => "0".to_owned(),
    };
    let name = &node.file.name;
    let subject = link::content_subject(&id, &speed, name, None, None);
    let sign = signature::sign(
        key.as_bytes(),
        &subject,
        Utc::now().timestamp() + SIGNED_FOR_SECS,
    );
    let q = ContentRequest {
        id: &id,
        speed: &speed,
        name,
        sign: Some(&sign),
        share: None,
        once: None,
        download: true,
        no_cache: true,
        head,
    };
    match content::serve(state, req.headers(), q).await {
        Ok(resp) => content::protect(resp),
        Err(e) => {
            tracing::warn!(error = %e, "a version could not be served");
            not_found()
        }
    }
}

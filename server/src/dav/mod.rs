//! WebDAV (spec §10): accounts and the `/dav` mount over the virtual file system.
//!
//! Each request is checked before dav-server sees it: the raw path (no encoded dot segments,
//! separators or NUL), the Basic credentials ([`auth`]), the account's root and read-only
//! option. Then a per-request dav-server handler runs over [`fs::DavFs`] and [`locks::DavLocks`],
//! which go through the same file-system, upload and lock code as the API.

pub mod account;
pub mod auth;
pub mod error;
pub mod file;
pub mod fs;
#[cfg(test)]
mod fuzz_tests;
pub mod grants;
mod grants_fs;
pub mod headers;
pub mod link;
pub mod locks;
pub mod meta;
pub mod oc;
pub mod path;
pub mod propfind;
pub mod props;
pub mod push;
pub mod session;

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use dav_server::{DavHandler, davpath::DavPath};
use futures_util::{Stream, StreamExt};
use http_body_util::combinators::BoxBody;
use poem::{
    Body, Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, Method, StatusCode, header},
};

use self::{fs::DavFs, headers::if_tokens, locks::DavLocks, session::Session};
use crate::{
    boolset::{Boolset, dav_opt, group_perm},
    download,
    fs::uri::FsKind,
    nextcloud::dav::oc::{headers::OcRequest, names_caller, not_found, props::Access},
    state::AppState,
};

/// Mount point.
pub const PREFIX: &str = "/dav";

/// Methods a read-only account may not use.
const WRITES: &[&str] = &[
    "PUT",
    "DELETE",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "PROPPATCH",
    "PATCH",
    "POST",
];

/// Most ready pieces of a PROPFIND answer joined into one frame.
const COALESCE_PIECES: usize = 128;

/// Bytes per read when serving a GET.
const READ_BUF: usize = 256 * 1024;

/// A GET answer up to this size is read whole before it is sent: the headers and the bytes
/// then leave in one write, where a streamed body sent the headers first and woke the
/// connection again for the bytes (most of what sync clients and photo apps fetch is small).
const WHOLE_BODY: u64 = 64 * 1024;

const ALLOW: &str =
    "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK";

/// The `/dav` endpoint (mount with `Route::nest_no_strip`, so hrefs keep the prefix).
pub struct DavEndpoint;

impl Endpoint for DavEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        Ok(serve(req, &Mount::dav()).await)
    }
}

/// Where the tree of an account is served: `/dav`, or one of the paths of the Nextcloud
/// clients ([`oc::NextcloudTree`]), which answer the same way under their own prefix.
pub struct Mount {
    /// The URL prefix, decoded (as dav-server compares it); hrefs in answers start with it.
    pub prefix: String,
    /// The user the path names (`/remote.php/dav/files/<user>/`): the caller's hash id or
    /// e-mail, or the answer is 404.
    pub user: Option<String>,
    /// A Nextcloud client's mount: `allprop` has the `oc:`/`nc:` properties.
    pub nextcloud: bool,
}

impl Mount {
    pub fn dav() -> Self {
        Self {
            prefix: PREFIX.to_owned(),
            user: None,
            nextcloud: false,
        }
    }
}

/// Answers a WebDAV request on `mount`.
pub async fn serve(req: Request, mount: &Mount) -> Response {
    let read = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.uri().path().to_owned();
    let mut resp = handle(req, mount).await;
    confine(&mut resp, read.then_some(path.as_str()));
    resp.headers_mut()
        .insert("MS-Author-Via", HeaderValue::from_static("DAV"));
    resp
}

/// A file read through `/dav` comes from the site's own origin, where the web UI keeps its
/// session: every answer gets the content route's confining headers, and a file a browser
/// would render as a page (HTML, SVG, XML; the type dav-server gives from the name) is sent
/// as an attachment. `read_path` is the path of a GET or HEAD.
fn confine(resp: &mut Response, read_path: Option<&str>) {
    let h = resp.headers_mut();
    download::headers::confine(h);
    let Some(path) = read_path else {
        return;
    };
    let page = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| download::headers::renders_as_page(t.trim()));
    if page {
        let last = path.rsplit('/').next().unwrap_or_default();
        let name = percent_encoding::percent_decode_str(last).decode_utf8_lossy();
        if let Ok(value) = HeaderValue::from_str(&download::headers::disposition(true, &name)) {
            h.insert(header::CONTENT_DISPOSITION, value);
        }
    }
}

fn status(code: StatusCode) -> Response {
    code.into_response()
}

async fn handle(req: Request, mount: &Mount) -> Response {
    let Some(state) = req.data::<AppState>().cloned() else {
        return status(StatusCode::INTERNAL_SERVER_ERROR);
    };
    if let Some(refused) = headers::refused(&req, &mount.prefix) {
        return refused;
    }
    // Answered without credentials: Windows and macOS probe the mount with it first.
    if req.method() == Method::OPTIONS {
        return Response::builder()
            .header("DAV", "1, 2")
            .header(header::ALLOW, ALLOW)
            .header(header::CONTENT_LENGTH, "0")
            .body(Body::empty());
    }
    let signed = match auth::sign_in(&state, &req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if let Some(user) = &mount.user
        && !names_caller(&state, user, &signed.me)
    {
        return not_found();
    }
    // A credential the guard against mass deletion stopped may read, not write.
    let writes = WRITES.contains(&req.method().as_str());
    if let Some(refused) = stopped(signed.me.stopped.as_deref(), writes, mount.nextcloud) {
        return refused;
    }
    let options = Boolset::from_bytes(signed.account.options.clone());
    let Some(root) = crate::fs::reach::account_root(&signed.account.uri) else {
        return status(StatusCode::FORBIDDEN);
    };
    // A share is read-only to whoever mounts it, as in the web UI.
    let share_root = root.fs == FsKind::Share;
    if (share_root || options.enabled(dav_opt::READ_ONLY)) && writes {
        return status(StatusCode::FORBIDDEN);
    }
    // The group may have lost the proxy permission since the account was saved.
    let proxy = options.enabled(dav_opt::PROXY)
        && signed.me.permissions().enabled(group_perm::WEBDAV_PROXY);
    let access = Access::of(share_root, options.enabled(dav_opt::READ_ONLY));
    let oc = match OcRequest::of(&req, mount.nextcloud, access) {
        Ok(oc) => oc,
        Err(resp) => return resp,
    };
    let request_path = DavPath::new(req.uri().path()).ok().and_then(|mut p| {
        p.set_prefix(&mount.prefix).ok()?;
        Some(p)
    });
    // Cloudreve 4.8: with system files disabled, uploading any dot-name (macOS `._*`,
    // `.DS_Store`, …) or other system junk answers 405, which clients treat as "not here".
    if options.enabled(dav_opt::BLOCK_JUNK)
        && req.method() == Method::PUT
        && request_path
            .as_ref()
            .and_then(|p| p.file_name())
            .is_some_and(|name| name.starts_with('.') || path::is_junk(name))
    {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let session = Arc::new(Session::new(
        state,
        signed.me,
        root,
        proxy,
        options.enabled(dav_opt::BLOCK_JUNK),
        req.method().clone(),
        request_path,
        req.header("depth").is_some_and(|d| d.trim() == "0"),
        if_tokens(req.header("if").unwrap_or_default()),
        req.header(header::RANGE).map(str::to_owned),
        oc,
    ));
    let resp = answer(session.clone(), share_root, req, &mount.prefix).await;
    tripped(&session, writes, mount.nextcloud, resp).await
}

/// The write that tripped the guard against mass deletion was refused as a plain 403
/// inside dav-server: it gets the same answer as the writes after it. The caller was
/// admitted before the incident opened, so the guard is asked again.
async fn tripped(session: &Session, writes: bool, nextcloud: bool, resp: Response) -> Response {
    if !(writes && resp.status() == StatusCode::FORBIDDEN) {
        return resp;
    }
    let why = crate::guard::stopped(&session.state, &session.me).await;
    stopped(why.as_deref(), true, nextcloud).unwrap_or(resp)
}

/// For a write (`writes`) by a credential the guard against mass deletion stopped: 423
/// Locked, with why in plain text. The Nextcloud clients get 403 instead: they take 423
/// for a file lock and wait for it to go, stalling the whole sync, while 403 is a refusal
/// they report and go on from.
/// `why`: the guard's refusal, as the door read it at admission (`SignedIn::stopped`).
fn stopped(why: Option<&str>, writes: bool, nextcloud: bool) -> Option<Response> {
    let why = why.filter(|_| writes)?;
    Some(
        Response::builder()
            .status(if nextcloud {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::LOCKED
            })
            .content_type("text/plain; charset=utf-8")
            .body(format!("{why}\n")),
    )
}

/// The answer of a signed-in request on its `session`.
async fn answer(
    session: Arc<Session>,
    share_root: bool,
    mut req: Request,
    prefix: &str,
) -> Response {
    let fs = DavFs(session.clone());
    // A path in "Shared with me" maps onto the tree of the item's owner.
    let destination = req
        .header("destination")
        .and_then(|d| oc::destination_path(d, prefix));
    if fs
        .prepare(&[session.request_path.as_ref(), destination.as_ref()])
        .await
        .is_err()
    {
        return status(StatusCode::INTERNAL_SERVER_ERROR);
    }
    // A lock is a write: only where the caller may write (dav-server would answer 423).
    if req.method().as_str() == "LOCK"
        && let Some(path) = &session.request_path
        && let Ok(uri) = session.uri(path)
        && !fs.may_lock(&uri).await
    {
        return status(StatusCode::FORBIDDEN);
    }
    // Locks live in the owner's tree; a read-only share mount takes none.
    let locks = (!share_root).then(|| DavLocks::new(session));
    let listing = req.method().as_str() == "PROPFIND";
    if listing {
        let body = match req.take_body().into_bytes_limit(propfind::MAX_BODY).await {
            Ok(body) => body,
            Err(_) => return status(StatusCode::PAYLOAD_TOO_LARGE),
        };
        if let Some(resp) = propfind::answer(&fs, locks.as_ref(), &req, &body).await {
            return resp;
        }
        req.set_body(body);
    }
    let destination = req.header("destination").map(str::to_owned);
    let method = req.method().clone();
    let mut resp = run(fs.clone(), locks, req, listing, prefix).await;
    oc::after_write(&fs, &method, destination.as_deref(), prefix, &mut resp).await;
    resp
}

/// Has dav-server answer the request on `fs` (and `locks`); a `listing`'s body goes out in
/// fewer, larger frames.
async fn run(
    fs: DavFs,
    locks: Option<DavLocks>,
    req: Request,
    listing: bool,
    prefix: &str,
) -> Response {
    let mut config = DavHandler::builder()
        .strip_prefix(prefix)
        .filesystem(Box::new(fs));
    if let Some(locks) = locks {
        config = config.locksystem(Box::new(locks));
    }
    let get = req.method() == Method::GET;
    let handler = config
        .autoindex(false)
        .redirect(true)
        // dav-server reads 16 KiB at a time by default; larger reads cut per-call overhead
        // on big downloads.
        .read_buf_size(READ_BUF)
        .build_handler();
    let http_req: poem::http::Request<BoxBody<Bytes, std::io::Error>> = req.into();
    let resp = handler.handle(http_req).await;
    let (parts, body) = resp.into_parts();
    let small = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .filter(|&len| len <= WHOLE_BODY);
    let body = if listing {
        Body::from_bytes_stream(coalesce(body))
    } else if let Some(len) = small.filter(|_| get && parts.status.is_success()) {
        match whole(body, len as usize).await {
            Ok(bytes) => Body::from_bytes(bytes),
            Err(e) => {
                tracing::warn!(error = %e, "WebDAV read failed");
                return status(StatusCode::INTERNAL_SERVER_ERROR);
            }
        }
    } else {
        Body::from_bytes_stream(body)
    };
    let mut out = Response::builder()
        .status(parts.status)
        .version(parts.version)
        .body(body);
    *out.headers_mut() = parts.headers;
    out
}

/// Joins the pieces of a body that are ready at once. dav-server hands a PROPFIND answer over
/// one `<response>` (well under 1 KiB) at a time; sent as they come, a 10,000-entry listing
/// is 10,000 body frames.
fn coalesce(
    body: impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    body.ready_chunks(COALESCE_PIECES).map(|pieces| {
        let mut out = BytesMut::new();
        for piece in pieces {
            out.extend_from_slice(&piece?);
        }
        Ok(out.freeze())
    })
}

/// The whole of a small body of `len` bytes (a body that comes in one piece is not copied).
async fn whole(
    body: impl Stream<Item = std::io::Result<Bytes>>,
    len: usize,
) -> std::io::Result<Bytes> {
    let mut body = std::pin::pin!(body);
    let Some(first) = body.next().await.transpose()? else {
        return Ok(Bytes::new());
    };
    let Some(second) = body.next().await.transpose()? else {
        return Ok(first);
    };
    let mut out = BytesMut::with_capacity(len);
    out.extend_from_slice(&first);
    out.extend_from_slice(&second);
    while let Some(piece) = body.next().await {
        out.extend_from_slice(&piece?);
    }
    Ok(out.freeze())
}

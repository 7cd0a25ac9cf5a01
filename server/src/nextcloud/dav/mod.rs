//! The paths the Nextcloud and ownCloud clients use (`/remote.php/…`), served by the same
//! WebDAV machinery as `/dav` ([`super::serve`]) under their own prefix:
//!
//! * `/remote.php/webdav/…` and `/remote.php/dav/files/<user>/…`: the account's tree, as at
//!   `/dav`. `<user>` is the caller's hash id or e-mail (any case); any other user is 404.
//!
//! * `/remote.php/dav/uploads/<user>/…`: chunked uploads ([`chunks`]).
//! * `/remote.php/dav/trashbin/<user>/…`: the trash ([`trashbin`]).
//! * `/remote.php/dav/versions/<user>/versions/<file id>/…`: earlier versions ([`versions`]).
//!
//! The `oc:`/`nc:` properties are in [`props`], the write headers in [`headers`].

mod checksums;
pub mod chunks;
pub mod headers;
mod multistatus;
pub mod props;
mod trashbin;
mod versions;

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{Method, StatusCode, header},
};

use dav_server::{
    davpath::DavPath,
    fs::{DavProp, FsError as DavFsError},
};
use stratus_entity::file;

use super::{
    Mount,
    auth::Signed,
    error::{Door, fs_err},
    fs::DavFs,
    meta::Meta,
    serve,
};
use crate::{
    auth::caller::{Caller, SignedIn},
    fs::{error::FsError, reach, uri::FileUri},
    ids::IdKind,
    state::AppState,
};

/// Mount point of all the paths below.
pub const PREFIX: &str = "/remote.php";

/// The old single-user path of the tree.
const WEBDAV: &str = "/remote.php/webdav";

/// The tree of a named user.
const FILES: &str = "/remote.php/dav/files/";

/// Chunked uploads of a named user ([`chunks`]).
const UPLOADS: &str = "/remote.php/dav/uploads/";

/// The trash bin of a named user ([`trashbin`]).
const TRASHBIN: &str = "/remote.php/dav/trashbin/";

/// The earlier versions of a named user's files ([`versions`]).
const VERSIONS: &str = "/remote.php/dav/versions/";

/// `/remote.php/…` (mount with `Route::nest_no_strip`).
pub struct RemoteEndpoint;

impl Endpoint for RemoteEndpoint {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path().to_owned();
        for (prefix, kind) in [
            (UPLOADS, Own::Uploads),
            (TRASHBIN, Own::Trashbin),
            (VERSIONS, Own::Versions),
        ] {
            let Some((user, rest)) = path
                .strip_prefix(prefix)
                .map(|rest| rest.split_once('/').unwrap_or((rest, "")))
            else {
                continue;
            };
            let user = percent_encoding::percent_decode_str(user).decode_utf8_lossy();
            return Ok(match kind {
                Own::Uploads => chunks::serve(req, &user, rest).await,
                Own::Trashbin => trashbin::serve(req, &user, rest).await,
                Own::Versions => versions::serve(req, &user, rest).await,
            });
        }
        let Some(mount) = mount_of(&path) else {
            return Ok(not_found());
        };
        Ok(serve(req, &mount).await)
    }
}

/// The collections of a user that are not their tree.
#[derive(Clone, Copy)]
enum Own {
    Uploads,
    Trashbin,
    Versions,
}

/// A caller of a user's own collections (uploads, trash bin, versions), signed in as that
/// user, with the `my` folder its account is rooted at.
pub struct Account {
    pub state: AppState,
    pub signed: Signed,
    pub root: FileUri,
    /// The account may write (it is not read-only).
    pub writable: bool,
}

impl Account {
    /// Signs the request in and checks that `user` names the caller (404 otherwise) and that
    /// its credential reaches a folder of the caller's drive, not a share (403 otherwise):
    /// `root` and `writable` are its reach (`fs::reach`).
    pub async fn of(req: &Request, user: &str) -> Result<Account, Response> {
        let Some(state) = req.data::<AppState>().cloned() else {
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        };
        let signed = super::auth::sign_in(&state, req).await?;
        if !names_caller(&state, user, &signed.me) {
            return Err(not_found());
        }
        // A credential the guard against mass deletion stopped may read here, not write, as in
        // its tree: no chunk, no join of a chunked upload, no purge, no restore.
        let writes = super::WRITES.contains(&req.method().as_str());
        if let Some(refused) = super::stopped(&state, &signed.me, writes, true).await {
            return Err(refused);
        }
        let caller = Caller::User(signed.me.clone());
        let Some(root) = reach::folder(&caller) else {
            return Err(error(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "This account is not rooted in a drive",
            ));
        };
        Ok(Account {
            state,
            writable: reach::writable(&caller).is_ok(),
            signed,
            root,
        })
    }

    /// The 403 of a read-only account, `None` when the account may write.
    pub fn read_only_refusal(&self) -> Option<Response> {
        (!self.writable).then(|| {
            error(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "This account is read-only",
            )
        })
    }
}

/// The mount a request path is below, with the decoded prefix dav-server strips.
pub(super) fn mount_of(path: &str) -> Option<Mount> {
    if path == WEBDAV || path.starts_with("/remote.php/webdav/") {
        return Some(Mount {
            prefix: WEBDAV.to_owned(),
            user: None,
            nextcloud: true,
        });
    }
    let rest = path.strip_prefix(FILES)?;
    let raw_user = rest.split('/').next().filter(|u| !u.is_empty())?;
    let user = percent_encoding::percent_decode_str(raw_user)
        .decode_utf8()
        .ok()?
        .into_owned();
    if user.contains(['/', '\\']) || user == "." || user == ".." {
        return None;
    }
    Some(Mount {
        prefix: format!("{FILES}{user}"),
        user: Some(user),
        nextcloud: true,
    })
}

/// Whether `user` from a path names the caller: their hash id, or their e-mail in any case.
pub fn names_caller(state: &AppState, user: &str, me: &SignedIn) -> bool {
    user == state.ids.encode(me.user.id, IdKind::User) || user.eq_ignore_ascii_case(&me.user.email)
}

/// A WebDAV error answer in the form Nextcloud gives (Sabre's).
pub fn error(status: StatusCode, exception: &str, message: &str) -> Response {
    let message = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" \
         xmlns:s=\"http://sabredav.org/ns\"><s:exception>Sabre\\DAV\\Exception\\{exception}\
         </s:exception><s:message>{message}</s:message></d:error>"
    );
    (status, body)
        .with_header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
        .into_response()
}

/// The answer of a failure with `status` (decided by `dav::error`): a server error's cause is
/// logged there, not told.
pub fn failure(status: StatusCode, message: &str) -> Response {
    let message = if status.is_server_error() {
        "The request failed"
    } else {
        message
    };
    error(status, super::error::exception(status), message)
}

/// The answer of a file-system failure on the Nextcloud paths.
pub fn fs_error(e: FsError) -> Response {
    failure(super::error::status(&e, Door::Nextcloud), &e.to_string())
}

/// 404 for a path that is not there (or another user's).
pub fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "File not found")
}

/// Finishes the answer of a write: 400 when the body did not match its `OC-Checksum`,
/// else the id and ETag of what was written or moved (`destination` for MOVE and COPY).
pub async fn after_write(
    fs: &DavFs,
    method: &Method,
    destination: Option<&str>,
    prefix: &str,
    resp: &mut Response,
) {
    let s = &fs.0;
    if s.oc.mismatched() {
        *resp = error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The computed checksum does not match the one received from the client.",
        );
        return;
    }
    let target = match method.as_str() {
        "PUT" | "MKCOL" => s.request_path.clone(),
        "MOVE" | "COPY" => destination.and_then(|d| destination_path(d, prefix)),
        _ => return,
    };
    if !resp.status().is_success() {
        return;
    }
    fs.changing();
    let mut found = None;
    if let Some(path) = target
        && let Ok(uri) = s.uri(&path)
        && let Ok(node) = fs.node(&uri).await
    {
        found = Some((node.file.id, Meta::of(&node.file).etag));
        if *method == Method::PUT
            && let Some(c) = &s.oc.checksum
            && let Err(e) = checksums::remember(&s.state.db, &node.file, c).await
        {
            tracing::warn!(error = %e, "a verified checksum was not kept");
        }
    }
    headers::answer(resp, found, *method == Method::PUT && s.oc.mtime.is_some());
}

/// The properties of `path` dav-server lists for `allprop` (or `propname`, without their
/// content): the stored ones, and on a Nextcloud client's mount the `oc:`/`nc:` ones.
pub(super) async fn get_props(
    fs: &DavFs,
    path: &DavPath,
    do_content: bool,
) -> Result<Vec<DavProp>, DavFsError> {
    let mut out: Vec<DavProp> = fs
        .dead_props(path)
        .await?
        .iter()
        .filter_map(|(k, v)| super::props::prop_of(k, v, do_content))
        .collect();
    if fs.0.oc.nextcloud {
        let (facts, extra) = facts(fs, path, |_, _| true).await?;
        for (ns, local) in props::ALLPROP {
            let xml = props::element(ns, local, &facts.borrow(), fs.0.oc.access, &extra);
            out.push(DavProp {
                name: (*local).to_owned(),
                prefix: props::prefix(ns).map(str::to_owned),
                namespace: Some((*ns).to_owned()),
                xml: xml.filter(|_| do_content),
            });
        }
    }
    Ok(out)
}

/// The value of property `prop` of `path` that dav-server has not found among its own:
/// an `oc:`/`nc:` property, else a stored one.
pub(super) async fn get_prop(
    fs: &DavFs,
    path: &DavPath,
    prop: DavProp,
) -> Result<Vec<u8>, DavFsError> {
    let ns = prop.namespace.as_deref().unwrap_or_default();
    if props::prefix(ns).is_some() {
        let (facts, extra) = facts(fs, path, |n, l| n == ns && l == prop.name).await?;
        return props::element(ns, &prop.name, &facts.borrow(), fs.0.oc.access, &extra)
            .ok_or(DavFsError::NotFound);
    }
    let key = super::props::key_of(&prop);
    fs.dead_props(path)
        .await?
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.into_bytes())
        .ok_or(DavFsError::NotFound)
}

/// The row of `path` as the `oc:` properties see it, with what `asks` needs besides.
async fn facts(
    fs: &DavFs,
    path: &DavPath,
    asks: impl Fn(&str, &str) -> bool,
) -> Result<(OwnedFacts, props::Extra), DavFsError> {
    let node = fs.node(&fs.0.uri(path)?).await?;
    let f = &node.file;
    let dir = f.r#type == file::kind::FOLDER;
    let folders: &[i64] = if dir { &[f.id] } else { &[] };
    let mut extra = props::Extra::load(&fs.0.state.db, asks, &[f.id], folders)
        .await
        .map_err(fs_err)?;
    if let Some(p) = props::permissions_of(&node, fs.0.oc.access) {
        extra.permissions.insert(f.id, p);
    }
    extra
        .total_of_shared_file(&fs.0.ctx(&[]), &node)
        .await
        .map_err(fs_err)?;
    let facts = OwnedFacts {
        id: f.id,
        name: f.name.clone(),
        dir,
        size: f.size,
    };
    Ok((facts, extra))
}

/// [`props::Facts`] that own their name.
struct OwnedFacts {
    id: i64,
    name: String,
    dir: bool,
    size: i64,
}

impl OwnedFacts {
    fn borrow(&self) -> props::Facts<'_> {
        props::Facts {
            id: self.id,
            name: &self.name,
            dir: self.dir,
            size: self.size,
        }
    }
}

/// Whether the request's `Destination` (a URL or an absolute path), decoded, lies below
/// `prefix` (decoded too).
pub(super) fn destination_below(req: &Request, prefix: &str) -> bool {
    req.header("destination")
        .and_then(|d| d.parse::<poem::http::Uri>().ok())
        .and_then(|d| {
            percent_encoding::percent_decode_str(d.path())
                .decode_utf8()
                .ok()
                .map(|p| p.starts_with(prefix))
        })
        .unwrap_or(false)
}

/// The path of a `Destination` header (a URL or an absolute path) below `prefix`.
pub(super) fn destination_path(dest: &str, prefix: &str) -> Option<dav_server::davpath::DavPath> {
    let path = match dest.parse::<poem::http::Uri>() {
        Ok(uri) => uri.path().to_owned(),
        Err(_) => return None,
    };
    let mut p = dav_server::davpath::DavPath::new(&path).ok()?;
    p.set_prefix(prefix).ok()?;
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_of_paths() {
        let m = mount_of("/remote.php/webdav/a/b").unwrap();
        assert_eq!((m.prefix.as_str(), m.user), (WEBDAV, None));
        assert!(mount_of("/remote.php/webdav").is_some());
        assert!(mount_of("/remote.php/webdavx").is_none());
        let m = mount_of("/remote.php/dav/files/a%40b.c/x").unwrap();
        assert_eq!(m.prefix, "/remote.php/dav/files/a@b.c");
        assert_eq!(m.user.as_deref(), Some("a@b.c"));
        assert!(mount_of("/remote.php/dav/files/").is_none());
        assert!(mount_of("/remote.php/dav/files/%2e%2e/x").is_none());
        assert!(mount_of("/remote.php/dav/other/u").is_none());
    }
}

//! The paths the Nextcloud and ownCloud clients use (`/remote.php/…`):
//!
//! * `/remote.php/webdav/…` and `/remote.php/dav/files/<user>/…`: the account's tree, served
//!   by the WebDAV engine of `/dav` under their own prefix ([`oc::mount_of`]). The engine is
//!   handed in by the assembler (`lib.rs`), as [`RemoteEndpoint`]'s `tree`: no edge imports
//!   another. `<user>` is the caller's hash id or e-mail (any case); any other user is 404.
//!
//! * `/remote.php/dav/uploads/<user>/…`: chunked uploads ([`chunks`]).
//! * `/remote.php/dav/trashbin/<user>/…`: the trash ([`trashbin`]).
//! * `/remote.php/dav/versions/<user>/versions/<file id>/…`: earlier versions ([`versions`]).
//!
//! The `oc:`/`nc:` properties, the write headers and the error bodies, which the WebDAV engine
//! renders on the clients' tree too, are in [`oc`], below the edges.

pub mod chunks;
mod multistatus;
pub mod oc;
mod trashbin;
mod versions;

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{Method, StatusCode},
};

pub use self::oc::{error, fs_error, not_found};
use crate::{
    auth::caller::Caller,
    door::basic::Signed,
    fs::{reach, uri::FileUri},
    state::AppState,
};

/// Mount point of all the paths below.
pub const PREFIX: &str = "/remote.php";

/// Chunked uploads of a named user ([`chunks`]).
const UPLOADS: &str = "/remote.php/dav/uploads/";

/// The trash bin of a named user ([`trashbin`]).
const TRASHBIN: &str = "/remote.php/dav/trashbin/";

/// The earlier versions of a named user's files ([`versions`]).
const VERSIONS: &str = "/remote.php/dav/versions/";

/// `/remote.php/…` (mount with `Route::nest_no_strip`): the collections here, and the tree
/// through `tree`, the WebDAV engine's endpoint for the clients' tree mounts.
pub struct RemoteEndpoint<T> {
    tree: T,
}

impl<T> RemoteEndpoint<T> {
    pub fn new(tree: T) -> Self {
        Self { tree }
    }
}

impl<T: Endpoint<Output = Response>> Endpoint for RemoteEndpoint<T> {
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
        if oc::mount_of(&path).is_none() {
            return Ok(not_found());
        }
        self.tree.call(req).await
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
        let signed = crate::door::basic::answered(&state, req).await?;
        if !oc::names_caller(&state, user, &signed.me) {
            return Err(not_found());
        }
        // A credential the guard against mass deletion stopped may read here, not write, as in
        // its tree: no chunk, no join of a chunked upload, no purge, no restore. 403, not 423:
        // the clients take 423 for a file lock and stall.
        let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
        let writes = !reads.contains(req.method()) && req.method().as_str() != "PROPFIND";
        if writes && let Some(why) = &signed.me.stopped {
            return Err(error(StatusCode::FORBIDDEN, "Forbidden", why));
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

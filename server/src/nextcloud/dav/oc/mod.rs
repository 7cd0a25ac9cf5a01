//! What the WebDAV engine says to a Nextcloud client on any of its mounts: the `oc:`/`nc:`
//! properties ([`props`]), the write headers ([`headers`]), the checksums kept
//! ([`checksums`]), the clients' tree paths ([`mount_of`]) and Sabre's error bodies.
//!
//! Below the edges (a service in the layering): the `/dav` engine (`dav/`) renders these on
//! the Nextcloud clients' tree, and the Nextcloud collections (`nextcloud::dav`) answer with
//! them, so neither edge imports the other. It imports only the file system, the WebDAV
//! statuses (`dav::error`) and lower modules.

pub mod checksums;
pub mod headers;
pub mod props;

use poem::{
    IntoResponse, Response,
    http::{StatusCode, header},
};

use crate::{
    auth::caller::SignedIn,
    dav::error::{Door, exception, status},
    fs::error::FsError,
    ids::IdKind,
    state::AppState,
};

/// The old single-user path of the tree.
const WEBDAV: &str = "/remote.php/webdav";

/// The tree of a named user.
const FILES: &str = "/remote.php/dav/files/";

/// A Nextcloud client's tree mount: `/remote.php/webdav` or `/remote.php/dav/files/<user>`.
#[derive(Debug)]
pub struct TreeMount {
    /// The URL prefix, decoded (as dav-server compares it).
    pub prefix: String,
    /// The user the path names: the caller's hash id or e-mail, or the answer is 404.
    pub user: Option<String>,
}

/// The tree mount a request path is below, with the decoded prefix dav-server strips.
pub fn mount_of(path: &str) -> Option<TreeMount> {
    if path == WEBDAV || path.starts_with("/remote.php/webdav/") {
        return Some(TreeMount {
            prefix: WEBDAV.to_owned(),
            user: None,
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
    Some(TreeMount {
        prefix: format!("{FILES}{user}"),
        user: Some(user),
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
    error(status, exception(status), message)
}

/// The answer of a file-system failure on the Nextcloud paths.
pub fn fs_error(e: FsError) -> Response {
    failure(status(&e, Door::Nextcloud), &e.to_string())
}

/// 404 for a path that is not there (or another user's).
pub fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "NotFound", "File not found")
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

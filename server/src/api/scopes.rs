//! The scopes every `/api/v4` route requires of an OAuth token (spec 4.18 §2.4), in one table
//! checked where the caller is resolved ([`check`]), so no handler can forget it. Tokens not
//! issued through OAuth are never limited. The one check that depends on the body (a
//! password or 2FA change in `PATCH /user/setting`) is made in that handler.

use percent_encoding::percent_decode_str;
use poem::http::Method;

use super::envelope::{ApiError, ErrorCode};
use crate::caller::Caller;

pub const FILES_WRITE: &str = "Files.Write";
const SHARES_WRITE: &str = "Shares.Write";
const WORKFLOW_WRITE: &str = "Workflow.Write";
const ADMIN_WRITE: &str = "Admin.Write";

/// A request as the table reads it: its method and its path's segments.
struct Request<'a> {
    method: &'a Method,
    seg: Vec<&'a str>,
}

impl Request<'_> {
    /// Segment `i`, empty when the path is shorter.
    fn at(&self, i: usize) -> &str {
        self.seg.get(i).copied().unwrap_or_default()
    }

    fn is(&self, want: Method) -> bool {
        *self.method == want
    }

    fn reads(&self) -> bool {
        matches!(*self.method, Method::GET | Method::HEAD)
    }
}

type Scopes = &'static [&'static str];

/// An area of the API: the first path segment and the scopes a request there needs.
type Area = (&'static str, fn(&Request) -> Scopes);

/// The scopes of each area of the API, by the first segment of the path; an area missing
/// here requires none.
const AREAS: &[Area] = &[
    ("session", session),
    ("workflow", workflow),
    ("file", file),
    // Snapshots (a Stratus extension) are part of the drive: files' scopes.
    ("snapshot", snapshot),
    ("share", share),
    ("user", user),
    ("devices", devices),
    ("admin", admin),
];

/// The scopes route `method path` (below the API base) requires of an OAuth token.
pub fn required(method: &Method, path: &str) -> Vec<&'static str> {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let request = Request {
        method,
        seg: decoded.split('/').filter(|s| !s.is_empty()).collect(),
    };
    AREAS
        .iter()
        .find(|(first, _)| *first == request.at(0))
        .map(|(_, scopes)| scopes(&request).to_vec())
        .unwrap_or_default()
}

/// `read` or `write` as `writes` says.
fn either(writes: bool, read: Scopes, write: Scopes) -> Scopes {
    if writes { write } else { read }
}

fn session(r: &Request) -> Scopes {
    match (r.at(1), r.at(2)) {
        ("token", "refresh") if r.is(Method::POST) => &["offline_access"],
        ("oauth", "grant") if r.is(Method::DELETE) => &["UserSecurityInfo.Write"],
        _ => &[],
    }
}

fn workflow(r: &Request) -> Scopes {
    match r.at(1) {
        "import" | "rebuildFtsIndex" => &[WORKFLOW_WRITE, ADMIN_WRITE],
        // Creating and changing tasks; reading progress is a read.
        _ => either(!r.reads(), &["Workflow.Read"], &[WORKFLOW_WRITE]),
    }
}

fn file(r: &Request) -> Scopes {
    let write = match r.at(1) {
        "" => r.is(Method::DELETE),
        "create" | "rename" | "move" | "restore" => r.is(Method::POST),
        "content" => r.is(Method::PUT),
        "trash" | "lock" => r.is(Method::DELETE),
        "metadata" | "view" => r.is(Method::PATCH),
        "viewerSession" => r.is(Method::PUT),
        "upload" | "pin" | "version" => true,
        // Sharing with people (a Stratus extension): changing who may see a file.
        "permission" => r.is(Method::PUT),
        // Direct links (`source`) need only reading, as upstream: kept on purpose so
        // upstream's clients work (`deviations §1`).
        _ => false,
    };
    either(write, &["Files.Read"], &[FILES_WRITE])
}

fn snapshot(r: &Request) -> Scopes {
    either(!r.reads(), &["Files.Read"], &[FILES_WRITE])
}

fn share(r: &Request) -> Scopes {
    let write = match (r.at(1), r.seg.len()) {
        ("", _) => r.is(Method::PUT) || r.is(Method::DELETE),
        ("info", _) => false,
        ("upload", _) => true,
        (_, 2) => r.is(Method::POST) || r.is(Method::DELETE),
        _ => false,
    };
    either(write, &["Shares.Read"], &[SHARES_WRITE])
}

fn user(r: &Request) -> Scopes {
    match r.at(1) {
        "me" | "capacity" | "search" => &["UserInfo.Read"],
        "authn" => &["UserSecurityInfo.Write"],
        "sessions" | "linked" => either(
            !r.reads(),
            &["UserSecurityInfo.Read"],
            &["UserSecurityInfo.Write"],
        ),
        "setting" => {
            let write = match r.at(2) {
                "" => r.is(Method::PATCH),
                "avatar" => r.is(Method::PUT),
                _ => false,
            };
            either(write, &["UserInfo.Read"], &["UserInfo.Write"])
        }
        _ => &[],
    }
}

fn devices(r: &Request) -> Scopes {
    either(!r.reads(), &["DavAccount.Read"], &["DavAccount.Write"])
}

fn admin(r: &Request) -> Scopes {
    // Lists (`POST /admin/<kind>`) and gets read; every other change writes, and so does
    // every tool, reading ones included.
    let write = r.at(1) == "tool"
        || match *r.method {
            Method::GET | Method::HEAD => false,
            Method::POST => r.seg.len() > 2,
            _ => true,
        };
    either(write, &["Admin.Read"], &[ADMIN_WRITE])
}

/// Refuses (40089) an OAuth caller whose token lacks a scope the route requires.
pub fn check(method: &Method, path: &str, caller: &Caller) -> Result<(), ApiError> {
    let Caller::User(me) = caller else {
        return Ok(());
    };
    if me.oauth.is_none() {
        return Ok(());
    }
    match me.missing_scope(&required(method, path)) {
        Some(scope) => Err(insufficient(scope)),
        None => Ok(()),
    }
}

/// The refusal for a missing `scope`.
pub fn insufficient(scope: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InsufficientScope,
        format!("Insufficient scope: {scope}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(m: Method, p: &str) -> Vec<&'static str> {
        required(&m, p)
    }

    #[test]
    fn the_table_follows_upstream() {
        assert_eq!(req(Method::GET, "/file"), ["Files.Read"]);
        assert_eq!(req(Method::DELETE, "/file"), [FILES_WRITE]);
        assert_eq!(req(Method::PUT, "/file/source"), ["Files.Read"]);
        assert_eq!(req(Method::POST, "/file/upload/abc/0"), [FILES_WRITE]);
        assert_eq!(req(Method::GET, "/file/content/x/0/a.txt"), ["Files.Read"]);
        assert_eq!(req(Method::PUT, "/file/content"), [FILES_WRITE]);
        assert_eq!(req(Method::GET, "/share"), ["Shares.Read"]);
        assert_eq!(req(Method::POST, "/share/abc"), [SHARES_WRITE]);
        assert_eq!(req(Method::DELETE, "/share"), [SHARES_WRITE]);
        assert_eq!(req(Method::GET, "/share/info/abc"), ["Shares.Read"]);
        assert_eq!(
            req(Method::POST, "/workflow/import"),
            [WORKFLOW_WRITE, ADMIN_WRITE]
        );
        assert_eq!(req(Method::GET, "/workflow/progress/1"), ["Workflow.Read"]);
        assert_eq!(req(Method::PATCH, "/workflow/download/1"), [WORKFLOW_WRITE]);
        assert_eq!(req(Method::GET, "/user/setting/2fa"), ["UserInfo.Read"]);
        assert_eq!(req(Method::PATCH, "/user/setting"), ["UserInfo.Write"]);
        assert_eq!(
            req(Method::GET, "/user/sessions"),
            ["UserSecurityInfo.Read"]
        );
        assert_eq!(
            req(Method::DELETE, "/user/sessions/x"),
            ["UserSecurityInfo.Write"]
        );
        assert_eq!(
            req(Method::DELETE, "/user/authn"),
            ["UserSecurityInfo.Write"]
        );
        assert!(req(Method::GET, "/user/info/abc").is_empty());
        assert_eq!(req(Method::POST, "/admin/user"), ["Admin.Read"]);
        assert_eq!(req(Method::POST, "/admin/user/batch/delete"), [ADMIN_WRITE]);
        assert_eq!(req(Method::GET, "/admin/tool/wopi"), [ADMIN_WRITE]);
        assert_eq!(req(Method::GET, "/admin/oauthClient/1"), ["Admin.Read"]);
        assert_eq!(req(Method::PUT, "/admin/oauthClient/1"), [ADMIN_WRITE]);
        assert_eq!(
            req(Method::POST, "/session/token/refresh"),
            ["offline_access"]
        );
        assert!(req(Method::POST, "/session/oauth/consent").is_empty());
        assert_eq!(
            req(Method::DELETE, "/session/oauth/grant/x"),
            ["UserSecurityInfo.Write"]
        );
        assert!(req(Method::GET, "/site/config/basic").is_empty());
        assert_eq!(req(Method::DELETE, "/%66ile"), [FILES_WRITE]);
        assert_eq!(req(Method::GET, "/devices/dav"), ["DavAccount.Read"]);
        assert_eq!(req(Method::DELETE, "/devices/dav/1"), ["DavAccount.Write"]);
    }
}

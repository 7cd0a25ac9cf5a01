//! The scopes every `/api/v4` route requires of an OAuth token (spec 4.18 §2.4), in one table
//! checked where the caller is resolved ([`check`]), so no handler can forget it. Tokens not
//! issued through OAuth are never limited. The one check that depends on the body (a
//! password or 2FA change in `PATCH /user/setting`) is made in that handler.

use percent_encoding::percent_decode_str;
use poem::http::Method;

use super::envelope::{ApiError, ErrorCode};
use crate::caller::Caller;

const FILES_WRITE: &str = "Files.Write";
const SHARES_WRITE: &str = "Shares.Write";
const WORKFLOW_WRITE: &str = "Workflow.Write";
const ADMIN_WRITE: &str = "Admin.Write";

/// The scopes route `method path` (below the API base) requires of an OAuth token.
pub fn required(method: &Method, path: &str) -> Vec<&'static str> {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let seg: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    let m = method;
    let at = |i: usize| seg.get(i).copied().unwrap_or_default();
    let is = |want: Method| *m == want;
    match at(0) {
        "session" => match (at(1), at(2)) {
            ("token", "refresh") if is(Method::POST) => vec!["offline_access"],
            ("oauth", "grant") if is(Method::DELETE) => vec!["UserSecurityInfo.Write"],
            _ => vec![],
        },
        "workflow" => {
            let write = match at(1) {
                "import" | "rebuildFtsIndex" => return vec![WORKFLOW_WRITE, ADMIN_WRITE],
                // Creating and changing tasks; reading progress is a read.
                _ => !matches!(*m, Method::GET | Method::HEAD),
            };
            if write {
                vec![WORKFLOW_WRITE]
            } else {
                vec!["Workflow.Read"]
            }
        }
        "file" => {
            let write = match at(1) {
                "" => is(Method::DELETE),
                "create" | "rename" | "move" | "restore" => is(Method::POST),
                "content" => is(Method::PUT),
                "trash" | "lock" => is(Method::DELETE),
                "metadata" | "view" => is(Method::PATCH),
                "viewerSession" => is(Method::PUT),
                "upload" | "pin" | "version" => true,
                // Direct links need only reading, as upstream.
                _ => false,
            };
            if write {
                vec![FILES_WRITE]
            } else {
                vec!["Files.Read"]
            }
        }
        // Snapshots (a Stratus extension) are part of the drive: files' scopes.
        "snapshot" => {
            if matches!(*m, Method::GET | Method::HEAD) {
                vec!["Files.Read"]
            } else {
                vec![FILES_WRITE]
            }
        }
        "share" => {
            let write = match (at(1), seg.len()) {
                ("", _) => is(Method::PUT) || is(Method::DELETE),
                ("info", _) => false,
                (_, 2) => is(Method::POST) || is(Method::DELETE),
                _ => false,
            };
            if write {
                vec![SHARES_WRITE]
            } else {
                vec!["Shares.Read"]
            }
        }
        "user" => match at(1) {
            "me" | "capacity" | "search" => vec!["UserInfo.Read"],
            "authn" => vec!["UserSecurityInfo.Write"],
            "setting" => {
                let write = match at(2) {
                    "" => is(Method::PATCH),
                    "avatar" => is(Method::PUT),
                    _ => false,
                };
                if write {
                    vec!["UserInfo.Write"]
                } else {
                    vec!["UserInfo.Read"]
                }
            }
            _ => vec![],
        },
        "devices" => {
            if matches!(*m, Method::GET | Method::HEAD) {
                vec!["DavAccount.Read"]
            } else {
                vec!["DavAccount.Write"]
            }
        }
        "admin" => {
            // Lists (`POST /admin/<kind>`) and gets read; every other change writes, and so
            // does every tool, reading ones included.
            let write = at(1) == "tool"
                || match *m {
                    Method::GET | Method::HEAD => false,
                    Method::POST => seg.len() > 2,
                    _ => true,
                };
            if write {
                vec![ADMIN_WRITE]
            } else {
                vec!["Admin.Read"]
            }
        }
        _ => vec![],
    }
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

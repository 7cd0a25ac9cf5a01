//! `/status.php`, `/ocs/v{1,2}.php/cloud/capabilities` and `/ocs/v{1,2}.php/cloud/user`, the
//! least the desktop clients read before they sync, in the shapes they read: they refuse to sync without a status, choose their
//! upload protocol (chunking, checksums) from the capabilities, and take the user id of
//! `/remote.php/dav/files/<user>/` from the user.

use poem::{
    Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};
use serde_json::{Value, json};

use crate::{dav::auth, ids::IdKind, state::AppState};

/// The Nextcloud version spoken (the clients compare it to their minimum).
const VERSION: (u32, u32, u32) = (28, 0, 0);

fn json_answer(value: &Value) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(value.to_string())
}

/// An OCS envelope around `data`.
fn ocs(data: Value) -> Response {
    json_answer(&json!({
        "ocs": {
            "meta": {"status": "ok", "statuscode": 100, "message": "OK"},
            "data": data,
        }
    }))
}

/// `GET /status.php`.
#[handler]
pub fn status() -> Response {
    let (major, minor, micro) = VERSION;
    json_answer(&json!({
        "installed": true,
        "maintenance": false,
        "needsDbUpgrade": false,
        "version": format!("{major}.{minor}.{micro}.0"),
        "versionstring": format!("{major}.{minor}.{micro}"),
        "edition": "",
        "productname": "Stratus",
        "extendedSupport": false,
    }))
}

/// `GET /ocs/v{1,2}.php/cloud/capabilities`.
#[handler]
pub fn capabilities() -> Response {
    let (major, minor, micro) = VERSION;
    ocs(json!({
        "version": {
            "major": major, "minor": minor, "micro": micro,
            "string": format!("{major}.{minor}.{micro}"),
            "edition": "", "extendedSupport": false,
        },
        "capabilities": {
            "core": {"pollinterval": 60, "webdav-root": "remote.php/webdav"},
            "dav": {"chunking": "1.0"},
            "checksums": {"supportedTypes": ["SHA1", "MD5"], "preferredUploadType": "SHA1"},
            "files": {"bigfilechunking": true, "undelete": true, "versioning": true},
            "files_sharing": {"api_enabled": true, "public": {"enabled": true}},
        },
    }))
}

/// `GET /ocs/v{1,2}.php/cloud/user`: the signed-in user (Basic, as WebDAV).
#[handler]
pub async fn user(Data(state): Data<&AppState>, req: &Request) -> Response {
    let signed = match auth::sign_in(state, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let u = &signed.me.user;
    ocs(json!({
        "id": state.ids.encode(u.id, IdKind::User),
        "display-name": u.nick,
        "displayname": u.nick,
        "email": u.email,
        "quota": {
            "used": signed.me.user.storage,
            "total": signed.me.group.max_storage,
        },
    }))
}

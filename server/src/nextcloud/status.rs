//! What a Nextcloud client asks before it signs in: `/status.php` (is this a server, which
//! version), `/ocs/v{1,2}.php/cloud/capabilities` (what the server can do) and
//! `/index.php/204` (is the network open). None of them needs a sign-in.
//!
//! The capabilities promise only what the two halves of the protocol implement: chunked
//! upload v2 and the checksums the WebDAV side verifies, trash and versions, public links.

use poem::{Request, Response, handler, http::StatusCode, web::Data};
use serde_json::{Value, json};

use super::ocs;
use crate::state::AppState;

/// The Nextcloud version clients are told (28: chunked upload v2 and login flow v2 are there).
pub const VERSION: &str = "28.0.0.0";
/// [`VERSION`] as shown.
pub const VERSION_STRING: &str = "28.0.0";
/// The product name clients show.
pub const PRODUCT: &str = "Stratus";

/// `GET /status.php`
#[handler]
pub fn status() -> Response {
    let body = json!({
        "installed": true,
        "maintenance": false,
        "needsDbUpgrade": false,
        "version": VERSION,
        "versionstring": VERSION_STRING,
        "edition": "",
        "productname": PRODUCT,
        "extendedSupport": false,
    });
    Response::builder()
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

/// `GET /index.php/204`: an empty 204, for clients checking for a captive portal.
#[handler]
pub fn no_content() -> Response {
    Response::builder().status(StatusCode::NO_CONTENT).finish()
}

/// `GET /ocs/v{1,2}.php/cloud/capabilities`
#[handler]
pub async fn capabilities(req: &Request, state: Data<&AppState>) -> Response {
    let name = state.settings.get("siteName").await.unwrap_or_default();
    let site = super::login::site(&state, req).await;
    let push = state
        .settings
        .bool("fs_event_push_enabled")
        .await
        .unwrap_or(false);
    let mut data = data(&name, &site);
    if push {
        data["capabilities"]["notify_push"] = notify_push(&site);
    }
    ocs::ok(req, data)
}

/// The push socket (`dav/push.rs`) as Nextcloud's `notify_push` app announces itself: the
/// desktop client connects to `endpoints.websocket` and syncs when told of a change.
fn notify_push(site: &str) -> Value {
    let base = site.trim_end_matches('/');
    let ws = match base.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}"),
        Some((_, rest)) => format!("ws://{rest}"),
        None => base.to_owned(),
    };
    json!({
        "type": ["files"],
        "endpoints": { "websocket": format!("{ws}{}", super::PUSH_PATH) },
    })
}

fn data(name: &str, site: &str) -> Value {
    let name = if name.trim().is_empty() {
        PRODUCT
    } else {
        name
    };
    json!({
        "version": {
            "major": 28,
            "minor": 0,
            "micro": 0,
            "string": VERSION_STRING,
            "edition": "",
            "extendedSupport": false,
        },
        "capabilities": {
            "core": {
                "pollinterval": 60,
                "webdav-root": "remote.php/webdav",
                "reference-api": false,
            },
            "dav": { "chunking": "1.0" },
            "checksums": {
                "supportedTypes": ["SHA1", "MD5"],
                "preferredUploadType": "SHA1",
            },
            "files": {
                "bigfilechunking": true,
                // `/remote.php/dav/trashbin/…` and `/remote.php/dav/versions/…`.
                "undelete": true,
                "versioning": true,
                "blacklisted_files": [".htaccess"],
            },
            "files_sharing": {
                "api_enabled": true,
                "public": {
                    "enabled": true,
                    "password": { "enforced": false, "askForOptionalPassword": false },
                    "expire_date": { "enabled": true, "enforced": false },
                    "multiple_links": true,
                    "send_mail": false,
                    "upload": false,
                },
                "resharing": false,
                "group_sharing": false,
                "user": { "send_mail": false },
                "federation": { "outgoing": false, "incoming": false },
            },
            "theming": {
                "name": name,
                "url": site,
                "slogan": "",
                "color": "#0082c9",
                "color-text": "#ffffff",
                "color-element": "#0082c9",
                "logo": "",
                "background": "",
                "background-plain": true,
                "background-default": true,
            },
        },
    })
}

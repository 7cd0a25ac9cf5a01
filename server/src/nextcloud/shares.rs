//! The OCS share API's public-link subset, `/ocs/v{1,2}.php/apps/files_sharing/api/v1/shares`,
//! over the share service (`share::manage`): list the caller's links (`path=` for one
//! object's), create a link (`shareType=3`) of a path, delete one. Paths are relative to the
//! folder the caller reaches (`fs::reach`: a WebDAV account's root, else the drive's root),
//! as its clients name them (`/Docs/a.txt`): links to what lies outside are neither listed,
//! made nor deleted ("not found"), and a read-only account makes and deletes none (403). A
//! share's OCS id is its row id, its token the public id of `/s/<token>`.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use poem::{
    Request, Response, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde_json::{Value, json};
use stratus_entity::{file, share};

use super::{caller, login::site, ocs};
use crate::{
    auth::caller::{Caller, SignedIn},
    fs::{error::FsError, nav, nav::FsCtx, reach},
    ids::IdKind,
    share::{
        details::share_url,
        error::ShareError,
        manage::{self, Listed, PageRequest, ShareOptions},
    },
    state::AppState,
};

/// Most links one list answers.
const MAX_LISTED: usize = 10_000;
/// OCS `shareType` of a public link.
const PUBLIC_LINK: i64 = 3;

async fn signed_in(req: &Request, state: &AppState) -> Result<Arc<SignedIn>, Response> {
    caller::signed_in(state, req).await.map_err(|refused| {
        refused.unwrap_or_else(|| ocs::fail(req, StatusCode::UNAUTHORIZED, "Unauthorised"))
    })
}

/// The OCS answer to a failure of the share service.
fn refusal(req: &Request, err: ShareError) -> Response {
    let (status, message) = match &err {
        ShareError::NotFound | ShareError::Gone | ShareError::Fs(FsError::NotFound) => (
            StatusCode::NOT_FOUND,
            "Wrong path, file/folder does not exist".to_owned(),
        ),
        ShareError::GroupNotAllowed | ShareError::TooMany(_) | ShareError::NotShareable(_) => {
            (StatusCode::FORBIDDEN, err.to_string())
        }
        ShareError::Root | ShareError::Invalid(_) => (StatusCode::BAD_REQUEST, err.to_string()),
        _ => {
            tracing::warn!(error = %err, "OCS share request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error".to_owned(),
            )
        }
    };
    ocs::fail(req, status, &message)
}

/// The answer to a path or share the caller does not reach.
fn wrong_path(req: &Request) -> Response {
    ocs::fail(
        req,
        StatusCode::NOT_FOUND,
        "Wrong path, file/folder does not exist",
    )
}

/// The live file a link points at and its path as the caller names it (relative to the folder
/// it reaches; a trashed file's in the trash); `None` when the file is gone or outside that
/// folder.
async fn target_of(
    state: &AppState,
    caller: &Caller,
    row: &share::Model,
) -> Result<Option<(file::Model, String)>, FsError> {
    let Some(target) = nav::live_file(&state.db, row.file_id).await? else {
        return Ok(None);
    };
    let uri = nav::uri_of(&state.db, &target).await?;
    if reach::check(caller, &uri).is_err() {
        return Ok(None);
    }
    let path = reach::relative(caller, &uri).unwrap_or_else(|| uri.path());
    Ok(Some((target, path)))
}

/// The parameters of the query and of a form or JSON body.
fn params(req: &Request, body: &[u8]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => out.extend(map.into_iter().map(|(k, v)| {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })),
        _ => out.extend(url::form_urlencoded::parse(body).into_owned()),
    }
    out
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// One link as OCS describes a share; `None` when the caller does not reach its file.
async fn describe(
    state: &AppState,
    caller: &Caller,
    me: &SignedIn,
    base: &str,
    row: &share::Model,
) -> Result<Option<Value>, FsError> {
    let Some((target, path)) = target_of(state, caller, row).await? else {
        return Ok(None);
    };
    let owner = state.ids.encode(me.user.id, IdKind::User);
    let folder = target.r#type == file::kind::FOLDER;
    Ok(Some(json!({
        "id": row.id.to_string(),
        "share_type": PUBLIC_LINK,
        "uid_owner": owner,
        "displayname_owner": me.user.nick,
        "uid_file_owner": owner,
        "displayname_file_owner": me.user.nick,
        "permissions": 1,
        "stime": row.created_at.timestamp(),
        "expiration": row.expires.map(|at| at.format("%Y-%m-%d 00:00:00").to_string()),
        "token": state.ids.encode(row.id, IdKind::Share),
        "url": share_url(&state.ids, base, row, false),
        "path": path,
        "file_target": format!("/{}", target.name),
        "item_type": if folder { "folder" } else { "file" },
        "mimetype": if folder { "httpd/unix-directory".to_owned() } else {
            mime_guess::from_path(&target.name).first_or_octet_stream().to_string()
        },
        "item_source": target.id,
        "file_source": target.id,
        "file_parent": target.parent_id,
        "storage_id": format!("home::{owner}"),
        "share_with": null,
        "share_with_displayname": null,
        "password": null,
        "send_password_by_talk": false,
        "mail_send": 0,
        "hide_download": 0,
        "name": "",
        "label": "",
        "note": "",
    })))
}

/// `GET …/shares` (optionally `path=`): the caller's links, oldest first.
#[handler]
pub async fn list_shares(req: &Request, state: Data<&AppState>) -> Response {
    let me = match signed_in(req, &state).await {
        Ok(me) => me,
        Err(resp) => return resp,
    };
    let params = params(req, &[]);
    let caller = Caller::User(me.clone());
    let wanted = param(&params, "path")
        .map(|p| reach::below(&caller, p).and_then(|uri| reach::relative(&caller, &uri)));
    if let Some(None) = wanted {
        return wrong_path(req);
    }
    let ctx = FsCtx::new(&state, &caller);
    let base = site(&state, req).await;
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = PageRequest {
            page_size: 100,
            ascending: true,
            next_page_token: token.as_deref(),
        };
        let (batch, next) = match manage::page(&ctx, me.user.id, Listed::All, &page).await {
            Ok(p) => p,
            Err(e) => return refusal(req, e),
        };
        rows.extend(batch);
        token = next;
        if token.is_none() || rows.len() >= MAX_LISTED {
            break;
        }
    }
    let mut out = Vec::new();
    for row in &rows {
        match describe(&state, &caller, &me, &base, row).await {
            Ok(Some(v))
                if wanted
                    .as_ref()
                    .is_none_or(|w| w.as_deref() == v["path"].as_str()) =>
            {
                out.push(v)
            }
            Ok(_) => {}
            Err(e) => return refusal(req, ShareError::Fs(e)),
        }
    }
    ocs::ok(req, Value::Array(out))
}

/// `POST …/shares` with `path` and `shareType=3` (optional `password`, `expireDate`
/// `YYYY-MM-DD`): a new link of that path.
#[handler]
pub async fn create_share(req: &Request, state: Data<&AppState>, body: poem::Body) -> Response {
    let me = match signed_in(req, &state).await {
        Ok(me) => me,
        Err(resp) => return resp,
    };
    let body = body.into_bytes_limit(64 * 1024).await.unwrap_or_default();
    let params = params(req, &body);
    if param(&params, "shareType").and_then(|t| t.trim().parse::<i64>().ok()) != Some(PUBLIC_LINK) {
        return ocs::fail(
            req,
            StatusCode::BAD_REQUEST,
            "Only public links (shareType 3) can be made",
        );
    }
    let caller = Caller::User(me.clone());
    let Some(uri) = param(&params, "path").and_then(|p| reach::below(&caller, p)) else {
        return wrong_path(req);
    };
    // A link publishes what it points at: a write, which a read-only account may not make.
    if reach::writable(&caller).is_err() {
        return ocs::fail(req, StatusCode::FORBIDDEN, "Could not create share");
    }
    let expire = match param(&params, "expireDate").filter(|d| !d.is_empty()) {
        None => 0,
        Some(date) => match NaiveDate::parse_from_str(date.get(..10).unwrap_or(date), "%Y-%m-%d") {
            Ok(day) => {
                let end = day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
                let secs = (end - Utc::now()).num_seconds();
                if secs <= 0 {
                    return ocs::fail(
                        req,
                        StatusCode::BAD_REQUEST,
                        "Expiration date is in the past",
                    );
                }
                secs
            }
            Err(_) => {
                return ocs::fail(
                    req,
                    StatusCode::BAD_REQUEST,
                    "Invalid date, date format must be YYYY-MM-DD",
                );
            }
        },
    };
    let password = param(&params, "password")
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
    let opts = ShareOptions {
        is_private: password.is_some(),
        password,
        expire,
        ..Default::default()
    };
    let ctx = FsCtx::new(&state, &caller);
    let row = match manage::create(&ctx, &uri, &opts).await {
        Ok(row) => row,
        Err(e) => return refusal(req, e),
    };
    let base = site(&state, req).await;
    match describe(&state, &caller, &me, &base, &row).await {
        Ok(Some(v)) => ocs::ok(req, v),
        Ok(None) => wrong_path(req),
        Err(e) => refusal(req, ShareError::Fs(e)),
    }
}

/// `DELETE …/shares/<id>`: deletes the caller's link; another's, a missing one and one of a
/// file outside the folder the caller reaches are 404, and a read-only account's is 403.
#[handler]
pub async fn delete_share(
    req: &Request,
    state: Data<&AppState>,
    Path(id): Path<String>,
) -> Response {
    let me = match signed_in(req, &state).await {
        Ok(me) => me,
        Err(resp) => return resp,
    };
    let not_found = || {
        ocs::fail(
            req,
            StatusCode::NOT_FOUND,
            "Wrong share ID, share does not exist",
        )
    };
    let Ok(id) = id.parse::<i64>() else {
        return not_found();
    };
    let caller = Caller::User(me.clone());
    let ctx = FsCtx::new(&state, &caller);
    // `manage::delete` lets an administrator delete anyone's; here only one's own.
    let owned = crate::share::access::find(&state.db, id)
        .await
        .ok()
        .flatten()
        .filter(|s| s.user_id == me.user.id);
    let Some(owned) = owned else {
        return not_found();
    };
    // A link of a file gone for good is the whole drive's to delete.
    match target_of(&state, &caller, &owned).await {
        Ok(Some(_)) => {}
        Ok(None) if reach::whole_drive(&caller) => {}
        Ok(None) => return not_found(),
        Err(e) => return refusal(req, ShareError::Fs(e)),
    }
    if reach::writable(&caller).is_err() {
        return ocs::fail(req, StatusCode::FORBIDDEN, "Could not delete share");
    }
    match manage::delete(&ctx, &state.ids.encode(id, IdKind::Share)).await {
        Ok(_) => ocs::ok(req, json!([])),
        Err(e) => refusal(req, e),
    }
}

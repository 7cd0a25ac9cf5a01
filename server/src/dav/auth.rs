//! HTTP Basic sign-in of WebDAV clients: the user's e-mail and one of the user's DAV account
//! passwords. Passwords are compared in constant time against every account of the user;
//! failures are recorded as `WEBDAV_LOGIN_FAILED` events, and an account or address with too
//! many recent failures is refused for a while, on every instance alike.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::Duration;
use poem::{
    IntoResponse, Request, Response,
    http::{StatusCode, header},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use stratus_entity::{dav_account, group};
use subtle::ConstantTimeEq;

use crate::{
    auth::{caller::SignedIn, throttle},
    boolset::{Boolset, group_perm},
    events::{self, Client},
    state::AppState,
    users,
};

/// Realm of the `WWW-Authenticate` challenge (Windows needs one to prompt).
pub const REALM: &str = "Stratus WebDAV";

/// The signed-in owner and the account used.
pub struct Signed {
    pub me: Arc<SignedIn>,
    pub account: dav_account::Model,
}

/// 401 with the Basic challenge.
pub fn challenge() -> Response {
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(
            header::WWW_AUTHENTICATE,
            format!("Basic realm=\"{REALM}\", charset=\"UTF-8\""),
        )
        .body("")
}

/// `email:password` of a Basic `Authorization` header.
fn credentials(req: &Request) -> Option<(String, String)> {
    let value = req.header(header::AUTHORIZATION)?;
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Signs the request in, or answers it (401, 403 or 429).
pub async fn sign_in(state: &AppState, req: &Request) -> Result<Signed, Response> {
    let Some((email, password)) = credentials(req) else {
        return Err(challenge());
    };
    let internal = |e: sea_orm::DbErr| {
        tracing::warn!(error = %e, "WebDAV sign-in failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    };
    let client = Client::of(req, state.config.proxy_header.as_deref());
    let email = users::normalize_email(&email).unwrap_or(email);
    let user = users::find_by_email(&state.db, &email)
        .await
        .map_err(internal)?;
    let (by_user, by_ip) = events::count_recent(
        &state.db,
        events::kind::WEBDAV_LOGIN_FAILED,
        user.as_ref().map(|u| u.id),
        client.ip.as_deref(),
        Duration::seconds(throttle::WINDOW_SECS),
    )
    .await
    .map_err(internal)?;
    if by_user >= throttle::MAX_FAILURES || by_ip >= throttle::MAX_FAILURES {
        return Err(Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, throttle::WINDOW_SECS.to_string())
            .body(""));
    }
    let accounts = match &user {
        Some(u) => dav_account::Entity::find()
            .filter(dav_account::Column::OwnerId.eq(u.id))
            .filter(dav_account::Column::DeletedAt.is_null())
            .all(&state.db)
            .await
            .map_err(internal)?,
        None => Vec::new(),
    };
    let user_id = user.as_ref().map(|u| u.id);
    // Every account is compared, matched or not, so timing tells nothing about which.
    let mut matched = None;
    for account in accounts {
        let same: bool = account
            .password
            .as_bytes()
            .ct_eq(password.as_bytes())
            .into();
        if same && matched.is_none() {
            matched = Some(account);
        }
    }
    let (Some(user), Some(account)) = (user, matched) else {
        events::record(
            &state.db,
            events::kind::WEBDAV_LOGIN_FAILED,
            user_id,
            &client,
            Some(serde_json::json!({ "email": email })),
        )
        .await;
        return Err(challenge());
    };
    if users::ensure_can_sign_in(&user).is_err() {
        return Err(challenge());
    }
    let group = group::Entity::find_by_id(user.group_id)
        .one(&state.db)
        .await
        .map_err(internal)?;
    let Some(group) = group else {
        return Err(StatusCode::FORBIDDEN.into_response());
    };
    if !Boolset::from_bytes(group.permissions.clone()).enabled(group_perm::WEBDAV) {
        return Err(StatusCode::FORBIDDEN.into_response());
    }
    Ok(Signed {
        me: Arc::new(SignedIn { user, group }),
        account,
    })
}

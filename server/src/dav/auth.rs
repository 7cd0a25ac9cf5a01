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
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use stratus_entity::{dav_account, group, user};
use subtle::ConstantTimeEq;

pub use crate::auth::dav_cache::ROW_TTL;
use crate::{
    auth::{caller::SignedIn, dav_cache::Row, throttle},
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

fn cache_key(email: &str, password: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(email.as_bytes());
    h.update([0]);
    h.update(password.as_bytes());
    h.finalize().into()
}

fn internal(e: sea_orm::DbErr) -> Response {
    tracing::warn!(error = %e, "WebDAV sign-in failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The user matching `filter` (not deleted), with its group.
async fn user_and_group(
    state: &AppState,
    filter: Condition,
) -> Result<Option<(user::Model, Option<group::Model>)>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(filter)
        .filter(user::Column::DeletedAt.is_null())
        .find_also_related(group::Entity)
        .one(&state.db)
        .await
}

/// Signs the request in, or answers it (401, 403 or 429).
pub async fn sign_in(state: &AppState, req: &Request) -> Result<Signed, Response> {
    let Some((email, password)) = credentials(req) else {
        return Err(challenge());
    };
    sign_in_with(state, &email, &password, Client::of(req, &state.config)).await
}

/// Signs in with credentials given otherwise than in a header (the sync clients' push
/// connection sends them as its first messages), with the same checks and throttling.
pub async fn sign_in_with(
    state: &AppState,
    email: &str,
    password: &str,
    client: Client,
) -> Result<Signed, Response> {
    let email = users::normalize_email(email).unwrap_or_else(|_| email.to_owned());
    let password = password.to_owned();
    let key = cache_key(&email, &password);
    if let Some((user_id, account_id)) = crate::auth::dav_cache::logins(state).get(&key).await {
        if let Some(signed) = signed_again(state, (&email, &password), user_id, account_id).await? {
            return Ok(signed);
        }
        crate::auth::dav_cache::logins(state).invalidate(&key).await;
    }
    let found = user_and_group(state, Condition::all().add(user::Column::Email.eq(&email)))
        .await
        .map_err(internal)?;
    let (by_user, by_ip) = events::count_recent(
        &state.db,
        events::kind::WEBDAV_LOGIN_FAILED,
        found.as_ref().map(|(u, _)| u.id),
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
    let accounts = match &found {
        Some((u, _)) => dav_account::Entity::find()
            .filter(dav_account::Column::OwnerId.eq(u.id))
            .filter(dav_account::Column::DeletedAt.is_null())
            .all(&state.db)
            .await
            .map_err(internal)?,
        None => Vec::new(),
    };
    let user_id = found.as_ref().map(|(u, _)| u.id);
    // Every account is compared, matched or not, so timing tells nothing about which.
    let mut matched = None;
    for account in accounts {
        if same_password(&account, &password) && matched.is_none() {
            matched = Some(account);
        }
    }
    let (Some((user, group)), Some(account)) = (found, matched) else {
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
    let ids = (user.id, account.id);
    let signed = admit(user, group, account).map_err(refusal)?;
    crate::auth::dav_cache::logins(state).insert(key, ids).await;
    Ok(signed)
}

fn same_password(account: &dav_account::Model, password: &str) -> bool {
    account
        .password
        .as_bytes()
        .ct_eq(password.as_bytes())
        .into()
}

/// Signs in again with remembered credentials: `None` when the user or the account is gone
/// or the e-mail or password no longer match (the full sign-in then decides).
async fn signed_again(
    state: &AppState,
    (email, password): (&str, &str),
    user_id: i64,
    account_id: i64,
) -> Result<Option<Signed>, Response> {
    let row = crate::auth::dav_cache::rows(state)
        .load(&state.db, user_id, account_id)
        .await
        .map_err(internal)?;
    let Some((user, group, account)) = row
        .filter(|row| row.0.email == email)
        .map(|row| Row::clone(&row))
    else {
        return Ok(None);
    };
    let account = account.filter(|a| same_password(a, password));
    match account {
        Some(account) => admit(user, group, account).map(Some).map_err(refusal),
        None => Ok(None),
    }
}

/// The checks after the password: the user may sign in (else 401) and the group may use
/// WebDAV (else 403).
fn admit(
    user: user::Model,
    group: Option<group::Model>,
    account: dav_account::Model,
) -> Result<Signed, StatusCode> {
    if crate::caller::ensure_can_sign_in(&user).is_err() {
        return Err(StatusCode::UNAUTHORIZED);
    }
    match group {
        Some(group)
            if Boolset::from_bytes(group.permissions.clone()).enabled(group_perm::WEBDAV) =>
        {
            Ok(Signed {
                me: Arc::new(SignedIn {
                    user,
                    group,
                    session: None,
                    oauth: None,
                }),
                account,
            })
        }
        _ => Err(StatusCode::FORBIDDEN),
    }
}

/// The answer to a refused sign-in; a 401 carries the challenge.
fn refusal(status: StatusCode) -> Response {
    if status == StatusCode::UNAUTHORIZED {
        challenge()
    } else {
        status.into_response()
    }
}

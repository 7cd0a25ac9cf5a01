//! HTTP Basic sign-in of WebDAV clients: the user's e-mail and one of the user's DAV account
//! passwords or app passwords (`auth::app_password`, what a sync client got from the login
//! flow). Passwords are compared in constant time against every account of the user, then
//! looked up among the user's app passwords by digest; failures are recorded as
//! `WEBDAV_LOGIN_FAILED` events, and an address with too many recent failures (for the account,
//! or for any) is refused for a while, on every instance alike (`auth::sign_in_throttle`).
//!
//! Both WebDAV edges (`/dav` and the Nextcloud routes) sign their Basic callers in here, and
//! answer a [`Refusal`] alike ([`answer`]: 401 with the challenge, 403, 429 with
//! `Retry-After`), so every Basic credential is checked in one place.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use poem::{
    IntoResponse, Request, Response,
    http::{StatusCode, header},
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use stratus_entity::{app_password::Model as AppPassword, dav_account, group, user};
use subtle::ConstantTimeEq;

use super::Refusal;
use crate::{
    auth::{
        app_password,
        dav_cache::{Credential, Opened, Row},
        sign_in_throttle::{self, Door},
    },
    boolset::{Boolset, dav_opt, group_perm},
    caller::{Credential as Acting, CredentialKind, Reach, SignedIn},
    events::Client,
    fs::uri::FsKind,
    state::AppState,
    users,
};

/// Realm of the `WWW-Authenticate` challenge (Windows needs one to prompt).
pub const REALM: &str = "Stratus WebDAV";

/// The signed-in owner and the account used. An app password opens the whole drive as an
/// account would whose root is `cloudreve://my`, read-write, downloads through the server;
/// `app_password` then names it.
pub struct Signed {
    pub me: Arc<SignedIn>,
    pub account: dav_account::Model,
    pub app_password: Option<i64>,
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

/// The answer to a refused Basic sign-in: the challenge for what a client may retry with
/// other credentials, 403 for a group without WebDAV, 429 with `Retry-After` while throttled.
pub fn answer(refusal: &Refusal) -> Response {
    match refusal {
        Refusal::Throttled { retry_after } => Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, retry_after.to_string())
            .body(""),
        Refusal::NotAllowed(_) => StatusCode::FORBIDDEN.into_response(),
        Refusal::Db(e) => {
            tracing::warn!(error = %e, "WebDAV sign-in failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        _ => challenge(),
    }
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

/// The key a verified sign-in is remembered by: the credentials and the address they came
/// from. A hit skips the throttle, so it must be the address that passed it: a pair verified
/// from one address does not let a locked address (one guessing the account) in with it.
fn cache_key(email: &str, password: &str, ip: Option<&str>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(email.as_bytes());
    h.update([0]);
    h.update(password.as_bytes());
    h.update([0]);
    h.update(ip.unwrap_or_default().as_bytes());
    h.finalize().into()
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

/// Signs the request in, or answers it as every WebDAV path does ([`answer`]).
pub async fn answered(state: &AppState, req: &Request) -> Result<Signed, Response> {
    sign_in(state, req)
        .await
        .map_err(|refusal| answer(&refusal))
}

/// Signs the request in with its Basic credentials.
pub async fn sign_in(state: &AppState, req: &Request) -> Result<Signed, Refusal> {
    let Some((email, password)) = credentials(req) else {
        return Err(Refusal::Unknown);
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
) -> Result<Signed, Refusal> {
    let email = users::normalize_email(email).unwrap_or_else(|_| email.to_owned());
    let password = password.to_owned();
    let key = cache_key(&email, &password, client.ip.as_deref());
    if let Some((user_id, opened)) = crate::auth::dav_cache::logins(state).get(&key).await {
        if let Some(signed) = signed_again(state, (&email, &password), user_id, opened).await? {
            return Ok(signed);
        }
        crate::auth::dav_cache::logins(state).invalidate(&key).await;
    }
    let found = user_and_group(state, Condition::all().add(user::Column::Email.eq(&email))).await?;
    let user_id = found.as_ref().map(|(u, _)| u.id);
    // Only the guesser's address is refused: the account's passwords here are secrets the
    // server issued, never locked account-wide (`auth::sign_in_throttle`).
    if let Some(lock) = sign_in_throttle::locked(&state.db, Door::Dav, user_id, &client).await? {
        let retry_after = u64::try_from(lock.retry_after()).unwrap_or(1);
        return Err(Refusal::Throttled { retry_after });
    }
    let accounts = match &found {
        Some((u, _)) => {
            dav_account::Entity::find()
                .filter(dav_account::Column::OwnerId.eq(u.id))
                .filter(dav_account::Column::DeletedAt.is_null())
                .all(&state.db)
                .await?
        }
        None => Vec::new(),
    };
    // Every account is compared, matched or not, so timing tells nothing about which.
    let mut matched = None;
    for account in accounts {
        if same_password(&account, &password) && matched.is_none() {
            matched = Some(account);
        }
    }
    // Not an account's: one of the user's app passwords, found by its digest.
    let matched = match (&found, matched) {
        (_, Some(account)) => Some(Credential::Account(account)),
        (Some((u, _)), None) => app_password::find(&state.db, u.id, &password)
            .await?
            .map(Credential::AppPassword),
        (None, None) => None,
    };
    let (Some((user, group)), Some(credential)) = (found, matched) else {
        let content = serde_json::json!({ "email": email });
        sign_in_throttle::record_failure(&state.db, Door::Dav, user_id, &client, content).await;
        return Err(match user_id {
            Some(_) => Refusal::WrongSecret,
            None => Refusal::Unknown,
        });
    };
    let ids = (user.id, opened(&credential));
    let signed = admit(state, user, group, credential).await?;
    crate::auth::dav_cache::logins(state).insert(key, ids).await;
    Ok(signed)
}

fn opened(credential: &Credential) -> Opened {
    match credential {
        Credential::Account(a) => Opened::Account(a.id),
        Credential::AppPassword(p) => Opened::AppPassword(p.id),
    }
}

fn same_password(account: &dav_account::Model, password: &str) -> bool {
    account
        .password
        .as_bytes()
        .ct_eq(password.as_bytes())
        .into()
}

/// Signs in again with remembered credentials: `None` when the user or the account or app
/// password is gone or the e-mail or password no longer match (the full sign-in then decides).
async fn signed_again(
    state: &AppState,
    (email, password): (&str, &str),
    user_id: i64,
    opened: Opened,
) -> Result<Option<Signed>, Refusal> {
    let row = crate::auth::dav_cache::rows(state)
        .load(&state.db, user_id, opened)
        .await?;
    let Some((user, group, credential)) = row
        .filter(|row| row.0.email == email)
        .map(|row| Row::clone(&row))
    else {
        return Ok(None);
    };
    let credential = credential.filter(|c| match c {
        Credential::Account(a) => same_password(a, password),
        Credential::AppPassword(p) => p.token_hash == app_password::digest(password),
    });
    match credential {
        Some(credential) => admit(state, user, group, credential).await.map(Some),
        None => Ok(None),
    }
}

/// The checks after the password: the user may sign in and the group may use WebDAV. An app
/// password's use is recorded (at most once a minute).
async fn admit(
    state: &AppState,
    user: user::Model,
    group: Option<group::Model>,
    credential: Credential,
) -> Result<Signed, Refusal> {
    crate::caller::ensure_can_sign_in(&user)?;
    let Some(group) =
        group.filter(|g| Boolset::from_bytes(g.permissions.clone()).enabled(group_perm::WEBDAV))
    else {
        return Err(Refusal::NotAllowed("the account's group cannot use WebDAV"));
    };
    let (account, app_password, acting) = match credential {
        Credential::Account(account) => {
            let acting = Acting::new(CredentialKind::Webdav, account.id, &account.name)
                .within(reach_of(&account));
            (account, None, acting)
        }
        Credential::AppPassword(pw) => {
            touch(state, &pw);
            let acting = Acting::new(CredentialKind::AppPassword, pw.id, &pw.name);
            (whole_drive(&user, &pw), Some(pw.id), acting)
        }
    };
    let me = SignedIn {
        credential: Some(acting),
        ..super::work::acting_as(user, group)
    };
    Ok(Signed {
        me: super::admitted(state, me).await,
        account,
        app_password,
    })
}

/// The folder a WebDAV account is rooted at and its read-only option, which every Nextcloud
/// route it signs in to applies (`fs::reach`). A share is read-only to whoever mounts it.
fn reach_of(account: &dav_account::Model) -> Reach {
    let options = Boolset::from_bytes(account.options.clone());
    let share = crate::fs::reach::account_root(&account.uri).is_none_or(|r| r.fs != FsKind::My);
    Reach {
        root: Some(account.uri.clone()),
        read_only: options.enabled(dav_opt::READ_ONLY) || share,
    }
}

/// The account an app password stands for: the owner's whole drive, read-write, downloads
/// through the server (sync clients do not follow redirects to a storage provider).
fn whole_drive(user: &user::Model, pw: &AppPassword) -> dav_account::Model {
    let options = Boolset::from_flags(&[dav_opt::PROXY]);
    dav_account::Model {
        id: 0,
        created_at: pw.created_at,
        updated_at: pw.updated_at,
        deleted_at: None,
        name: pw.name.clone(),
        uri: "cloudreve://my".to_owned(),
        password: String::new(),
        options: options.into_bytes(),
        props: None,
        owner_id: user.id,
    }
}

/// Records a sign-in with `pw` in the background, when the last one recorded is a minute old.
fn touch(state: &AppState, pw: &AppPassword) {
    let now = chrono::Utc::now();
    if !app_password::due(pw, now) {
        return;
    }
    let db = state.db.clone();
    let id = pw.id;
    tokio::spawn(async move {
        if let Err(e) = app_password::touch(&db, id, now).await {
            tracing::warn!(error = %e, "could not record an app password's use");
        }
    });
}

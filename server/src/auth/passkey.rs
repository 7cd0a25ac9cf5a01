//! Passkeys (WebAuthn, spec §5.5): the relying party built from the site settings, the
//! per-user WebAuthn user handle, ceremony state kept in the `kv` table, and the stored
//! credentials of the `passkeys` table.
//!
//! * RP id = host of the primary `siteURL`, RP name = `siteName`, allowed origins = the origin of
//!   every configured `siteURL` (exact scheme, host and port). WebAuthn needs a domain name:
//!   a `siteURL` whose host is an IP address cannot serve passkeys (40024). `http://localhost`
//!   works, as browsers treat it as a secure context.
//! * The user handle is derived from `siteID` and the user id, so no column stores it; sign-in
//!   finds the credential by its id and checks that the handle the authenticator returned is
//!   the one of the credential's owner.
//! * Registration asks for a resident (discoverable) key so that username-less sign-in works.
//!   User verification is required, not merely preferred: webauthn-rs verifies passkeys with
//!   UV required, and a passkey replaces the password, so the authenticator itself must check
//!   that its owner is present (PIN, biometrics) rather than anyone holding the device.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use stratus_entity::{passkey, user};
use uuid::Uuid;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, RequestChallengeResponse, Url, Webauthn, WebauthnBuilder,
};

use super::{error::AuthError, sign_in_throttle};
use crate::{
    events::{self, Client},
    kv,
    state::AppState,
};

/// How long a registration or sign-in ceremony may take (the authenticator timeout too).
pub const CEREMONY_TTL: Duration = Duration::from_secs(300);
/// The `kind` of the ceremony rows in the `kv` table.
const KV_KIND: &str = "authn_session";
/// `siteURL` when the setting is empty or unusable.
const DEFAULT_SITE_URL: &str = "http://localhost:5212";
/// Longest passkey name kept.
const MAX_NAME_CHARS: usize = 255;

/// The kv key of a user's pending registration.
pub fn registration_key(user_id: i64) -> String {
    format!("authn_session_{user_id}")
}

/// The kv key of a pending username-less sign-in.
pub fn login_key(session_id: &str) -> String {
    format!("authn_session_{session_id}")
}

/// Code 40019 unless `authn_enabled` is on.
pub async fn ensure_enabled(state: &AppState) -> Result<(), AuthError> {
    if state.settings.bool("authn_enabled").await? {
        Ok(())
    } else {
        Err(AuthError::PasskeysDisabled)
    }
}

fn init_failed(cause: impl std::fmt::Display) -> AuthError {
    AuthError::WebAuthnSetup(cause.to_string())
}

fn invalid_credential(cause: impl std::fmt::Display) -> AuthError {
    AuthError::BadCredential(cause.to_string())
}

fn session_gone() -> AuthError {
    AuthError::CeremonyGone
}

/// The origins of the comma-separated `siteURL` setting, primary first; http(s) only.
pub fn site_origins(setting: &str) -> Vec<Url> {
    let mut origins: Vec<Url> = Vec::new();
    for raw in setting.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Ok(url) = Url::parse(raw) else { continue };
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            continue;
        }
        let Ok(origin) = Url::parse(&url.origin().ascii_serialization()) else {
            continue;
        };
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    if origins.is_empty() {
        origins.push(Url::parse(DEFAULT_SITE_URL).expect("valid default site URL"));
    }
    origins
}

/// The relying party for the current settings. Built per ceremony: settings are cached
/// for a few seconds already and building is cheap (a few URL parses).
pub async fn relying_party(state: &AppState) -> Result<Webauthn, AuthError> {
    let origins = site_origins(&state.settings.get("siteURL").await?);
    let primary = &origins[0];
    let rp_id = primary
        .domain()
        .ok_or(AuthError::PasskeyNeedsDomain)?
        .to_owned();
    let site_name = state.settings.get("siteName").await?;
    let rp_name = if site_name.trim().is_empty() {
        rp_id.clone()
    } else {
        site_name
    };
    let mut builder = WebauthnBuilder::new(&rp_id, primary)
        .map_err(init_failed)?
        .rp_name(&rp_name)
        .timeout(CEREMONY_TTL);
    for origin in &origins[1..] {
        builder = builder.append_allowed_origin(origin);
    }
    builder.build().map_err(init_failed)
}

/// The WebAuthn user handle of an account: stable for a user on one site, different across
/// sites (so two installations do not give the same user the same handle).
pub fn user_handle(site_id: &str, user_id: i64) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"stratus-passkey-user\0")
        .chain_update(site_id.as_bytes())
        .chain_update(b"\0")
        .chain_update(user_id.to_be_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The stored (standard base64) form of a raw credential id.
pub fn encode_credential_id(raw: &[u8]) -> String {
    STANDARD.encode(raw)
}

/// A registered passkey, as its owner sees it.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The credential id (standard base64).
    pub id: String,
    pub name: String,
    /// The last successful sign-in with it.
    pub used_at: Option<chrono::DateTime<Utc>>,
    pub created_at: chrono::DateTime<Utc>,
}

impl From<&passkey::Model> for Registered {
    fn from(row: &passkey::Model) -> Self {
        Self {
            id: row.credential_id.clone(),
            name: row.name.clone(),
            used_at: row.used_at,
            created_at: row.created_at,
        }
    }
}

/// A user's passkeys, oldest first.
pub async fn list_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<Registered>, DbErr> {
    Ok(rows_of(db, user_id)
        .await?
        .iter()
        .map(Registered::from)
        .collect())
}

/// The live passkeys of a user, oldest first.
async fn rows_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<passkey::Model>, DbErr> {
    passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .filter(passkey::Column::DeletedAt.is_null())
        .order_by_asc(passkey::Column::Id)
        .all(db)
        .await
}

/// Starts registering a passkey for `user`: the options for `navigator.credentials.create()`
/// (`{publicKey: {...}}`, binary fields base64url).
/// The ceremony state waits in the kv table for [`CEREMONY_TTL`]; a new start replaces it.
pub async fn start_registration(
    state: &AppState,
    user: &user::Model,
) -> Result<serde_json::Value, AuthError> {
    let webauthn = relying_party(state).await?;
    let site_id = state.settings.get("siteID").await?;
    let exclude = rows_of(&state.db, user.id)
        .await?
        .iter()
        .filter_map(|row| STANDARD.decode(&row.credential_id).ok())
        .collect::<Vec<_>>();
    let display_name = if user.nick.trim().is_empty() {
        &user.email
    } else {
        &user.nick
    };
    let (options, registration) = webauthn
        .start_passkey_registration(
            user_handle(&site_id, user.id),
            &user.email,
            display_name,
            (!exclude.is_empty()).then_some(exclude),
        )
        .map_err(init_failed)?;
    let mut options = serde_json::to_value(&options).map_err(init_failed)?;
    // A discoverable credential is what username-less sign-in needs. webauthn-rs asks for
    // "discouraged" and does not check the property on the answer, so only the options change.
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(serde_json::Value::as_object_mut)
    {
        selection.insert("residentKey".into(), "required".into());
        selection.insert("requireResidentKey".into(), true.into());
    }
    let saved = serde_json::to_string(&registration).map_err(init_failed)?;
    kv::put(
        &state.db,
        KV_KIND,
        &registration_key(user.id),
        &saved,
        Some(CEREMONY_TTL),
    )
    .await?;
    Ok(options)
}

/// Finishes a registration: verifies the browser's answer (a JSON string) against the pending
/// ceremony (spent by this call, whatever the outcome) and stores the passkey.
pub async fn finish_registration(
    state: &AppState,
    user: &user::Model,
    response: &str,
    name: &str,
    client: &Client,
) -> Result<passkey::Model, AuthError> {
    let saved = kv::take(&state.db, &registration_key(user.id))
        .await?
        .ok_or_else(session_gone)?;
    let registration: PasskeyRegistration =
        serde_json::from_str(&saved).map_err(|_| session_gone())?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_str(response).map_err(invalid_credential)?;
    let webauthn = relying_party(state).await?;
    let passkey = webauthn
        .finish_passkey_registration(&credential, &registration)
        .map_err(invalid_credential)?;
    let credential_id = encode_credential_id(passkey.cred_id().as_ref());
    // A credential id belongs to one account only.
    let taken = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .one(&state.db)
        .await?;
    if taken.is_some() {
        return Err(AuthError::PasskeyTaken { cause: None });
    }
    let row = passkey::ActiveModel {
        user_id: Set(user.id),
        credential_id: Set(credential_id.clone()),
        name: Set(name.to_owned()),
        credential: Set(serde_json::to_string(&passkey).map_err(invalid_credential)?),
        used_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    // The unique (user_id, credential_id) index catches a concurrent double submit.
    .map_err(|e| AuthError::PasskeyTaken {
        cause: Some(e.to_string()),
    })?;
    events::record(
        &state.db,
        events::kind::USER_CHANGE_PASSKEY,
        Some(user.id),
        client,
        Some(serde_json::json!({ "action": "add", "id": credential_id, "name": row.name })),
    )
    .await;
    Ok(row)
}

/// Deletes one of `user_id`'s passkeys; `false` when the user has no passkey with this id
/// (including when another user has one).
pub async fn delete(
    state: &AppState,
    user_id: i64,
    credential_id: &str,
    client: &Client,
) -> Result<bool, AuthError> {
    // `+` in an unencoded query string arrives as a space.
    let credential_id = credential_id.trim().replace(' ', "+");
    let deleted = passkey::Entity::delete_many()
        .filter(passkey::Column::UserId.eq(user_id))
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .exec(&state.db)
        .await?;
    if deleted.rows_affected == 0 {
        return Ok(false);
    }
    events::record(
        &state.db,
        events::kind::USER_CHANGE_PASSKEY,
        Some(user_id),
        client,
        Some(serde_json::json!({ "action": "delete", "id": credential_id })),
    )
    .await;
    Ok(true)
}

/// Starts a username-less sign-in: the options for `navigator.credentials.get()` and the id
/// of the pending ceremony.
pub async fn start_login(
    state: &AppState,
) -> Result<(RequestChallengeResponse, String), AuthError> {
    let webauthn = relying_party(state).await?;
    let (options, authentication) = webauthn
        .start_discoverable_authentication()
        .map_err(init_failed)?;
    let session_id = Uuid::new_v4().to_string();
    let saved = serde_json::to_string(&authentication).map_err(init_failed)?;
    kv::put(
        &state.db,
        KV_KIND,
        &login_key(&session_id),
        &saved,
        Some(CEREMONY_TTL),
    )
    .await?;
    Ok((options, session_id))
}

/// Finishes a username-less sign-in and returns the account, which may sign in.
///
/// The ceremony is spent by the first attempt. Failed verifications count towards sign-in
/// throttling (per address, and per account once the credential is known). A verified
/// assertion always updates the stored signature counter; `used_at` only moves when the
/// account may actually sign in (40017 banned, 40018 inactive otherwise).
pub async fn finish_login(
    state: &AppState,
    session_id: &str,
    response: &str,
    client: &Client,
) -> Result<user::Model, AuthError> {
    let db = &state.db;
    sign_in_throttle::check(db, None, client).await?;
    let saved = kv::take(db, &login_key(session_id))
        .await?
        .ok_or_else(session_gone)?;
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&saved).map_err(|_| session_gone())?;

    let failed = |user_id: Option<i64>, cause: String| async move {
        sign_in_throttle::fail(db, user_id, client, "passkey").await;
        invalid_credential(cause)
    };

    let webauthn = relying_party(state).await?;
    let credential: PublicKeyCredential = match serde_json::from_str(response) {
        Ok(c) => c,
        Err(e) => return Err(failed(None, e.to_string()).await),
    };
    let (handle, raw_id) = match webauthn.identify_discoverable_authentication(&credential) {
        Ok(found) => found,
        Err(e) => return Err(failed(None, e.to_string()).await),
    };
    let credential_id = encode_credential_id(raw_id);
    let site_id = state.settings.get("siteID").await?;
    let row = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(&credential_id))
        .filter(passkey::Column::DeletedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .find(|row| user_handle(&site_id, row.user_id) == handle);
    let Some(row) = row else {
        return Err(failed(None, "unknown credential".to_owned()).await);
    };
    sign_in_throttle::check(db, Some(row.user_id), client).await?;

    let mut passkey: Passkey = match serde_json::from_str(&row.credential) {
        Ok(p) => p,
        Err(e) => return Err(failed(Some(row.user_id), e.to_string()).await),
    };
    let result =
        match webauthn.finish_discoverable_authentication_v2(&credential, authentication, &passkey)
        {
            Ok(r) => r,
            Err(e) => return Err(failed(Some(row.user_id), e.to_string()).await),
        };
    let Some(account) = user::Entity::find_by_id(row.user_id)
        .one(db)
        .await?
        .filter(|u| u.deleted_at.is_none())
    else {
        return Err(failed(Some(row.user_id), "account deleted".to_owned()).await);
    };

    let changed = passkey.update_credential(&result).unwrap_or(false);
    let allowed = crate::caller::ensure_can_sign_in(&account);
    if changed || allowed.is_ok() {
        let mut active = row.clone().into_active_model();
        if changed {
            active.credential = Set(serde_json::to_string(&passkey).map_err(invalid_credential)?);
        }
        if allowed.is_ok() {
            active.used_at = Set(Some(Utc::now()));
        }
        active.update(db).await?;
    }
    allowed?;
    Ok(account)
}

/// The name to store: `{os}` and `{browser}` in the user's name replaced with what the user
/// agent says, trimmed and shortened; "Passkey" when nothing is left.
pub fn display_name(name: &str, user_agent: &str) -> String {
    let (os, browser) = describe_user_agent(user_agent);
    let name = name.replace("{os}", os).replace("{browser}", browser);
    let name: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        "Passkey".to_owned()
    } else {
        name.to_owned()
    }
}

/// A rough `(os, browser)` of a user agent string; "Unknown" for what it does not know.
fn describe_user_agent(ua: &str) -> (&'static str, &'static str) {
    let os = if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod") {
        "iOS"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        "Unknown"
    };
    let browser = if ua.contains("Edg/") || ua.contains("EdgA/") || ua.contains("EdgiOS/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "Unknown"
    };
    (os, browser)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_come_from_every_site_url() {
        let origins = site_origins(" https://drive.example.com/app/ , http://localhost:5212,bad");
        let shown: Vec<_> = origins.iter().map(|u| u.as_str()).collect();
        assert_eq!(
            shown,
            ["https://drive.example.com/", "http://localhost:5212/"]
        );
        assert_eq!(site_origins("")[0].as_str(), "http://localhost:5212/");
        assert_eq!(
            site_origins("ftp://x")[0].as_str(),
            "http://localhost:5212/"
        );
    }

    #[test]
    fn user_handles_are_stable_per_site() {
        let a = user_handle("site-a", 7);
        assert_eq!(a, user_handle("site-a", 7));
        assert_ne!(a, user_handle("site-a", 8));
        assert_ne!(a, user_handle("site-b", 7));
    }

    #[test]
    fn names_fill_placeholders() {
        let chrome_win = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(
            display_name("{browser} on {os}", chrome_win),
            "Chrome on Windows"
        );
        let safari_ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) \
                          AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile Safari/604.1";
        assert_eq!(display_name("{os} {browser}", safari_ios), "iOS Safari");
        assert_eq!(display_name("  ", ""), "Passkey");
        assert_eq!(display_name("{os}", ""), "Unknown");
        assert_eq!(display_name(&"x".repeat(300), "").chars().count(), 255);
    }
}

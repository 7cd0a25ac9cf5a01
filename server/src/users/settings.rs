//! The owner's account settings. A change goes step by step: every field checked first,
//! then the credentials the change needs, then one write on the row as it is now, then the
//! events it leaves.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::{Map, Value};
use stratus_entity::user;

use super::{
    UsersError, accounts,
    setting_fields::{validate_exts, validate_language, validate_nick, validate_theme},
};
use crate::{
    auth::{
        caller::SignedIn,
        password,
        recovery::{self, NewCode},
        session, sign_in_throttle, totp,
    },
    db,
    events::{self, Client},
    kv,
    state::AppState,
};

/// The account setting naming which shares the public profile lists.
pub const SHARE_LINKS_IN_PROFILE: &str = "share_links_in_profile";
/// Its values: public shares (the default), all working shares, none.
pub const PROFILE_VALUES: [&str; 3] = ["", "all_share", "hide_share"];
/// How long a secret from [`new_two_fa_secret`] waits to be confirmed.
pub const TWO_FA_INIT_TTL: Duration = Duration::from_secs(600);

/// A change of settings: every field is optional.
#[derive(Debug, Default)]
pub struct SettingsChange {
    pub nick: Option<String>,
    pub language: Option<String>,
    pub preferred_theme: Option<String>,
    pub version_retention_enabled: Option<bool>,
    pub version_retention_ext: Option<Vec<String>>,
    pub version_retention_max: Option<i64>,
    pub current_password: Option<String>,
    pub new_password: Option<String>,
    pub two_fa_enabled: Option<bool>,
    pub two_fa_code: Option<String>,
    pub disable_view_sync: Option<bool>,
    pub share_links_in_profile: Option<String>,
}

impl SettingsChange {
    /// Whether the change touches the credentials (password or 2FA).
    pub fn is_security(&self) -> bool {
        self.new_password.is_some() || self.two_fa_enabled.is_some()
    }
}

/// Applies a change to the caller's settings: nothing is saved unless every field is valid.
/// A new password needs the current one and ends every other session of the account; 2FA
/// changes need a valid code. Turning 2FA on answers the account's new recovery codes, the
/// only time they are seen.
pub async fn update(
    state: &AppState,
    me: &SignedIn,
    client: &Client,
    body: &SettingsChange,
) -> Result<Option<Vec<String>>, UsersError> {
    let change = check(&me.user, body)?;
    if change.new_password.is_some() {
        super::external::ensure_local_password(&state.db, me.user.id).await?;
    }
    let creds = verify(state, &me.user, client, &change).await?;
    save(state, me, change, &creds).await?;
    record(state, me.user.id, client, &creds).await?;
    Ok(creds
        .recovery
        .map(|codes| codes.into_iter().map(|c| c.shown).collect()))
}

/// A new TOTP secret (base32) for the account, pending for [`TWO_FA_INIT_TTL`] until a
/// change with `two_fa_enabled` and a code confirms it.
pub async fn new_two_fa_secret(state: &AppState, user_id: i64) -> Result<String, UsersError> {
    let secret = totp::new_secret();
    kv::put(
        &state.db,
        "2fa_init",
        &two_fa_init_key(user_id),
        &secret,
        Some(TWO_FA_INIT_TTL),
    )
    .await?;
    Ok(secret)
}

fn two_fa_init_key(user_id: i64) -> String {
    format!("2fa_init_{user_id}")
}

/// Whether the account has 2FA on.
pub fn has_two_fa(user: &user::Model) -> bool {
    user.two_factor_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty())
}

/// The fields of a request, each checked for shape.
struct Checked<'a> {
    body: &'a SettingsChange,
    nick: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    exts: Option<Vec<String>>,
    has_password: bool,
    /// The new password and the current one given with it.
    new_password: Option<(&'a str, Option<&'a str>)>,
    /// Whether 2FA is to be on, and the code that confirms it.
    two_fa: Option<(bool, &'a str)>,
}

/// What the verified credentials change.
#[derive(Default)]
struct NewCredentials {
    /// The new password's digest.
    digest: Option<String>,
    /// The new 2FA secret (`Some(None)`: 2FA off).
    secret: Option<Option<String>>,
    /// The recovery codes that come with 2FA turned on.
    recovery: Option<Vec<NewCode>>,
}

/// Checks the shape of every field; nothing is read or written.
fn check<'a>(user: &user::Model, body: &'a SettingsChange) -> Result<Checked<'a>, UsersError> {
    let nick = body.nick.as_deref().map(validate_nick).transpose()?;
    let language = body
        .language
        .as_deref()
        .map(validate_language)
        .transpose()?;
    let theme = body
        .preferred_theme
        .as_deref()
        .map(validate_theme)
        .transpose()?;
    let exts = body
        .version_retention_ext
        .as_deref()
        .map(validate_exts)
        .transpose()?;
    if body
        .share_links_in_profile
        .as_deref()
        .is_some_and(|v| !PROFILE_VALUES.contains(&v))
    {
        return Err(UsersError::field(
            "share_links_in_profile: expected \"\", \"all_share\" or \"hide_share\"",
        ));
    }
    if body.version_retention_max.is_some_and(|max| max < 0) {
        return Err(UsersError::field(
            "version_retention_max: must be 0 or more",
        ));
    }
    let has_password = user.password.as_deref().is_some_and(|p| !p.is_empty());
    let new_password = match (&body.new_password, &body.current_password) {
        (None, None) => None,
        (None, Some(_)) => return Err(UsersError::field("new_password is required")),
        (Some(_), None) if has_password => {
            return Err(UsersError::field("current_password is required"));
        }
        (Some(new), current) => {
            accounts::validate_password(new)
                .map_err(|_| UsersError::field("new_password: must be 6 to 128 characters"))?;
            Some((new.as_str(), current.as_deref()))
        }
    };
    let two_fa = match (body.two_fa_enabled, body.two_fa_code.as_deref()) {
        (None, _) => None,
        (Some(_), None) => return Err(UsersError::field("two_fa_code is required")),
        (Some(enable), Some(code)) => {
            if enable == has_two_fa(user) {
                return Err(UsersError::field(if enable {
                    "two_fa_enabled: 2FA is already enabled"
                } else {
                    "two_fa_enabled: 2FA is not enabled"
                }));
            }
            Some((enable, code))
        }
    };
    Ok(Checked {
        body,
        nick,
        language,
        theme,
        exts,
        has_password,
        new_password,
        two_fa,
    })
}

/// Verifies the current password and the 2FA code the change needs; throttled like sign-ins,
/// since they can be guessed the same way.
async fn verify(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    change: &Checked<'_>,
) -> Result<NewCredentials, UsersError> {
    let mut out = NewCredentials::default();
    if change.new_password.is_some() || change.two_fa.is_some() {
        sign_in_throttle::check(&state.db, Some(user.id), client).await?;
    }
    if let Some((new, current)) = change.new_password {
        if change.has_password {
            let digest = user.password.as_deref().unwrap_or_default();
            let check = password::check_off_thread(current.unwrap_or_default(), Some(digest))
                .await
                .map_err(|e| anyhow::anyhow!(e))?;
            if check == password::Check::Mismatch {
                sign_in_throttle::fail(&state.db, Some(user.id), client, "password").await;
                return Err(UsersError::WrongPassword);
            }
        }
        out.digest = Some(accounts::hash_password(new).await?);
    }
    if let Some((enable, code)) = change.two_fa {
        let secret = if enable {
            kv::get(&state.db, &two_fa_init_key(user.id))
                .await?
                .ok_or_else(|| {
                    UsersError::field(
                        "two_fa_enabled: no pending secret, get one from /user/setting/2fa",
                    )
                })?
        } else {
            user.two_factor_secret.clone().unwrap_or_default()
        };
        // Enabling burns the code's step too, so the code that turned 2FA on cannot
        // be replayed to sign in.
        if !totp::verify_once(&state.db, user.id, &secret, code).await? {
            sign_in_throttle::fail(&state.db, Some(user.id), client, "2fa").await;
            return Err(UsersError::TwoFaCodeWrong);
        }
        out.secret = Some(enable.then_some(secret));
        if enable {
            out.recovery = Some(recovery::generate_off_thread().await?);
        }
    }
    Ok(out)
}

/// One write, on the row as it is now (another request may have changed it). A new password
/// ends every other session of the account.
async fn save(
    state: &AppState,
    me: &SignedIn,
    change: Checked<'_>,
    creds: &NewCredentials,
) -> Result<(), UsersError> {
    let user_id = me.user.id;
    let txn = db::begin_write(&state.db).await?;
    let fresh = user::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(UsersError::UserNotFound)?;
    let settings = merged_settings(&fresh.settings, &change);
    let mut active: user::ActiveModel = fresh.into();
    active.settings = Set(Value::Object(settings));
    if let Some(nick) = change.nick {
        active.nick_skeleton = Set(Some(crate::email_address::skeleton(&nick)));
        active.nick = Set(nick);
    }
    if let Some(digest) = &creds.digest {
        active.password = Set(Some(digest.clone()));
    }
    if let Some(secret) = &creds.secret {
        active.two_factor_secret = Set(secret.clone());
    }
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    match (&creds.secret, &creds.recovery) {
        (_, Some(codes)) => recovery::replace(&txn, user_id, codes).await?,
        (Some(None), None) => recovery::delete_all(&txn, user_id).await?,
        _ => {}
    }
    if creds.digest.is_some() {
        session::end_all(&txn, user_id, me.session).await?;
    }
    txn.commit().await?;
    if creds.digest.is_some() {
        session::Chains::of(state).forget_all();
        crate::access_watch::notice(state, crate::access_watch::Narrowed::User(user_id));
    }
    Ok(())
}

/// The account's settings with the checked preferences applied.
fn merged_settings(current: &Value, change: &Checked<'_>) -> Map<String, Value> {
    let body = change.body;
    let mut settings = match current {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    set_or_clear(&mut settings, "language", change.language.clone());
    set_or_clear(&mut settings, "preferred_theme", change.theme.clone());
    set_or_clear(
        &mut settings,
        SHARE_LINKS_IN_PROFILE,
        body.share_links_in_profile.clone(),
    );
    if let Some(enabled) = body.version_retention_enabled {
        settings.insert("version_retention".into(), Value::Bool(enabled));
    }
    if let Some(exts) = &change.exts {
        settings.insert("version_retention_ext".into(), Value::from(exts.clone()));
    }
    if let Some(max) = body.version_retention_max {
        settings.insert("version_retention_max".into(), Value::from(max));
    }
    if let Some(disable) = body.disable_view_sync {
        settings.insert("disable_view_sync".into(), Value::Bool(disable));
    }
    settings
}

/// Stores a string setting, or removes it when the new value is empty.
fn set_or_clear(settings: &mut Map<String, Value>, key: &str, value: Option<String>) {
    match value {
        Some(v) if v.is_empty() => {
            settings.remove(key);
        }
        Some(v) => {
            settings.insert(key.to_owned(), Value::String(v));
        }
        None => {}
    }
}

/// The events a saved change leaves, and the spent pending 2FA secret.
async fn record(
    state: &AppState,
    user_id: i64,
    client: &Client,
    creds: &NewCredentials,
) -> Result<(), UsersError> {
    if creds.digest.is_some() {
        events::record(
            &state.db,
            events::kind::USER_CHANGE_PASSWORD,
            Some(user_id),
            client,
            None,
        )
        .await;
    }
    if let Some(secret) = &creds.secret {
        if secret.is_some() {
            kv::delete(&state.db, &two_fa_init_key(user_id)).await?;
        }
        events::record(
            &state.db,
            events::kind::USER_CHANGE_2FA,
            Some(user_id),
            client,
            Some(serde_json::json!({ "enabled": secret.is_some() })),
        )
        .await;
    }
    Ok(())
}

/// Replaces the account's recovery codes with a new set, once a TOTP code of now confirms it
/// (throttled like sign-ins); answers the new codes, shown this once. The old set stops
/// working in the same transaction.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    me: &SignedIn,
    client: &Client,
    code: &str,
) -> Result<Vec<String>, UsersError> {
    let user = &me.user;
    if !has_two_fa(user) {
        return Err(UsersError::field("two_fa_enabled: 2FA is not enabled"));
    }
    sign_in_throttle::check(&state.db, Some(user.id), client).await?;
    let secret = user.two_factor_secret.clone().unwrap_or_default();
    if !totp::verify_once(&state.db, user.id, &secret, code).await? {
        sign_in_throttle::fail(&state.db, Some(user.id), client, "2fa").await;
        return Err(UsersError::TwoFaCodeWrong);
    }
    let codes = recovery::generate_off_thread().await?;
    let txn = db::begin_write(&state.db).await?;
    recovery::replace(&txn, user.id, &codes).await?;
    txn.commit().await?;
    events::record(
        &state.db,
        events::kind::USER_CHANGE_2FA,
        Some(user.id),
        client,
        Some(serde_json::json!({ "enabled": true, "recovery_codes": "regenerated" })),
    )
    .await;
    Ok(codes.into_iter().map(|c| c.shown).collect())
}

//! `PATCH /user/setting` step by step: every field checked first, then the credentials the
//! change needs, then one write on the row as it is now, then the events it leaves.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::{Map, Value};
use stratus_entity::user;

use super::{
    envelope::{ApiError, ErrorCode},
    user_setting::{SHARE_LINKS_IN_PROFILE, UpdateUserSettingRequest, has_two_fa, two_fa_init_key},
    user_setting_fields::{
        param_error, validate_exts, validate_language, validate_nick, validate_theme,
    },
};
use crate::{
    auth::{caller::SignedIn, password, session, throttle, totp},
    db,
    events::{self, Client},
    kv,
    share::manage,
    state::AppState,
    users,
};

/// The fields of a request, each checked for shape.
pub(super) struct Checked<'a> {
    body: &'a UpdateUserSettingRequest,
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
pub(super) struct NewCredentials {
    /// The new password's digest.
    digest: Option<String>,
    /// The new 2FA secret (`Some(None)`: 2FA off).
    secret: Option<Option<String>>,
}

/// Checks the shape of every field; nothing is read or written.
pub(super) fn check<'a>(
    user: &user::Model,
    body: &'a UpdateUserSettingRequest,
) -> Result<Checked<'a>, ApiError> {
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
        .is_some_and(|v| !manage::PROFILE_VALUES.contains(&v))
    {
        return Err(param_error(
            "share_links_in_profile: expected \"\", \"all_share\" or \"hide_share\"",
        ));
    }
    if body.version_retention_max.is_some_and(|max| max < 0) {
        return Err(param_error("version_retention_max: must be 0 or more"));
    }
    let has_password = user.password.as_deref().is_some_and(|p| !p.is_empty());
    let new_password = match (&body.new_password, &body.current_password) {
        (None, None) => None,
        (None, Some(_)) => return Err(param_error("new_password is required")),
        (Some(_), None) if has_password => {
            return Err(param_error("current_password is required"));
        }
        (Some(new), current) => {
            users::validate_password(new)
                .map_err(|_| param_error("new_password: must be 6 to 128 characters"))?;
            Some((new.as_str(), current.as_deref()))
        }
    };
    let two_fa = match (body.two_fa_enabled, body.two_fa_code.as_deref()) {
        (None, _) => None,
        (Some(_), None) => return Err(param_error("two_fa_code is required")),
        (Some(enable), Some(code)) => {
            if enable == has_two_fa(user) {
                return Err(param_error(if enable {
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
pub(super) async fn verify(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    change: &Checked<'_>,
) -> Result<NewCredentials, ApiError> {
    let mut out = NewCredentials::default();
    if change.new_password.is_some() || change.two_fa.is_some() {
        throttle::check(&state.db, Some(user.id), client).await?;
    }
    if let Some((new, current)) = change.new_password {
        if change.has_password {
            let digest = user.password.as_deref().unwrap_or_default();
            let check = password::check_off_thread(current.unwrap_or_default(), Some(digest))
                .await
                .map_err(|e| ApiError::code(ErrorCode::EncryptError).with_cause(e))?;
            if check == password::Check::Mismatch {
                throttle::fail(&state.db, Some(user.id), client, "password").await;
                return Err(ApiError::new(
                    ErrorCode::IncorrectPassword,
                    "current_password is incorrect",
                ));
            }
        }
        out.digest = Some(users::hash_password(new).await?);
    }
    if let Some((enable, code)) = change.two_fa {
        let secret = if enable {
            kv::get(&state.db, &two_fa_init_key(user.id))
                .await?
                .ok_or_else(|| {
                    param_error("two_fa_enabled: no pending secret, get one from /user/setting/2fa")
                })?
        } else {
            user.two_factor_secret.clone().unwrap_or_default()
        };
        // Enabling burns the code's step too, so the code that turned 2FA on cannot
        // be replayed to sign in.
        if !totp::verify_once(&state.db, user.id, &secret, code).await? {
            throttle::fail(&state.db, Some(user.id), client, "2fa").await;
            return Err(ApiError::code(ErrorCode::TwoFaCodeWrong));
        }
        out.secret = Some(enable.then_some(secret));
    }
    Ok(out)
}

/// One write, on the row as it is now (another request may have changed it). A new password
/// ends every other session of the account.
pub(super) async fn save(
    state: &AppState,
    me: &SignedIn,
    change: Checked<'_>,
    creds: &NewCredentials,
) -> Result<(), ApiError> {
    let user_id = me.user.id;
    let txn = db::begin_write(&state.db).await?;
    let fresh = user::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
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
    if creds.digest.is_some() {
        session::end_all(&txn, user_id, me.session).await?;
    }
    txn.commit().await?;
    if creds.digest.is_some() {
        crate::auth::session::Chains::of(state).forget_all();
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
pub(super) async fn record(
    state: &AppState,
    user_id: i64,
    client: &Client,
    creds: &NewCredentials,
) -> Result<(), ApiError> {
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

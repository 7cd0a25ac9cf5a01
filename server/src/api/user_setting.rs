//! Account settings of the signed-in user: preferences, password, 2FA and avatar.
//!
//! Every route acts on the caller's own account; no route takes a user id.

use std::time::Duration;

use chrono::Utc;
use poem::{Request, RequestBody, http::header, web::Data};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, Object, OpenApi,
    registry::{MetaMediaType, MetaRequest, MetaSchema, MetaSchemaRef, Registry},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect};
use serde_json::{Map, Value};
use stratus_entity::user;

use super::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
    passkey::PasskeyDto,
    user_setting_fields::{
        param_error, validate_exts, validate_language, validate_nick, validate_theme,
    },
};
use crate::{
    auth::{caller::Caller, passkey, password, session, throttle, totp},
    avatar::{self, AvatarError, Size},
    db,
    events::{self, Client},
    kv,
    state::AppState,
    users,
};

/// How long a secret from `GET /user/setting/2fa` waits to be confirmed.
pub const TWO_FA_INIT_TTL: Duration = Duration::from_secs(600);
/// Default of the `avatar_size` setting (upload limit in bytes).
const DEFAULT_AVATAR_LIMIT: i64 = 4 * 1024 * 1024;
/// Content types an avatar upload may have.
const AVATAR_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// `GET /user/setting`
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UserSettings {
    /// Old versions of overwritten files are kept.
    pub version_retention_enabled: bool,
    /// Extensions whose versions are kept (all when absent).
    pub version_retention_ext: Option<Vec<String>>,
    /// Most versions kept per file (unlimited when absent).
    pub version_retention_max: Option<i64>,
    /// The account has no password (passkey-only).
    pub passwordless: bool,
    /// Two-factor authentication is on.
    pub two_fa_enabled: bool,
    /// The account's passkeys.
    pub passkeys: Option<Vec<PasskeyDto>>,
    /// Explorer views stay in this browser instead of following the account.
    pub disable_view_sync: bool,
}

/// `PATCH /user/setting`: every field is optional; unknown fields are ignored.
#[derive(Debug, Default, Object)]
pub struct UpdateUserSettingRequest {
    /// Display name, 1 to 100 characters after trimming.
    pub nick: Option<String>,
    /// UI language tag, e.g. `en-US`; empty clears it.
    pub language: Option<String>,
    /// Theme colour: `#rgb`, `#rrggbb` (with optional alpha), `rgb()`, `rgba()`, `hsl()`,
    /// `hsla()`; empty clears it.
    pub preferred_theme: Option<String>,
    pub version_retention_enabled: Option<bool>,
    /// Extensions (without the dot) whose versions are kept; empty = all files.
    pub version_retention_ext: Option<Vec<String>>,
    /// Most versions kept per file, ≥ 0 (0 = unlimited).
    pub version_retention_max: Option<i64>,
    /// Required with `new_password` unless the account has no password.
    pub current_password: Option<String>,
    /// 6 to 128 characters.
    pub new_password: Option<String>,
    /// Turns 2FA on (with a code for the secret of `GET /user/setting/2fa`) or off (with a
    /// code for the current secret).
    pub two_fa_enabled: Option<bool>,
    /// The authenticator's 6-digit code.
    pub two_fa_code: Option<String>,
    pub disable_view_sync: Option<bool>,
}

/// A raw picture body (`PUT /user/setting/avatar`); its content type is checked by the
/// handler, so that an empty body (switch to Gravatar) may come without one.
pub struct AvatarUpload(poem::Body);

impl<'a> ApiExtractor<'a> for AvatarUpload {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(_registry: &mut Registry) {}

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: Some(
                "The picture (PNG, JPEG, GIF or WebP, at most `avatar_size` bytes); \
                 an empty body switches to Gravatar.",
            ),
            content: AVATAR_TYPES
                .iter()
                .map(|content_type| MetaMediaType {
                    content_type,
                    schema: MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format(
                        "string", "binary",
                    ))),
                })
                .collect(),
            required: false,
        })
    }

    async fn from_request(
        _request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        Ok(Self(body.take()?))
    }
}

fn two_fa_init_key(user_id: i64) -> String {
    format!("2fa_init_{user_id}")
}

pub struct UserSettingApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserSettingApi {
    /// The caller's settings, sign-in methods and passkeys.
    #[oai(
        path = "/user/setting",
        method = "get",
        operation_id = "get_user_setting"
    )]
    async fn get_user_setting(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<UserSettings> {
        let me = caller.signed_in()?;
        let user = &me.user;
        let settings = &user.settings;
        let flag = |key: &str| settings.get(key).and_then(Value::as_bool);
        let exts = settings
            .get("version_retention_ext")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .filter(|exts| !exts.is_empty());
        let passkeys: Vec<PasskeyDto> = passkey::list_for_user(&state.db, user.id)
            .await?
            .into_iter()
            .map(PasskeyDto::from)
            .collect();
        ok(UserSettings {
            version_retention_enabled: flag("version_retention").unwrap_or(false),
            version_retention_ext: exts,
            version_retention_max: settings
                .get("version_retention_max")
                .and_then(Value::as_i64)
                .filter(|max| *max > 0),
            passwordless: user.password.as_deref().is_none_or(str::is_empty),
            two_fa_enabled: has_two_fa(user),
            passkeys: Some(passkeys).filter(|p| !p.is_empty()),
            disable_view_sync: flag("disable_view_sync").unwrap_or(false),
        })
    }

    /// Changes any of the caller's settings. All given fields are checked first; nothing is
    /// saved unless every one is valid. A password change needs the current password
    /// (40069 when wrong) and ends every other session of the account at once (their access
    /// tokens too); the caller's own refresh token stops working, its access token lives on
    /// until it expires. 2FA changes need a valid code (40022 when wrong).
    #[oai(
        path = "/user/setting",
        method = "patch",
        operation_id = "update_user_setting"
    )]
    async fn update_user_setting(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<UpdateUserSettingRequest>,
    ) -> ApiResult<Value> {
        let me = caller.signed_in()?;
        let user = &me.user;
        let body = body.0;
        let client = Client::of(req, state.config.proxy_header.as_deref());

        // 1. Shape of every field.
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

        // 2. Credentials: throttled like sign-ins, since they can be guessed the same way.
        let mut new_digest = None;
        let mut new_secret = None;
        if new_password.is_some() || two_fa.is_some() {
            throttle::check(&state.db, Some(user.id), &client).await?;
        }
        if let Some((new, current)) = new_password {
            if has_password {
                let digest = user.password.clone().unwrap_or_default();
                let given = current.unwrap_or_default().to_owned();
                let check = tokio::task::spawn_blocking(move || password::check(&given, &digest))
                    .await
                    .map_err(|e| ApiError::code(ErrorCode::EncryptError).with_cause(e))?;
                if check == password::Check::Mismatch {
                    throttle::fail(&state.db, Some(user.id), &client, "password").await;
                    return Err(ApiError::new(
                        ErrorCode::IncorrectPassword,
                        "current_password is incorrect",
                    ));
                }
            }
            new_digest = Some(users::hash_password(new).await?);
        }
        if let Some((enable, code)) = two_fa {
            let secret = if enable {
                kv::get(&state.db, &two_fa_init_key(user.id))
                    .await?
                    .ok_or_else(|| {
                        param_error(
                            "two_fa_enabled: no pending secret, get one from /user/setting/2fa",
                        )
                    })?
            } else {
                user.two_factor_secret.clone().unwrap_or_default()
            };
            // Enabling burns the code's step too, so the code that turned 2FA on cannot
            // be replayed to sign in.
            if !totp::verify_once(&state.db, user.id, &secret, code).await? {
                throttle::fail(&state.db, Some(user.id), &client, "2fa").await;
                return Err(ApiError::code(ErrorCode::TwoFaCodeWrong));
            }
            new_secret = Some(enable.then_some(secret));
        }

        // 3. One write, on the row as it is now (another request may have changed it).
        let txn = db::begin_write(&state.db).await?;
        let fresh = user::Entity::find_by_id(user.id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .ok_or_else(|| ApiError::code(ErrorCode::UserNotFound))?;
        let mut settings = match fresh.settings.clone() {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        set_or_clear(&mut settings, "language", language);
        set_or_clear(&mut settings, "preferred_theme", theme);
        if let Some(enabled) = body.version_retention_enabled {
            settings.insert("version_retention".into(), Value::Bool(enabled));
        }
        if let Some(exts) = exts {
            settings.insert("version_retention_ext".into(), Value::from(exts));
        }
        if let Some(max) = body.version_retention_max {
            settings.insert("version_retention_max".into(), Value::from(max));
        }
        if let Some(disable) = body.disable_view_sync {
            settings.insert("disable_view_sync".into(), Value::Bool(disable));
        }
        let mut active: user::ActiveModel = fresh.into();
        active.settings = Set(Value::Object(settings));
        if let Some(nick) = nick {
            active.nick_skeleton = Set(Some(crate::email_address::skeleton(&nick)));
            active.nick = Set(nick);
        }
        if let Some(digest) = &new_digest {
            active.password = Set(Some(digest.clone()));
        }
        if let Some(secret) = &new_secret {
            active.two_factor_secret = Set(secret.clone());
        }
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        if new_digest.is_some() {
            session::end_all(&txn, user.id, me.session).await?;
        }
        txn.commit().await?;
        if new_digest.is_some() {
            state.sessions.forget_all();
        }

        // 4. Aftermath.
        if new_digest.is_some() {
            events::record(
                &state.db,
                events::kind::USER_CHANGE_PASSWORD,
                Some(user.id),
                &client,
                None,
            )
            .await;
        }
        if let Some(secret) = &new_secret {
            if secret.is_some() {
                kv::delete(&state.db, &two_fa_init_key(user.id)).await?;
            }
            events::record(
                &state.db,
                events::kind::USER_CHANGE_2FA,
                Some(user.id),
                &client,
                Some(serde_json::json!({ "enabled": secret.is_some() })),
            )
            .await;
        }
        done()
    }

    /// A new TOTP secret (base32) for the caller, pending for 10 minutes until
    /// `PATCH /user/setting {two_fa_enabled: true, two_fa_code}` confirms it.
    #[oai(
        path = "/user/setting/2fa",
        method = "get",
        operation_id = "get_2fa_secret"
    )]
    async fn get_2fa_secret(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let secret = totp::new_secret();
        kv::put(
            &state.db,
            "2fa_init",
            &two_fa_init_key(me.user.id),
            &secret,
            Some(TWO_FA_INIT_TTL),
        )
        .await?;
        ok(secret)
    }

    /// Sets the caller's avatar from a raw PNG, JPEG, GIF or WebP body of at most
    /// `avatar_size` bytes (40049 above). The picture is cropped to a centred square and
    /// stored in two sizes; an empty body switches to Gravatar and deletes the stored one.
    #[oai(
        path = "/user/setting/avatar",
        method = "put",
        operation_id = "update_avatar"
    )]
    async fn update_avatar(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: AvatarUpload,
    ) -> ApiResult<Value> {
        let me = caller.signed_in()?;
        let limit = state
            .settings
            .int("avatar_size", DEFAULT_AVATAR_LIMIT)
            .await?
            .max(0);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let declared = req
            .header(header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(too_large(limit));
        }
        // A picture must say what it is; only an empty body (Gravatar) may come without a
        // content type. Checked before reading when the length is announced.
        let content_type = req
            .content_type()
            .and_then(|ct| ct.split(';').next())
            .map(|ct| ct.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let typed = AVATAR_TYPES.contains(&content_type.as_str());
        if !typed && declared.is_some_and(|len| len > 0) {
            return Err(wrong_type());
        }
        let data = body.0.into_bytes_limit(limit).await.map_err(|e| match e {
            poem::error::ReadBodyError::PayloadTooLarge => too_large(limit),
            other => param_error(format!("reading the body failed: {other}")),
        })?;
        let dir = avatar::dir(
            &state.config.data_dir,
            &state.settings.get("avatar_path").await?,
        );

        if data.is_empty() {
            set_avatar(&state, me.user.id, avatar::GRAVATAR).await?;
            avatar::remove(&dir, me.user.id)
                .await
                .map_err(|e| ApiError::code(ErrorCode::IoError).with_cause(e))?;
            return done();
        }

        if !typed {
            return Err(wrong_type());
        }
        let large = Size::Large.side_from(state.settings.int(Size::Large.setting(), 0).await?);
        let small = Size::Small.side_from(state.settings.int(Size::Small.setting(), 0).await?);
        let rendered = avatar::render(data, large, small)
            .await
            .map_err(|e| match e {
                AvatarError::Undecodable(_) | AvatarError::TooLarge => param_error(e.to_string()),
                AvatarError::Encode(_) => ApiError::code(ErrorCode::IoError).with_cause(e),
            })?;
        avatar::store(&dir, me.user.id, &rendered)
            .await
            .map_err(|e| ApiError::code(ErrorCode::IoError).with_cause(e))?;
        set_avatar(&state, me.user.id, avatar::FILE).await?;
        done()
    }
}

fn wrong_type() -> ApiError {
    param_error(format!(
        "Content-Type must be one of {}",
        AVATAR_TYPES.join(", ")
    ))
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::FileTooLarge,
        format!("The avatar may be at most {limit} bytes"),
    )
}

async fn set_avatar(state: &AppState, user_id: i64, value: &str) -> Result<(), ApiError> {
    user::ActiveModel {
        id: Set(user_id),
        avatar: Set(Some(value.to_owned())),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&state.db)
    .await?;
    Ok(())
}

fn has_two_fa(user: &user::Model) -> bool {
    user.two_factor_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty())
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

//! Account settings of the signed-in user: preferences, password, 2FA and avatar.
//!
//! Every route acts on the caller's own account; no route takes a user id.

use chrono::Utc;
use poem::{Request, RequestBody, http::header, web::Data};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, Object, OpenApi,
    registry::{MetaRequest, Registry},
};
use serde_json::Value;

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
    raw,
    session::passkey::PasskeyDto,
};
use crate::{
    auth::{caller::Caller, oauth, passkey, recovery, sign_in_throttle},
    avatar::{self, AvatarError, Size},
    events::Client,
    state::AppState,
    users::{
        self,
        settings::{self, SHARE_LINKS_IN_PROFILE, SettingsChange, has_two_fa},
    },
};
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
    /// How many unused 2FA recovery codes the account has; left out when 2FA is off.
    pub two_fa_recovery_codes_left: Option<u64>,
    /// The account's passkeys.
    pub passkeys: Option<Vec<PasskeyDto>>,
    /// Explorer views stay in this browser instead of following the account.
    pub disable_view_sync: bool,
    /// Which shares the public profile lists: `""` (public ones), `all_share`, `hide_share`.
    pub share_links_in_profile: String,
    /// Applications the user granted access (OAuth); left out when none.
    pub oauth_grants: Option<Vec<OAuthGrantDto>>,
    /// Sign-in locks on the account now, after too many failed sign-ins; left out when none.
    pub sign_in_locks: Option<Vec<SignInLockDto>>,
}

/// A lock of the sign-in throttle on the account. Devices and apps that signed in before, and
/// app passwords, WebDAV accounts and S3 keys, go on working through it.
#[derive(Debug, Object)]
#[oai(rename = "SignInLock", skip_serializing_if_is_none)]
pub struct SignInLockDto {
    /// `address`: sign-ins to this account from `ip` are refused; `account`: the account's
    /// password is refused from addresses it was never signed in from.
    pub scope: String,
    /// The address refused (`address` locks).
    pub ip: Option<String>,
    /// When the lock ends, unless more failures come.
    pub until: chrono::DateTime<Utc>,
}

impl From<sign_in_throttle::Locked> for SignInLockDto {
    fn from(lock: sign_in_throttle::Locked) -> Self {
        let (scope, ip) = match lock.scope {
            sign_in_throttle::Scope::Account(_) => ("account", None),
            sign_in_throttle::Scope::Address(ip)
            | sign_in_throttle::Scope::AddressAccount(ip, _) => ("address", Some(ip)),
        };
        Self {
            scope: scope.to_owned(),
            ip,
            until: lock.until,
        }
    }
}

/// One application the user granted access.
#[derive(Debug, Object)]
#[oai(rename = "OAuthGrant", skip_serializing_if_is_none)]
pub struct OAuthGrantDto {
    /// The client GUID.
    pub client_id: String,
    /// May be an i18n key.
    pub client_name: String,
    /// The client's icon.
    pub client_logo: Option<String>,
    pub scopes: Vec<String>,
    #[oai(skip_serializing_if = "is_never")]
    pub last_used_at: Option<chrono::DateTime<Utc>>,
}

/// `last_used_at` is always present, `null` when never used.
fn is_never(_: &Option<chrono::DateTime<Utc>>) -> bool {
    false
}

/// 2FA recovery codes, shown this once (`xxxx-xxxx-xxxx`; each works once in place of a
/// TOTP code at `POST /session/token/2fa`).
#[derive(Debug, Object)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// `POST /user/setting/2fa/recovery_codes`
#[derive(Debug, Object)]
pub struct RegenerateRecoveryCodesRequest {
    /// The authenticator's 6-digit code of now.
    pub two_fa_code: String,
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
    /// Which shares the public profile lists: `""` (public ones), `all_share` or
    /// `hide_share` (anything else is 40001); empty clears it.
    pub share_links_in_profile: Option<String>,
}

impl UpdateUserSettingRequest {
    fn into_change(self) -> SettingsChange {
        SettingsChange {
            nick: self.nick,
            language: self.language,
            preferred_theme: self.preferred_theme,
            version_retention_enabled: self.version_retention_enabled,
            version_retention_ext: self.version_retention_ext,
            version_retention_max: self.version_retention_max,
            current_password: self.current_password,
            new_password: self.new_password,
            two_fa_enabled: self.two_fa_enabled,
            two_fa_code: self.two_fa_code,
            disable_view_sync: self.disable_view_sync,
            share_links_in_profile: self.share_links_in_profile,
        }
    }
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
            content: AVATAR_TYPES.iter().copied().map(raw::binary).collect(),
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

/// The user's grants with their clients, for the settings page.
async fn sign_in_locks(state: &AppState, uid: i64) -> Result<Option<Vec<SignInLockDto>>, ApiError> {
    let locks = sign_in_throttle::locks_of(&state.db, uid).await?;
    Ok(Some(locks.into_iter().map(SignInLockDto::from).collect())
        .filter(|l: &Vec<_>| !l.is_empty()))
}

async fn oauth_grants(state: &AppState, uid: i64) -> Result<Vec<OAuthGrantDto>, ApiError> {
    Ok(oauth::grants::of_user(state, uid)
        .await?
        .into_iter()
        .map(|(g, c)| OAuthGrantDto {
            client_logo: oauth::clients::prop(&c, "icon"),
            client_id: c.guid,
            client_name: c.name,
            scopes: oauth::clients::strings(&g.scopes),
            last_used_at: g.last_used_at,
        })
        .collect())
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
            two_fa_recovery_codes_left: match has_two_fa(user) {
                true => Some(recovery::remaining(&state.db, user.id).await?),
                false => None,
            },
            passkeys: Some(passkeys).filter(|p| !p.is_empty()),
            disable_view_sync: flag("disable_view_sync").unwrap_or(false),
            share_links_in_profile: settings
                .get(SHARE_LINKS_IN_PROFILE)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            oauth_grants: Some(oauth_grants(&state, user.id).await?).filter(|g| !g.is_empty()),
            sign_in_locks: sign_in_locks(&state, user.id).await?,
        })
    }

    /// Changes any of the caller's settings. All given fields are checked first; nothing is
    /// saved unless every one is valid. A password change needs the current password
    /// (40069 when wrong) and ends every other session of the account at once (their access
    /// tokens too); the caller's own refresh token stops working, its access token lives on
    /// until it expires. 2FA changes need a valid code (40022 when wrong). Turning 2FA on
    /// answers the account's 10 recovery codes as `data`, the only time they are shown; other
    /// changes answer no `data`.
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
    ) -> ApiResult<RecoveryCodes> {
        let me = caller.signed_in()?;
        // Security changes need more than the route's scope (spec 4.18 §2.4).
        let change = body.0.into_change();
        if change.is_security()
            && let Some(scope) = me.missing_scope(&["UserSecurityInfo.Write"])
        {
            return Err(crate::api::scopes::insufficient(scope));
        }
        let client = Client::of(req, &state.config);
        match settings::update(&state, me, &client, &change).await? {
            Some(recovery_codes) => ok(RecoveryCodes { recovery_codes }),
            None => done(),
        }
    }

    /// Replaces the caller's 2FA recovery codes with 10 new ones, shown this once; the old
    /// ones stop working. Needs 2FA on (40001 otherwise) and a TOTP code of now (40022 when
    /// wrong, throttled like sign-ins).
    #[oai(
        path = "/user/setting/2fa/recovery_codes",
        method = "post",
        operation_id = "regenerate_recovery_codes"
    )]
    async fn regenerate_recovery_codes(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<RegenerateRecoveryCodesRequest>,
    ) -> ApiResult<RecoveryCodes> {
        let me = caller.signed_in()?;
        if let Some(scope) = me.missing_scope(&["UserSecurityInfo.Write"]) {
            return Err(crate::api::scopes::insufficient(scope));
        }
        let client = Client::of(req, &state.config);
        let recovery_codes =
            settings::regenerate_recovery_codes(&state, me, &client, &body.two_fa_code).await?;
        ok(RecoveryCodes { recovery_codes })
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
        ok(settings::new_two_fa_secret(&state, me.user.id).await?)
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
            users::set_avatar(&state.db, me.user.id, avatar::GRAVATAR).await?;
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
        users::set_avatar(&state.db, me.user.id, avatar::FILE).await?;
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

/// A 40001 answer.
fn param_error(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ParamError, msg)
}

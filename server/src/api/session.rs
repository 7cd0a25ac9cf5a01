//! `/session`: password sign-in with captcha and 2FA, token refresh and sign-out.
//!
//! Each sign-in starts a session chain (`auth::session`); a refresh token is good for one
//! refresh, and one used again ends its chain.

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};
use stratus_entity::user;
use subtle::ConstantTimeEq;

use super::{
    ApiTags,
    dto::user::{LoginResponse, Token, User},
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    json::ApiJson,
};
use crate::{
    auth::{
        jwt, oauth, password, recovery,
        session::{self, Refresh, rows},
        throttle, totp,
    },
    captcha_ticket,
    events::{self, Client},
    ids::IdKind,
    kv,
    state::AppState,
    users,
};

/// How long a password sign-in waits for its 2FA code.
const TWO_FA_SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(600);

/// `POST /session/token`
#[derive(Debug, Object)]
pub struct PasswordLoginRequest {
    pub email: String,
    #[oai(validator(min_length = 4, max_length = 128))]
    pub password: String,
    /// The typed captcha text, when `login_captcha` is on.
    pub captcha: Option<String>,
    /// The ticket of `GET /site/captcha`.
    pub ticket: Option<String>,
}

/// `POST /session/token/2fa`
#[derive(Debug, Object)]
pub struct TwoFactorLoginRequest {
    /// The 6-digit code from the authenticator, or one of the account's recovery codes
    /// (`xxxx-xxxx-xxxx`), which then cannot be used again.
    pub otp: String,
    /// The id answered with code 203 by `POST /session/token`.
    pub session_id: String,
}

/// A refresh token (refresh and sign-out).
#[derive(Debug, Object)]
pub struct RefreshTokenRequest {
    pub refresh_token: String,
}

/// `GET /session/prepare`
#[derive(Debug, Object)]
pub struct PrepareLoginResponse {
    /// The account has passkeys and passkey sign-in is on.
    pub webauthn_enabled: bool,
    /// The account has a password.
    pub password_enabled: bool,
}

pub struct SessionApi;

#[OpenApi(tag = "ApiTags::Session")]
impl SessionApi {
    /// Which sign-in methods an account has; code 404 when there is no such account.
    #[oai(
        path = "/session/prepare",
        method = "get",
        operation_id = "prepare_login"
    )]
    async fn prepare_login(
        &self,
        state: Data<&AppState>,
        email: Query<String>,
    ) -> ApiResult<PrepareLoginResponse> {
        let user = find_active_or_any(&state, &email.0)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
        let authn_enabled = state.settings.bool("authn_enabled").await?;
        let has_passkey = rows::has_passkey(&state.db, user.id).await?;
        ok(PrepareLoginResponse {
            webauthn_enabled: authn_enabled && has_passkey,
            password_enabled: user.password.as_deref().is_some_and(|p| !p.is_empty()),
        })
    }

    /// Signs in with e-mail and password. Accounts with 2FA get code 203 and a session id
    /// to send with the code to `POST /session/token/2fa`.
    #[oai(
        path = "/session/token",
        method = "post",
        operation_id = "create_session"
    )]
    async fn create_session(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<PasswordLoginRequest>,
    ) -> ApiResult<LoginResponse> {
        let client = Client::of(req, &state.config);
        let account = find_active_or_any(&state, &body.email).await?;
        throttle::check(&state.db, account.as_ref().map(|u| u.id), &client).await?;

        if state.settings.bool("login_captcha").await? {
            let passed = captcha_ticket::verify(
                &state.db,
                body.ticket.as_deref().unwrap_or_default(),
                body.captcha.as_deref().unwrap_or_default(),
            )
            .await?;
            if !passed {
                return Err(ApiError::code(ErrorCode::CaptchaError));
            }
        }

        let digest = account
            .as_ref()
            .map(|u| u.password.as_deref().unwrap_or_default());
        let check = password::check_off_thread(&body.password, digest)
            .await
            .map_err(|e| ApiError::code(ErrorCode::EncryptError).with_cause(e))?;
        let Some(user) = account else {
            throttle::fail(&state.db, None, &client, "password").await;
            return Err(ApiError::code(ErrorCode::InvalidPassword));
        };
        if check == password::Check::Mismatch {
            throttle::fail(&state.db, Some(user.id), &client, "password").await;
            return Err(ApiError::code(ErrorCode::InvalidPassword));
        }
        crate::caller::ensure_can_sign_in(&user)?;
        let user = if check == password::Check::MatchLegacy {
            users::rehash_password(&state.db, user, &body.password).await?
        } else {
            user
        };

        if user
            .two_factor_secret
            .as_deref()
            .is_some_and(|s| !s.is_empty())
        {
            let session_id = uuid::Uuid::new_v4().to_string();
            kv::put(
                &state.db,
                "user_2fa",
                &format!("user_2fa_{session_id}"),
                &user.id.to_string(),
                Some(TWO_FA_SESSION_TTL),
            )
            .await?;
            return Err(ApiError::code(ErrorCode::Continue)
                .with_data(serde_json::Value::String(session_id)));
        }
        finish_login(&state, &user, &client, "password").await
    }

    /// Completes a password sign-in with the 2FA code, or with a recovery code instead.
    #[oai(
        path = "/session/token/2fa",
        method = "post",
        operation_id = "create_session_2fa"
    )]
    async fn create_session_2fa(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<TwoFactorLoginRequest>,
    ) -> ApiResult<LoginResponse> {
        let client = Client::of(req, &state.config);
        let key = format!("user_2fa_{}", body.session_id);
        let user_id: i64 = kv::get(&state.db, &key)
            .await?
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| ApiError::code(ErrorCode::LoginSessionNotExist))?;
        throttle::check(&state.db, Some(user_id), &client).await?;
        let user = rows::account(&state.db, user_id)
            .await?
            .ok_or_else(|| ApiError::code(ErrorCode::LoginSessionNotExist))?;
        if !second_factor_ok(&state, &user, &client, &body.otp).await? {
            return Err(ApiError::code(ErrorCode::TwoFaCodeWrong));
        }
        // The session is spent only by a right code, so a typo does not restart the sign-in.
        if kv::take(&state.db, &key).await?.is_none() {
            return Err(ApiError::code(ErrorCode::LoginSessionNotExist));
        }
        crate::caller::ensure_can_sign_in(&user)?;
        finish_login(&state, &user, &client, "2fa").await
    }

    /// Exchanges a refresh token for a new pair in the same chain. Each refresh token works
    /// once: one used again (a copy, or a replay) ends its whole chain, and is refused (40020)
    /// like every other token of the chain from then on.
    #[oai(
        path = "/session/token/refresh",
        method = "post",
        operation_id = "refresh_session"
    )]
    async fn refresh_session(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<RefreshTokenRequest>,
    ) -> ApiResult<Token> {
        let token = verify_refresh(&state, &body.refresh_token).await?;
        let user = rows::refreshable(&state.db, token.user_id)
            .await?
            .ok_or_else(invalid_refresh)?;
        let expected = session::state_hash(&state, &user).await?;
        if !bool::from(expected.as_bytes().ct_eq(token.state_hash.as_bytes())) {
            return Err(invalid_refresh());
        }
        // An OAuth chain goes on only while its client and the user's grant still allow it.
        let chain = match &token.oauth {
            Some(t) => Some(oauth::flow::check_refresh(&state, user.id, t).await?),
            None => None,
        };
        let client = Client::of(req, &state.config);
        let chain_and_token = (token.root, token.jti);
        match session::refresh(&state, &user, chain_and_token, chain.as_ref(), &client).await? {
            Refresh::Rotated(pair) => ok(pair.into()),
            Refresh::Reused => {
                events::record(
                    &state.db,
                    events::kind::USER_LOGOUT,
                    Some(user.id),
                    &client,
                    Some(serde_json::json!({ "reason": "refresh_token_reused" })),
                )
                .await;
                Err(invalid_refresh())
            }
            Refresh::Ended => Err(invalid_refresh()),
        }
    }

    /// Signs out: ends the refresh token's chain, so that none of its tokens, access or
    /// refresh, is accepted any more, on any instance.
    #[oai(
        path = "/session/token",
        method = "delete",
        operation_id = "delete_session"
    )]
    async fn delete_session(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<RefreshTokenRequest>,
    ) -> ApiResult<String> {
        // Any token of the chain may end it: ending a session is never a risk to its owner,
        // and a token made stale by a password change must still sign its session out.
        let token = verify_refresh(&state, &body.refresh_token).await?;
        if !session::end(&state, token.user_id, token.root).await? {
            return Err(invalid_refresh());
        }
        let client = Client::of(req, &state.config);
        events::record(
            &state.db,
            events::kind::USER_LOGOUT,
            Some(token.user_id),
            &client,
            None,
        )
        .await;
        ok(String::new())
    }
}

/// Whether `otp` is the account's TOTP code of now, or one of its unused recovery codes (which
/// it spends); a wrong one counts as a failed sign-in, so both kinds are throttled alike.
async fn second_factor_ok(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    otp: &str,
) -> Result<bool, ApiError> {
    let (passed, method) = match recovery::normalize(otp) {
        Some(code) => (
            recovery::redeem(&state.db, user.id, &code).await?,
            "recovery",
        ),
        None => {
            let secret = user.two_factor_secret.clone().unwrap_or_default();
            (
                totp::verify_once(&state.db, user.id, &secret, otp).await?,
                "2fa",
            )
        }
    };
    if !passed {
        throttle::fail(&state.db, Some(user.id), client, method).await;
    }
    Ok(passed)
}

fn invalid_refresh() -> ApiError {
    ApiError::new(ErrorCode::CredentialInvalid, "Invalid refresh token")
}

/// What a signed refresh token says.
struct RefreshClaims {
    user_id: i64,
    root: uuid::Uuid,
    jti: uuid::Uuid,
    state_hash: String,
    oauth: Option<crate::caller::OAuthToken>,
}

/// The claims of a refresh token that is signed, unexpired, of the refresh kind, and names a
/// user, a chain and its own id (tokens from before chains were kept do not).
async fn verify_refresh(state: &AppState, token: &str) -> Result<RefreshClaims, ApiError> {
    let secret = state.settings.get("secret_key").await?;
    let claims = jwt::verify(&secret, token).map_err(|_| invalid_refresh())?;
    if claims.token_type != jwt::REFRESH {
        return Err(invalid_refresh());
    }
    let user_id = state
        .ids
        .decode(&claims.sub, IdKind::User)
        .map_err(|_| invalid_refresh())?;
    let oauth = claims.oauth();
    match (claims.root_token_id, claims.jti) {
        (Some(root), Some(jti)) => Ok(RefreshClaims {
            user_id,
            root,
            jti,
            oauth,
            state_hash: claims.state_hash.unwrap_or_default(),
        }),
        _ => Err(invalid_refresh()),
    }
}

/// The account with this e-mail, if any.
async fn find_active_or_any(
    state: &AppState,
    email: &str,
) -> Result<Option<user::Model>, ApiError> {
    let Ok(email) = users::normalize_email(email) else {
        return Ok(None);
    };
    Ok(users::find_by_email(&state.db, &email).await?)
}

/// Records the sign-in and answers `{user, token}`.
pub async fn finish_login(
    state: &AppState,
    user: &user::Model,
    client: &Client,
    method: &str,
) -> ApiResult<LoginResponse> {
    let group = rows::group_of(&state.db, user).await?;
    let token = session::start(state, user, client).await?;
    let response = LoginResponse {
        user: User::from_model(&state.ids, user, &group),
        token: token.into(),
    };
    events::record(
        &state.db,
        events::kind::USER_LOGIN,
        Some(user.id),
        client,
        Some(serde_json::json!({ "method": method })),
    )
    .await;
    ok(response)
}

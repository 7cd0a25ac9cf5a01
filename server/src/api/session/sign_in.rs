//! `/session`: password sign-in with captcha and 2FA, token refresh and sign-out, translated
//! to and from the sign-in service (`auth::sign_in`), which holds the flow.

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};

use crate::api::{
    ApiTags,
    dto::user::{LoginResponse, Token, User},
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    json::ApiJson,
};
use crate::{
    auth::sign_in::{self, PasswordAttempt, SignedIn, Step},
    events::Client,
    ids::HashIds,
    state::AppState,
};

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
        let methods = sign_in::prepare(&state, &email.0).await?;
        ok(PrepareLoginResponse {
            webauthn_enabled: methods.passkey,
            password_enabled: methods.password,
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
        let attempt = PasswordAttempt {
            login: &body.email,
            password: &body.password,
            captcha: body.captcha.as_deref(),
            ticket: body.ticket.as_deref(),
        };
        login_answer(
            &state.ids,
            sign_in::password(&state, &client, attempt).await?,
        )
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
        let done = sign_in::second_factor(&state, &client, &body.session_id, &body.otp).await?;
        ok(signed_in(&state.ids, done))
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
        let client = Client::of(req, &state.config);
        let pair = sign_in::tokens::refresh(&state, &client, &body.refresh_token).await?;
        ok(pair.into())
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
        let client = Client::of(req, &state.config);
        sign_in::tokens::sign_out(&state, &client, &body.refresh_token).await?;
        ok(String::new())
    }
}

/// `{user, token}` of a finished sign-in.
pub fn signed_in(ids: &HashIds, done: SignedIn) -> LoginResponse {
    LoginResponse {
        user: User::from_model(ids, &done.user, &done.group),
        token: done.token.into(),
    }
}

/// The answer to a first factor: `{user, token}`, or code 203 with the 2FA step's session id.
pub fn login_answer(ids: &HashIds, step: Step) -> ApiResult<LoginResponse> {
    match step {
        Step::Done(done) => ok(signed_in(ids, *done)),
        Step::SecondFactor { session_id } => {
            Err(ApiError::code(ErrorCode::Continue)
                .with_data(serde_json::Value::String(session_id)))
        }
    }
}

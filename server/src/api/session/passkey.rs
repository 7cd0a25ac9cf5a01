//! Passkeys (WebAuthn): registering and removing them (`/user/authn`) and username-less
//! sign-in (`/session/authn`). Every route needs the `authn_enabled` setting (40019).
//! The ceremonies themselves live in [`crate::auth::passkey`].

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Query};
use serde_json::Value;

use crate::api::{
    ApiTags,
    dto::user::LoginResponse,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    json::ApiJson,
    session::sign_in::signed_in,
};
use crate::{
    auth::{
        caller::Caller,
        passkey::{self as ceremony, Registered},
        sign_in,
    },
    events::Client,
    state::AppState,
};

/// A registered passkey (`Passkey` in the protocol).
#[derive(Debug, Clone, Object)]
#[oai(rename = "Passkey", skip_serializing_if_is_none)]
pub struct PasskeyDto {
    /// Credential id (standard base64); `DELETE /user/authn?id=` takes it.
    pub id: String,
    /// Name given at registration.
    pub name: String,
    /// Last successful sign-in with it.
    pub used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Registered> for PasskeyDto {
    fn from(key: Registered) -> Self {
        Self {
            id: key.id,
            name: key.name,
            used_at: key.used_at,
            created_at: key.created_at,
        }
    }
}

/// `POST /user/authn`
#[derive(Debug, Object)]
pub struct FinishPasskeyRegistrationRequest {
    /// The browser's `PublicKeyCredential` (attestation) serialized to a JSON string,
    /// binary fields base64url.
    pub response: String,
    /// Display name; `{os}` and `{browser}` are filled in from `ua`.
    pub name: Option<String>,
    /// The browser's user agent, for the placeholders of `name`.
    pub ua: Option<String>,
}

/// `PUT /session/authn`
#[derive(Debug, Object)]
pub struct PasskeyLoginOptions {
    /// WebAuthn `CredentialRequestOptions`: `{publicKey: {challenge, timeout, rpId, ...}}`.
    pub options: Value,
    /// Send back with the assertion to `POST /session/authn`.
    pub session_id: String,
}

/// `POST /session/authn`
#[derive(Debug, Object)]
pub struct FinishPasskeyLoginRequest {
    /// The id answered by `PUT /session/authn`.
    pub session_id: String,
    /// The browser's `PublicKeyCredential` (assertion) serialized to a JSON string,
    /// binary fields base64url.
    pub response: String,
}

pub struct PasskeyApi;

#[OpenApi]
impl PasskeyApi {
    /// Starts registering a passkey: WebAuthn `CredentialCreationOptions` for
    /// `navigator.credentials.create()` (`{publicKey: {...}}`), valid for 5 minutes.
    #[oai(
        path = "/user/authn",
        method = "put",
        operation_id = "start_passkey_registration",
        tag = "ApiTags::User"
    )]
    async fn start_passkey_registration(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Value> {
        let me = caller.signed_in()?;
        ceremony::ensure_enabled(&state).await?;
        ok(ceremony::start_registration(&state, &me.user).await?)
    }

    /// Finishes registering a passkey with the browser's answer; 40025 when it does not verify.
    #[oai(
        path = "/user/authn",
        method = "post",
        operation_id = "finish_passkey_registration",
        tag = "ApiTags::User"
    )]
    async fn finish_passkey_registration(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<FinishPasskeyRegistrationRequest>,
    ) -> ApiResult<PasskeyDto> {
        let me = caller.signed_in()?;
        ceremony::ensure_enabled(&state).await?;
        let client = Client::of(req, &state.config);
        let ua = body
            .ua
            .as_deref()
            .or(client.user_agent.as_deref())
            .unwrap_or_default();
        let name = ceremony::display_name(body.name.as_deref().unwrap_or_default(), ua);
        let row =
            ceremony::finish_registration(&state, &me.user, &body.response, &name, &client).await?;
        ok(PasskeyDto::from(Registered::from(&row)))
    }

    /// Removes one of the caller's passkeys; code 404 when the caller has none with this id.
    #[oai(
        path = "/user/authn",
        method = "delete",
        operation_id = "delete_passkey",
        tag = "ApiTags::User"
    )]
    async fn delete_passkey(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        /// Credential id (standard base64, URL-encoded).
        id: Query<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        ceremony::ensure_enabled(&state).await?;
        let client = Client::of(req, &state.config);
        if !ceremony::delete(&state, me.user.id, &id.0, &client).await? {
            return Err(ApiError::new(ErrorCode::NotFound, "Passkey not found"));
        }
        ok(String::new())
    }

    /// Starts a username-less passkey sign-in: the challenge and the session id to answer
    /// with, valid for 5 minutes.
    #[oai(
        path = "/session/authn",
        method = "put",
        operation_id = "start_passkey_login",
        tag = "ApiTags::Session"
    )]
    async fn start_passkey_login(&self, state: Data<&AppState>) -> ApiResult<PasskeyLoginOptions> {
        ceremony::ensure_enabled(&state).await?;
        let (options, session_id) = ceremony::start_login(&state).await?;
        let options = serde_json::to_value(&options)
            .map_err(|e| ApiError::code(ErrorCode::InitWebAuthnFailed).with_cause(e))?;
        ok(PasskeyLoginOptions {
            options,
            session_id,
        })
    }

    /// Finishes a passkey sign-in: `{user, token}` like a password sign-in. 40023 when the
    /// session is unknown, expired or already used; 40025 when the assertion does not verify.
    #[oai(
        path = "/session/authn",
        method = "post",
        operation_id = "finish_passkey_login",
        tag = "ApiTags::Session"
    )]
    async fn finish_passkey_login(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<FinishPasskeyLoginRequest>,
    ) -> ApiResult<LoginResponse> {
        ceremony::ensure_enabled(&state).await?;
        let client = Client::of(req, &state.config);
        let done = sign_in::passkey(&state, &client, &body.session_id, &body.response).await?;
        ok(signed_in(&state.ids, done))
    }
}

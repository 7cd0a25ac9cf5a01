//! `POST /session/oauth/token` (spec 4.18 §2.7): the authorization-code exchange. Form-encoded;
//! a bare JSON object on success and a bare HTTP 400 object on refusal, as upstream; a
//! request that does not bind (missing field, wrong `grant_type`) is the usual 40001 envelope.

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Form, payload::Json};
use serde::Deserialize;

use crate::api::{
    ApiTags,
    envelope::{ApiError, ErrorCode},
    errors::oauth::code_of,
};
use crate::{
    auth::oauth::{
        OAuthError,
        flow::{self, Exchange},
    },
    request_ctx,
    state::AppState,
};

/// The form of the exchange.
#[derive(Debug, Object, Deserialize)]
#[oai(rename = "OAuthTokenRequest")]
pub struct TokenRequest {
    pub client_id: Option<String>,
    /// Required even with PKCE.
    pub client_secret: Option<String>,
    /// Must be `authorization_code`.
    pub grant_type: Option<String>,
    pub code: Option<String>,
    /// Required when the consent carried a `code_challenge`.
    pub code_verifier: Option<String>,
}

/// A successful exchange.
#[derive(Debug, Object)]
#[oai(rename = "OAuthTokenResponse", skip_serializing_if_is_none)]
pub struct TokenResponse {
    /// JWT with `scopes` and `client_id`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Seconds until the refresh token expires (present even without a refresh token).
    pub refresh_token_expires_in: i64,
    /// Only when `offline_access` was granted.
    pub refresh_token: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// OpenID Connect, when `openid` was granted: RS256-signed, verifiable with the JWKS.
    pub id_token: Option<String>,
}

/// A refused exchange (HTTP 400), upstream's shape rather than RFC 6749's.
#[derive(Debug, Object)]
#[oai(rename = "OAuthTokenError")]
pub struct TokenError {
    pub error: String,
    /// The underlying error; empty outside debug mode.
    pub error_description: String,
    pub error_codes: Vec<i32>,
    pub correlation_id: String,
}

#[derive(ApiResponse)]
pub enum TokenReply {
    /// The tokens.
    #[oai(status = 200)]
    Ok(Json<TokenResponse>),
    /// The exchange was refused.
    #[oai(status = 400)]
    Refused(Json<TokenError>),
}

fn missing(field: &str) -> ApiError {
    ApiError::new(ErrorCode::ParamError, format!("{field}: required"))
}

fn refused(err: &OAuthError) -> TokenReply {
    let ctx = request_ctx::current();
    let debug = ctx.as_ref().is_some_and(|c| c.debug);
    TokenReply::Refused(Json(TokenError {
        error: err.to_string(),
        error_description: if debug {
            format!("{err:?}")
        } else {
            String::new()
        },
        error_codes: vec![code_of(err).code()],
        correlation_id: ctx
            .map(|c| c.correlation_id.to_string())
            .unwrap_or_default(),
    }))
}

pub struct OAuthTokenApi;

#[OpenApi(tag = "ApiTags::Session")]
impl OAuthTokenApi {
    /// Exchanges an authorization code for tokens (`grant_type=authorization_code`). The code
    /// is spent by any attempt, failed or not.
    #[oai(
        path = "/session/oauth/token",
        method = "post",
        operation_id = "oauth_token"
    )]
    async fn token(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        form: Form<TokenRequest>,
    ) -> Result<TokenReply, ApiError> {
        let from = crate::events::Client::of(req, &state.config);
        let f = form.0;
        let client_id = f
            .client_id
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("client_id"))?;
        let client_secret = f
            .client_secret
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("client_secret"))?;
        if f.grant_type.as_deref() != Some("authorization_code") {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                "grant_type: must be authorization_code",
            ));
        }
        let code = f
            .code
            .filter(|v| !v.is_empty())
            .ok_or_else(|| missing("code"))?;
        let exchanged = match flow::exchange(
            &state,
            Exchange {
                client_id,
                client_secret,
                code,
                code_verifier: f.code_verifier,
                from,
            },
        )
        .await
        {
            Ok(x) => x,
            Err(e @ (OAuthError::Db(_) | OAuthError::Auth(_) | OAuthError::Signing(_))) => {
                return Err(e.into());
            }
            Err(e) => return Ok(refused(&e)),
        };
        let now = chrono::Utc::now();
        Ok(TokenReply::Ok(Json(TokenResponse {
            access_token: exchanged.pair.access_token,
            token_type: "Bearer".into(),
            expires_in: (exchanged.pair.access_expires - now).num_seconds().max(0),
            refresh_token_expires_in: exchanged.refresh_expires_in,
            refresh_token: exchanged
                .with_refresh
                .then_some(exchanged.pair.refresh_token),
            scope: exchanged.scopes.join(" "),
            id_token: exchanged.id_token,
        })))
    }
}

//! OpenID Connect discovery (outside `/api/v4`): `/.well-known/openid-configuration` and
//! `/.well-known/jwks.json`, so other applications can offer "Sign in with Stratus" with a
//! standard library. The authorization endpoint is the web app's `/session/authorize` page.

use poem::{IntoResponse, Response, handler, http::StatusCode, web::Data, web::Json};
use serde_json::json;

use crate::api::BASE;
use crate::{
    auth::oauth::{flow, oidc, scopes},
    state::AppState,
};

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "OpenID Connect metadata");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// `GET /.well-known/openid-configuration`
#[handler]
pub async fn discovery(state: Data<&AppState>) -> Response {
    let issuer = match flow::issuer(&state).await {
        Ok(i) => i,
        Err(e) => return unavailable(e),
    };
    let api = format!("{issuer}{BASE}");
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/session/authorize"),
        "token_endpoint": format!("{api}/session/oauth/token"),
        "userinfo_endpoint": format!("{api}/session/oauth/userinfo"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "scopes_supported": scopes::ALL,
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "name",
            "preferred_username", "picture", "updated_at", "email", "email_verified"
        ],
    }))
    .with_header("Cache-Control", "public, max-age=3600")
    .into_response()
}

/// `GET /.well-known/jwks.json`
#[handler]
pub async fn jwks(state: Data<&AppState>) -> Response {
    match oidc::key(&state).await {
        Ok(key) => Json(key.jwks())
            .with_header("Cache-Control", "public, max-age=3600")
            .into_response(),
        Err(e) => unavailable(e),
    }
}

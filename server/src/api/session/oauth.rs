//! `/session/oauth/*` of the OAuth 2 provider (spec 4.18 §2.5–2.10) but the token endpoint
//! (`oauth_token.rs`): an application's public face, consent, userinfo, grant revocation, and
//! the JWK Set of OpenID Connect.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use serde_json::Value;

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
};
use crate::{
    auth::{
        caller::Caller,
        oauth::{
            clients,
            flow::{self, Consent},
            grants, oidc,
            scopes::{EMAIL, OPENID, PROFILE},
        },
    },
    state::AppState,
};

/// `GET /session/oauth/app/:app_id`
#[derive(Debug, Object)]
#[oai(rename = "OAuthApp", skip_serializing_if_is_none)]
pub struct OAuthApp {
    /// The client GUID.
    pub id: String,
    /// May be an i18n key the web app translates.
    pub name: String,
    pub homepage_url: Option<String>,
    pub icon: Option<String>,
    pub description: Option<String>,
    /// Scopes of the caller's existing grant for this client.
    pub consented_scopes: Option<Vec<String>>,
}

/// `POST /session/oauth/consent`
#[derive(Debug, Object)]
#[oai(rename = "OAuthConsentRequest")]
pub struct ConsentRequest {
    pub client_id: String,
    /// Must be `code`.
    pub response_type: String,
    /// One of the client's redirect URIs, exactly (a loopback URI with any port).
    pub redirect_uri: String,
    /// Echoed back; at most 4096 characters.
    pub state: Option<String>,
    /// Space-separated; must include `openid` and only scopes the client may ask for.
    pub scope: String,
    /// `BASE64URL-NOPAD(SHA-256(code_verifier))`, at most 255 characters.
    pub code_challenge: Option<String>,
    /// Only `S256`.
    pub code_challenge_method: Option<String>,
    /// OpenID Connect: copied into the `id_token` (Stratus extension).
    pub nonce: Option<String>,
}

/// The code of a consent.
#[derive(Debug, Object)]
#[oai(rename = "OAuthConsentResponse")]
pub struct ConsentResponse {
    pub code: String,
    pub state: String,
}

pub struct OAuthApi;

#[OpenApi(tag = "ApiTags::Session")]
impl OAuthApi {
    /// An application's public face, for the consent page; a signed-in caller also sees the
    /// scopes they granted it before. Unknown or disabled client: 404.
    #[oai(
        path = "/session/oauth/app/:app_id",
        method = "get",
        operation_id = "get_oauth_app"
    )]
    async fn get_app(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        app_id: Path<String>,
    ) -> ApiResult<OAuthApp> {
        let client = clients::find_enabled(&state.db, &app_id.0).await?;
        let consented = match caller.user_id() {
            Some(uid) => grants::find(&state, uid, client.id)
                .await?
                .map(|g| clients::strings(&g.scopes))
                .filter(|s| !s.is_empty()),
            None => None,
        };
        ok(OAuthApp {
            id: client.guid.clone(),
            name: client.name.clone(),
            homepage_url: client.homepage_url.clone().filter(|u| !u.is_empty()),
            icon: clients::prop(&client, "icon"),
            description: clients::prop(&client, "description"),
            consented_scopes: consented,
        })
    }

    /// The signed-in user consents: the grant is replaced by exactly the requested scopes and
    /// a code (10 minutes, single use) is answered. A token issued through OAuth cannot
    /// consent (40089).
    #[oai(
        path = "/session/oauth/consent",
        method = "post",
        operation_id = "oauth_consent"
    )]
    async fn consent(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<ConsentRequest>,
    ) -> ApiResult<ConsentResponse> {
        let me = caller.signed_in()?;
        let b = body.0;
        let echo = b.state.clone().unwrap_or_default();
        let code = flow::consent(
            &state,
            me,
            Consent {
                client_id: b.client_id,
                response_type: b.response_type,
                redirect_uri: b.redirect_uri,
                state: b.state,
                scope: b.scope,
                code_challenge: b.code_challenge,
                code_challenge_method: b.code_challenge_method,
                nonce: b.nonce,
            },
        )
        .await?;
        ok(ConsentResponse { code, state: echo })
    }

    /// Claims about the caller (bare JSON, no envelope): `sub`; with `profile` the name,
    /// picture and last update; with `email` the address. An OAuth token needs `openid`
    /// (403); a session token counts as `openid profile email`.
    #[oai(
        path = "/session/oauth/userinfo",
        method = "get",
        operation_id = "oauth_userinfo"
    )]
    async fn userinfo(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> Result<Json<Value>, ApiError> {
        let me = caller.signed_in()?;
        let scopes: Vec<String> = match &me.oauth {
            Some(t) if !t.allows(OPENID) => {
                return Err(ApiError::new(
                    ErrorCode::NoPermission,
                    "openid scope required",
                ));
            }
            Some(t) => t.scopes.clone(),
            None => [OPENID, PROFILE, EMAIL].map(String::from).to_vec(),
        };
        let claims = flow::user_claims(&state, &me.user, &scopes).await?;
        Ok(Json(Value::Object(claims)))
    }

    /// Revokes the caller's grant for an application and ends the tokens issued under it.
    /// Unknown client or no grant: 404.
    #[oai(
        path = "/session/oauth/grant/:app_id",
        method = "delete",
        operation_id = "revoke_oauth_grant"
    )]
    async fn revoke_grant(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        app_id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        grants::revoke(&state, me.user.id, &app_id.0).await?;
        done()
    }

    /// The public key the `id_token` is signed with, as a JWK Set (bare JSON); also at
    /// `/.well-known/jwks.json`.
    #[oai(
        path = "/session/oauth/jwks",
        method = "get",
        operation_id = "oauth_jwks"
    )]
    async fn jwks(&self, state: Data<&AppState>) -> Result<Json<Value>, ApiError> {
        Ok(Json(oidc::key(&state).await?.jwks()))
    }
}

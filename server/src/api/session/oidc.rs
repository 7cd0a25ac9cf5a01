//! `/session/oidc`: sign-in with an OpenID Connect provider, translated to and from
//! `auth::sign_in::oidc`. `authorize` and `callback` are browser navigations: they answer
//! redirects, and a failure lands on the web UI's `/session/oidc?error=` with its message.

use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
};
use url::form_urlencoded::Serializer;

use crate::api::{
    ApiTags, dto::user::LoginResponse, envelope::ApiResult, json::ApiJson,
    session::sign_in::login_answer,
};
use crate::{
    auth::sign_in::oidc::{self, Callback, Landing, STATE_COOKIE},
    events::Client,
    state::AppState,
};

/// The web UI's landing page of a callback.
const LANDING: &str = "/session/oidc";

/// A browser redirect.
#[derive(ApiResponse)]
pub enum OidcRedirect {
    /// To the provider, or to the web UI's `/session/oidc` landing.
    #[oai(status = 302)]
    Found(
        #[oai(header = "Location")] String,
        /// Binds a started sign-in to this browser; cleared by the callback.
        #[oai(header = "Set-Cookie")]
        String,
        #[oai(header = "Cache-Control")] String,
    ),
}

/// `POST /session/oidc/finish`
#[derive(Debug, Object)]
pub struct OidcFinishRequest {
    /// The `code` the callback put in the landing URL.
    #[oai(validator(min_length = 1, max_length = 256))]
    pub code: String,
}

pub struct SessionOidcApi;

#[OpenApi(tag = "ApiTags::Session")]
impl SessionOidcApi {
    /// Starts a sign-in with a provider: a redirect to it, with PKCE, `state` (bound to this
    /// browser by a cookie) and `nonce`. `redirect` is a path of the web UI to open after
    /// signing in; `link` is the ticket of `POST /user/linked/{provider}`. A failure
    /// redirects to `/session/oidc?error=<message>`.
    #[oai(
        path = "/session/oidc/:provider/authorize",
        method = "get",
        operation_id = "authorize_oidc"
    )]
    async fn authorize_oidc(
        &self,
        state: Data<&AppState>,
        provider: Path<String>,
        redirect: Query<Option<String>>,
        link: Query<Option<String>>,
    ) -> OidcRedirect {
        let started = oidc::authorize(
            &state,
            &provider.0,
            redirect.0.as_deref(),
            link.0.as_deref(),
        )
        .await;
        let secure = secure_site(&state).await;
        match started {
            Ok(s) => found(s.url, cookie(&s.state, 600, secure)),
            Err(e) => found(landing(&[("error", &e.to_string())]), cookie("", 0, secure)),
        }
    }

    /// Where the provider sends the browser back: checks `state` against the cookie,
    /// exchanges the code, verifies the ID token and finds (or makes, or links) the account.
    /// Redirects to `/session/oidc?code=<one-time code>&redirect=…` (or `?linked=<provider>`
    /// after a link, `?error=<message>` on failure).
    #[oai(
        path = "/session/oidc/:provider/callback",
        method = "get",
        operation_id = "oidc_callback"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn oidc_callback(
        &self,
        state: Data<&AppState>,
        req: &Request,
        provider: Path<String>,
        code: Query<Option<String>>,
        #[oai(name = "state")] st: Query<Option<String>>,
        error: Query<Option<String>>,
        error_description: Query<Option<String>>,
    ) -> OidcRedirect {
        let cookie_value = read_cookie(req);
        let back = Callback {
            code: code.0.as_deref(),
            state: st.0.as_deref(),
            error: error.0.as_deref(),
            error_description: error_description.0.as_deref(),
            cookie: cookie_value.as_deref(),
        };
        let to = match oidc::callback(&state, &provider.0, back).await {
            Ok(Landing::SignedIn { code, redirect }) => {
                landing(&[("code", &code), ("redirect", &redirect)])
            }
            Ok(Landing::Linked { provider, redirect }) => {
                landing(&[("linked", &provider), ("redirect", &redirect)])
            }
            Err(e) => {
                tracing::info!(provider = %provider.0, error = %e, "OpenID Connect sign-in refused");
                landing(&[("error", &e.to_string())])
            }
        };
        found(to, cookie("", 0, secure_site(&state).await))
    }

    /// Turns the one-time code of a callback (one minute, used once) into a sign-in: the same
    /// answer as `POST /session/token`, code 203 with a session id when the account has 2FA.
    /// An unknown, used or expired code: 40023.
    #[oai(
        path = "/session/oidc/finish",
        method = "post",
        operation_id = "finish_oidc"
    )]
    async fn finish_oidc(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: ApiJson<OidcFinishRequest>,
    ) -> ApiResult<LoginResponse> {
        let client = Client::of(req, &state.config);
        let step = oidc::finish(&state, &client, &body.code).await?;
        login_answer(&state.ids, step)
    }
}

fn found(location: String, cookie: String) -> OidcRedirect {
    OidcRedirect::Found(location, cookie, "no-store".into())
}

/// The landing page with `pairs` as its query.
fn landing(pairs: &[(&str, &str)]) -> String {
    let mut query = Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("{LANDING}?{}", query.finish())
}

/// The state cookie: only sent back to `/session/oidc`, never readable by scripts, and
/// sent on the provider's top-level redirect back (`SameSite=Lax`).
fn cookie(value: &str, max_age: u32, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{STATE_COOKIE}={value}; Path=/api/v4/session/oidc; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    )
}

/// Whether the site is served over https (its cookies are then `Secure`).
async fn secure_site(state: &AppState) -> bool {
    state
        .settings
        .get("siteURL")
        .await
        .is_ok_and(|s| s.trim_start().starts_with("https://"))
}

fn read_cookie(req: &Request) -> Option<String> {
    req.headers()
        .get_all(poem::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STATE_COOKIE)
        .map(|(_, value)| value.to_owned())
}

//! The HTTP side of the Nextcloud login flows (`auth::login_flow` keeps their state):
//! - v2: `POST /index.php/login/v2` starts a flow and answers the poll token and the login
//!   page; the client opens the page in a browser and polls `POST /index.php/login/v2/poll`
//!   (404 until approved, then the credentials once, then 404 again).
//! - v1: `GET /index.php/login/flow` starts a flow and redirects to the same page, which
//!   after the approval sends the browser to `nc://login/server:…&user:…&password:…`.
//!
//! The page is the web UI's `/session/device/<login token>`: there a signed-in user sees the
//! device's name and approves it or not (`/api/v4/devices/login_flow/…`).

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};
use serde_json::json;

use crate::{
    auth::login_flow::{self, Version},
    state::AppState,
};

/// The web UI's page approving a device, below the site address.
pub const PAGE: &str = "/session/device/";

/// The site's address for answers: the configured one, or the request's while the setting
/// is the install default (`download::link::site_base`).
pub async fn site(state: &AppState, req: &Request) -> String {
    let setting = state.settings.get("siteURL").await.unwrap_or_default();
    crate::download::link::site_base(
        &setting,
        req.header(header::HOST),
        req.header("x-forwarded-proto"),
    )
}

fn agent(req: &Request) -> &str {
    req.header(header::USER_AGENT).unwrap_or_default()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "login flow failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn json_body(status: StatusCode, body: serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json; charset=utf-8")
        .body(body.to_string())
}

/// `POST /index.php/login/v2`
#[handler]
pub async fn start_v2(req: &Request, state: Data<&AppState>) -> Response {
    let started = match login_flow::start(&state, agent(req), Version::V2).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let site = site(&state, req).await;
    json_body(
        StatusCode::OK,
        json!({
            "poll": {
                "token": started.poll_token,
                "endpoint": format!("{site}/index.php/login/v2/poll"),
            },
            "login": format!("{site}{PAGE}{}", started.login_token),
        }),
    )
}

/// `POST /index.php/login/v2/poll` with the form field (or query parameter) `token`.
#[handler]
pub async fn poll_v2(req: &Request, state: Data<&AppState>, body: poem::Body) -> Response {
    // A token is 64 characters; anything much longer is not one.
    let body = body.into_bytes_limit(4096).await.unwrap_or_default();
    let token = url::form_urlencoded::parse(&body)
        .chain(url::form_urlencoded::parse(
            req.uri().query().unwrap_or_default().as_bytes(),
        ))
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if token.is_empty() {
        return json_body(StatusCode::NOT_FOUND, json!([]));
    }
    match login_flow::poll(&state, &token).await {
        Ok(Some(c)) => json_body(
            StatusCode::OK,
            json!({
                "server": c.server,
                "loginName": c.login_name,
                "appPassword": c.app_password,
            }),
        ),
        Ok(None) => json_body(StatusCode::NOT_FOUND, json!([])),
        Err(e) => internal(e),
    }
}

/// `GET /index.php/login/flow`: a v1 flow, redirected to its page at once.
#[handler]
pub async fn start_v1(req: &Request, state: Data<&AppState>) -> Response {
    let started = match login_flow::start(&state, agent(req), Version::V1).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    // A redirect is a path on the host asked unless a site address is configured.
    let setting = state.settings.get("siteURL").await.unwrap_or_default();
    let site = crate::download::link::redirect_base(&setting);
    Response::builder()
        .status(StatusCode::FOUND)
        .header(
            header::LOCATION,
            format!("{site}{PAGE}{}", started.login_token),
        )
        .finish()
}

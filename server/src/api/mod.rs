//! `/api/v4`: the Cloudreve-compatible JSON API, one file per route group, one folder per
//! family of routes (`file/`, `share/`, `session/`, `user/`, `devices/`, `snapshot/`,
//! `workflow/`, `admin/`); what every route shares stays here.
//!
//! Every answer is the `{code, data, msg}` envelope: errors raised by poem itself (unknown
//! route, unparsable body) are turned into it here, so clients never see another shape.

pub mod admin;
pub mod devices;
mod doc;
pub mod dto;
pub mod envelope;
pub mod errors;
pub mod file;
pub mod guard;
pub mod json;
pub mod present;
pub mod query_bool;
pub mod raw;
pub mod scopes;
pub mod session;
pub mod share;
pub mod site;
pub mod slave;
pub mod snapshot;
pub mod user;
pub mod workflow;

use poem::{
    Endpoint, EndpointExt, IntoEndpoint, IntoResponse, Request, Response,
    error::ResponseError,
    http::{HeaderValue, Method, header},
};
use poem_openapi::{OpenApiService, OperationId, Tags};

use self::envelope::{ApiError, ErrorCode, from_poem};
use crate::{door::session as caller, state::AppState};

/// Mount point of the API.
pub const BASE: &str = "/api/v4";

/// Groups of operations in the OpenAPI document.
#[derive(Tags)]
pub enum ApiTags {
    /// Site information, configuration and captcha.
    Site,
    /// Signing in and out.
    Session,
    /// Accounts.
    User,
    /// Files and folders.
    File,
    /// Share links.
    Share,
    /// Snapshots of folders (Stratus extension).
    Snapshot,
    /// Administration (group with the admin permission only).
    Admin,
}

/// Route groups, listed once: each is a unit struct, so the same tokens are the tuple's type
/// and its value; the admin groups come last, as `admin::AdminApis` or `admin::apis()`.
/// Nested because poem-openapi implements `OpenApi` for tuples of at most 16. The first tuple
/// is accounts and the core file system; the second, transfers, sharing and devices; the
/// third, administration.
macro_rules! route_groups {
    ($($admin:tt)*) => {
        (
            (
                site::SiteApi,
                file::tree::FileApi,
                file::download::DownloadApi,
                file::manage::FileManageApi,
                file::lock::FileLockApi,
                file::list::FileListApi,
                file::upload::UploadApi,
                session::sign_in::SessionApi,
                user::me::UserApi,
                user::profile::UserProfileApi,
                user::setting::UserSettingApi,
                user::sessions::UserSessionsApi,
                user::registration::RegistrationApi,
                session::passkey::PasskeyApi,
                file::events::FileEventsApi,
            ),
            (
                file::thumb::FileThumbApi,
                file::content::FileContentApi,
                file::callback::CallbackApi,
                (share::link::ShareApi, share::permission::PermissionApi),
                share::upload::ShareUploadApi,
                file::archive::ArchiveApi,
                file::source::SourceApi,
                (
                    devices::dav_account::DavAccountApi,
                    devices::app_password::AppPasswordApi,
                    devices::s3_key::S3KeyApi,
                    devices::credentials::CredentialsApi,
                ),
                workflow::tasks::WorkflowApi,
                workflow::jobs::WorkflowJobsApi,
                workflow::remote_download::RemoteDownloadApi,
                snapshot::manage::SnapshotApi,
                snapshot::restore::SnapshotRestoreApi,
                session::oauth::OAuthApi,
                (
                    session::oauth_token::OAuthTokenApi,
                    session::oidc::SessionOidcApi,
                    user::linked_accounts::LinkedAccountsApi,
                    guard::GuardApi,
                ),
            ),
            $($admin)*
        )
    };
}

type Apis = route_groups!(admin::AdminApis);

/// The OpenAPI service; also the source of `openapi.json`.
pub fn service() -> OpenApiService<Apis, ()> {
    let apis: Apis = route_groups!(admin::apis());
    OpenApiService::new(apis, "Stratus", env!("CARGO_PKG_VERSION"))
        .description(
            "Stratus speaks the Cloudreve v4 API. Every JSON answer is the envelope \
             `{code, data?, msg, error?, correlation_id?, aggregated_error?}`; `code` 0 means success.",
        )
        .server(BASE)
}

/// The OpenAPI document as pretty JSON, exactly as `export-openapi` writes it.
pub fn spec_json() -> String {
    doc::complete(&service().spec())
}

/// `GET /api/v4/openapi.json`: the document as [`spec_json`] writes it.
pub fn spec_endpoint() -> impl Endpoint {
    let spec = spec_json();
    poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec.clone())
    })
}

/// The API endpoint with envelope error handling, `Cache-Control` and the JSON size limit.
pub fn endpoint(max_json_body: usize) -> impl Endpoint {
    with_envelope(service().into_endpoint(), max_json_body)
}

/// Wraps any endpoint so that every answer, including poem's own errors, is an envelope.
pub fn with_envelope<E: Endpoint + 'static>(ep: E, max_json_body: usize) -> impl Endpoint {
    ep.around(move |ep, req| async move {
        let mut req = match limit_json_body(req, max_json_body).await {
            Ok(req) => req,
            Err(err) => return Ok(finish(err.as_response())),
        };
        if let Some(state) = req.data::<AppState>().cloned() {
            let authorization = req.header(header::AUTHORIZATION).map(str::to_owned);
            match caller::resolve(&state, authorization.as_deref()).await {
                Ok(caller) => {
                    // The one guard of every `/admin` route.
                    if let Err(err) = admin::guard(&state, &mut req, &caller) {
                        return Ok(finish(err.as_response()));
                    }
                    // The one scope check of OAuth tokens, from the route table.
                    if let Err(err) = scopes::check(req.method(), req.uri().path(), &caller) {
                        return Ok(finish(err.as_response()));
                    }
                    // Files written by a credential the guard stopped.
                    if let Err(err) = guard::refuse_stopped(req.method(), req.uri().path(), &caller)
                    {
                        return Ok(finish(err.as_response()));
                    }
                    req.extensions_mut().insert(caller);
                }
                Err(err) => return Ok(finish(ApiError::from(err).as_response())),
            }
        }
        let resp = match ep.call(req).await {
            Ok(resp) => resp.into_response(),
            Err(err) => {
                // poem-openapi names the operation on its errors too: the answer keeps the
                // name, so the metrics count a refused request under its route.
                let operation = err.data::<OperationId>().copied();
                let mut resp = from_poem(err).as_response();
                if let Some(operation) = operation {
                    resp.set_data(operation);
                }
                resp
            }
        };
        Ok(finish(resp))
    })
}

/// Refuses JSON bodies above the limit, whether announced by `Content-Length` or sent chunked.
/// Other bodies (uploads) stream and are limited by their own routes.
async fn limit_json_body(mut req: Request, max: usize) -> Result<Request, ApiError> {
    let is_json = req
        .header(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    if !is_json || matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(req);
    }
    let declared = req
        .header(header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(len) if len > max => Err(ApiError::code(ErrorCode::PayloadTooLarge)),
        Some(_) => Ok(req),
        None => {
            let body = req
                .take_body()
                .into_bytes_limit(max)
                .await
                .map_err(|_| ApiError::code(ErrorCode::PayloadTooLarge))?;
            req.set_body(body);
            Ok(req)
        }
    }
}

fn finish(mut resp: Response) -> Response {
    if !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    }
    resp
}

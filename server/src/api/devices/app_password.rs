//! `/devices/app_passwords` (the sync clients signed in with an app password: list, revoke)
//! and `/devices/login_flow/:token` (the web UI's page approving a device that started a
//! Nextcloud login flow). Stratus extensions.
//!
//! An app password signs in where a WebDAV account does, so approving needs the group's
//! WebDAV permission (else 40007); another user's app password answers 404 like a missing one.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
};
use crate::{
    auth::{
        app_password::{self, AppPassword},
        caller::Caller,
        login_flow::{self, Version},
    },
    boolset::group_perm,
    download::link,
    ids::IdKind,
    state::AppState,
};

/// A device signed in with an app password; the secret itself is never shown again.
#[derive(Debug, Clone, Object)]
pub struct AppPasswordDto {
    pub id: String,
    /// The device's name, from its client's `User-Agent`.
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// The last request signed in with it (recorded at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl AppPasswordDto {
    fn of(state: &AppState, row: &AppPassword) -> Self {
        Self {
            id: state.ids.encode(row.id, IdKind::AppPassword),
            name: row.name.clone(),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// Which login flow waits for an approval.
#[derive(Debug, Clone, Copy, Enum)]
#[oai(rename_all = "lowercase")]
pub enum LoginFlowVersion {
    /// The client polls for its credentials.
    V2,
    /// The page hands them over with an `nc://login/` redirect.
    V1,
}

/// `GET /devices/login_flow/:token`
#[derive(Debug, Object)]
pub struct LoginFlowInfo {
    /// The device asking to sign in.
    pub device: String,
    pub version: LoginFlowVersion,
    pub expires_at: DateTime<Utc>,
}

/// `POST /devices/login_flow/:token`
#[derive(Debug, Object)]
pub struct LoginFlowApproved {
    /// The device's new app password.
    pub app_password: AppPasswordDto,
    /// For a v1 flow: where to send the browser (`nc://login/server:…&user:…&password:…`),
    /// which hands the credentials to the app.
    pub redirect: Option<String>,
}

fn flow_gone() -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "This sign-in request does not exist or has expired",
    )
}

pub struct AppPasswordApi;

#[OpenApi(tag = "ApiTags::User")]
impl AppPasswordApi {
    /// Lists the caller's app passwords (the devices a sync client signed in from), newest
    /// first.
    #[oai(
        path = "/devices/app_passwords",
        method = "get",
        operation_id = "list_app_passwords"
    )]
    async fn list_app_passwords(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Vec<AppPasswordDto>> {
        let me = caller.signed_in()?;
        let rows = app_password::list(&state.db, me.user.id).await?;
        ok(rows.iter().map(|r| AppPasswordDto::of(&state, r)).collect())
    }

    /// Revokes an app password: the next request signed in with it is refused.
    #[oai(
        path = "/devices/app_passwords/:id",
        method = "delete",
        operation_id = "delete_app_password"
    )]
    async fn delete_app_password(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let not_found = || ApiError::new(ErrorCode::NotFound, "App password not found");
        let id = state
            .ids
            .decode(&id.0, IdKind::AppPassword)
            .map_err(|_| not_found())?;
        if !app_password::revoke(&state, me.user.id, id).await? {
            return Err(not_found());
        }
        done()
    }

    /// The device waiting for the caller's approval on a login flow's page.
    #[oai(
        path = "/devices/login_flow/:token",
        method = "get",
        operation_id = "get_login_flow"
    )]
    async fn get_login_flow(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        token: Path<String>,
    ) -> ApiResult<LoginFlowInfo> {
        caller.signed_in()?;
        let flow = login_flow::pending(&state, &token.0)
            .await?
            .ok_or_else(flow_gone)?;
        ok(LoginFlowInfo {
            device: flow.device,
            version: match flow.version {
                Version::V2 => LoginFlowVersion::V2,
                Version::V1 => LoginFlowVersion::V1,
            },
            expires_at: flow.expires_at,
        })
    }

    /// Approves the device: it gets an app password of the caller's, once.
    #[oai(
        path = "/devices/login_flow/:token",
        method = "post",
        operation_id = "approve_login_flow"
    )]
    async fn approve_login_flow(
        &self,
        req: &poem::Request,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        token: Path<String>,
    ) -> ApiResult<LoginFlowApproved> {
        let me = caller.signed_in()?;
        if !me.permissions().enabled(group_perm::WEBDAV) {
            return Err(ApiError::code(ErrorCode::GroupNotAllowed));
        }
        let setting = state.settings.get("siteURL").await?;
        let site = link::site_base(
            &setting,
            req.header("host"),
            req.header("x-forwarded-proto"),
        );
        let approved = login_flow::approve(&state, me, &token.0, &site)
            .await?
            .ok_or_else(flow_gone)?;
        let credentials = &approved.credentials;
        let redirect = (approved.version == Version::V1).then(|| {
            format!(
                "nc://login/server:{}&user:{}&password:{}",
                credentials.server,
                urlencoding(&credentials.login_name),
                urlencoding(&credentials.app_password),
            )
        });
        ok(LoginFlowApproved {
            app_password: AppPasswordDto::of(&state, &approved.app_password),
            redirect,
        })
    }

    /// Refuses the device: its flow ends and it gets nothing.
    #[oai(
        path = "/devices/login_flow/:token",
        method = "delete",
        operation_id = "cancel_login_flow"
    )]
    async fn cancel_login_flow(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        token: Path<String>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        if !login_flow::cancel(&state, &token.0).await? {
            return Err(flow_gone());
        }
        done()
    }
}

/// `value` percent-encoded as Nextcloud's `nc://` URL carries it.
fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

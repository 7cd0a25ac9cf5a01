//! `/user/sessions`: the caller's signed-in sessions (one per sign-in, refreshed in place),
//! and ending one of them. Cloudreve has no such routes (`docs/api/deviations.md`).

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
};
use crate::{
    auth::{caller::Caller, devices, session},
    events::{self, Client},
    state::AppState,
};

/// One signed-in session of the caller.
#[derive(Debug, Object)]
#[oai(rename = "UserSession", skip_serializing_if_is_none)]
pub struct SessionDto {
    /// The session's id, for `DELETE /user/sessions/{id}`.
    pub id: String,
    /// The browser and system read from the User-Agent ("Firefox on Linux"), or the agent
    /// itself when it is not a common one; empty when none was sent.
    pub device: String,
    /// The User-Agent of the sign-in.
    pub user_agent: Option<String>,
    /// The address of the last sign-in or token refresh.
    pub ip: Option<String>,
    /// The sign-in.
    pub created_at: DateTime<Utc>,
    /// The last sign-in or token refresh (access tokens are refreshed about hourly).
    pub last_used_at: DateTime<Utc>,
    /// The session of the token this request carries.
    pub current: bool,
}

pub struct UserSessionsApi;

#[OpenApi(tag = "ApiTags::User")]
impl UserSessionsApi {
    /// The caller's sessions, last used first.
    #[oai(
        path = "/user/sessions",
        method = "get",
        operation_id = "list_sessions"
    )]
    async fn list_sessions(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Vec<SessionDto>> {
        let me = caller.signed_in()?;
        let live = session::live_roots(&state.db, me.user.id).await?;
        let sessions = devices::list(&state.db, me.user.id, &live).await?;
        ok(sessions
            .into_iter()
            .map(|s| SessionDto {
                id: s.root.to_string(),
                current: me.session == Some(s.root),
                device: s.device,
                user_agent: s.user_agent,
                ip: s.ip,
                created_at: s.created_at,
                last_used_at: s.last_used_at,
            })
            .collect())
    }

    /// Ends one of the caller's sessions as signing out there would: its refresh token and
    /// its access tokens stop working at once (on other instances within seconds). Code 404
    /// for an id that names no session of the caller's.
    #[oai(
        path = "/user/sessions/:id",
        method = "delete",
        operation_id = "delete_user_session"
    )]
    async fn delete_user_session(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let not_found = || ApiError::new(ErrorCode::NotFound, "Session not found");
        let root = uuid::Uuid::parse_str(&id.0).map_err(|_| not_found())?;
        if !session::end(&state, me.user.id, root).await? {
            return Err(not_found());
        }
        events::record(
            &state.db,
            events::kind::USER_LOGOUT,
            Some(me.user.id),
            &Client::of(req, &state.config),
            Some(serde_json::json!({ "reason": "session_revoked" })),
        )
        .await;
        ok(String::new())
    }
}

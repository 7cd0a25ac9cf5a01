//! `/devices/credentials`: every credential of the caller in one list (web sessions, app
//! passwords, WebDAV accounts, S3 keys, OAuth apps) and revoking any of them (Stratus
//! extension). Another user's credential answers 404 like a missing one.

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
};
use crate::{
    auth::{
        caller::Caller,
        credentials::{self, CredentialEntry, CredentialError},
    },
    caller::CredentialKind,
    events::Client,
    state::AppState,
};

/// One credential of the caller.
#[derive(Debug, Object)]
#[oai(rename = "UserCredential", skip_serializing_if_is_none)]
pub struct CredentialDto {
    /// `session`, `app_password`, `webdav`, `s3_key` or `oauth`.
    pub kind: String,
    /// The id `DELETE /devices/credentials/{kind}/{id}` takes.
    pub id: String,
    /// The device, account, key or app name.
    pub name: String,
    pub created_at: Option<DateTime<Utc>>,
    /// The last use, where recorded (keys and app passwords: at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address of the last use, where recorded.
    pub last_ip: Option<String>,
    /// The client (User-Agent) of the last use, where recorded.
    pub client: Option<String>,
    /// The folder it is confined to; absent: the whole drive. Empty: the folder is gone.
    pub root: Option<String>,
    /// Writes are refused.
    pub read_only: bool,
    /// The guard against mass deletion has stopped its writes.
    pub stopped: bool,
    /// The session of this request.
    pub current: bool,
}

impl From<CredentialEntry> for CredentialDto {
    fn from(e: CredentialEntry) -> Self {
        Self {
            kind: e.kind.name().to_owned(),
            id: e.id,
            name: e.name,
            created_at: e.created_at,
            last_used_at: e.last_used_at,
            last_ip: e.last_ip,
            client: e.client,
            root: e.root,
            read_only: e.read_only,
            stopped: e.stopped,
            current: e.current,
        }
    }
}

impl From<CredentialError> for ApiError {
    fn from(err: CredentialError) -> Self {
        match err {
            CredentialError::NotFound => ApiError::new(ErrorCode::NotFound, "Credential not found"),
            CredentialError::Db(e) => e.into(),
        }
    }
}

pub struct CredentialsApi;

#[OpenApi(tag = "ApiTags::User")]
impl CredentialsApi {
    /// Every credential of the caller: sessions first, then app passwords, WebDAV accounts,
    /// S3 keys and OAuth apps.
    #[oai(
        path = "/devices/credentials",
        method = "get",
        operation_id = "list_credentials"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Vec<CredentialDto>> {
        let me = caller.signed_in()?;
        let entries = credentials::list(&state, me.user.id, me.session).await?;
        ok(entries.into_iter().map(CredentialDto::from).collect())
    }

    /// Revokes one credential of the caller: it is refused from its next request on.
    #[oai(
        path = "/devices/credentials/:kind/:id",
        method = "delete",
        operation_id = "revoke_credential"
    )]
    async fn revoke(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        kind: Path<String>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let kind = CredentialKind::parse(&kind.0).ok_or(CredentialError::NotFound)?;
        let client = Client::of(req, &state.config);
        credentials::revoke(&state, me.user.id, kind, &id.0, &client).await?;
        done()
    }
}

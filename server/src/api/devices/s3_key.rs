//! `/devices/s3`: the caller's keys for the S3 endpoint (Stratus extension). The group needs
//! the S3 permission (bit 21, else 40007) to make one; another user's key answers 404 like a
//! missing one. The secret is in the answer of `PUT` only.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
};
use crate::{
    auth::{
        caller::Caller,
        s3_key::{self, KeyInput, S3Key},
    },
    ids::IdKind,
    state::AppState,
};

/// An S3 key; `secret_access_key` is present only in the answer that made it.
#[derive(Debug, Clone, Object)]
pub struct S3KeyDto {
    pub id: String,
    /// 20 upper-case letters and digits.
    pub access_key_id: String,
    /// Shown once, when the key is made.
    #[oai(skip_serializing_if_is_none)]
    pub secret_access_key: Option<String>,
    /// The folder the key sees (`cloudreve://my/...`); its subfolders are the buckets. Empty
    /// when the folder was deleted.
    pub uri: String,
    pub name: String,
    /// Writes are refused.
    pub readonly: bool,
    pub created_at: DateTime<Utc>,
    /// The last request signed with it (recorded at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// The S3 endpoint's URL; absent when the endpoint is off (`s3.listen` unset).
    pub endpoint: Option<String>,
}

async fn dto(state: &AppState, key: &S3Key, secret: Option<String>) -> Result<S3KeyDto, ApiError> {
    let uri = s3_key::folder_uri(state, key).await?;
    Ok(S3KeyDto {
        id: state.ids.encode(key.id, IdKind::S3Key),
        access_key_id: key.access_key_id.clone(),
        secret_access_key: secret,
        uri: uri.map(|u| u.to_string()).unwrap_or_default(),
        name: key.name.clone(),
        readonly: key.readonly,
        created_at: key.created_at,
        last_used_at: key.last_used_at,
        endpoint: s3_key::endpoint(state).await,
    })
}

/// `PUT /devices/s3`
#[derive(Debug, Object)]
pub struct S3KeyRequest {
    /// A folder of the caller's drive, `cloudreve://my/...`.
    pub uri: String,
    /// 1 to 255 characters.
    pub name: String,
    pub readonly: Option<bool>,
}

pub struct S3KeyApi;

#[OpenApi(tag = "ApiTags::User")]
impl S3KeyApi {
    /// Lists the caller's S3 keys, newest first (without their secrets).
    #[oai(path = "/devices/s3", method = "get", operation_id = "list_s3_keys")]
    async fn list(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<Vec<S3KeyDto>> {
        let me = caller.signed_in()?;
        let rows = s3_key::list(&state.db, me.user.id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(dto(&state, row, None).await?);
        }
        ok(out)
    }

    /// Makes an S3 key for a folder of the caller's drive; the answer holds its secret, which
    /// is never shown again.
    #[oai(path = "/devices/s3", method = "put", operation_id = "create_s3_key")]
    async fn create(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<S3KeyRequest>,
    ) -> ApiResult<S3KeyDto> {
        let me = caller.signed_in()?;
        let input = KeyInput {
            uri: body.0.uri,
            name: body.0.name,
            readonly: body.0.readonly.unwrap_or(false),
        };
        let (row, secret) = s3_key::create(&state, &caller, me, &input).await?;
        ok(dto(&state, &row, Some(secret)).await?)
    }

    /// Deletes an S3 key: requests signed with it are refused from now on.
    #[oai(
        path = "/devices/s3/:id",
        method = "delete",
        operation_id = "delete_s3_key"
    )]
    async fn delete(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        id: Path<String>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let id = state
            .ids
            .decode(&id.0, IdKind::S3Key)
            .map_err(|_| ApiError::new(ErrorCode::NotFound, "S3 key not found"))?;
        s3_key::delete(&state, me.user.id, id).await?;
        done()
    }
}

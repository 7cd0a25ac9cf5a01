//! `/file/upload`: upload sessions (spec §6). The work is done in [`crate::upload`].

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use poem::{Body, Request, http::header, web::Data};
use poem_openapi::{Object, OpenApi, param::Path, payload::Binary};

use crate::api::{
    ApiTags,
    dto::file::PolicySummary,
    envelope::{ApiError, ApiResult, ErrorCode, done, ok},
    json::ApiJson,
    present::file::policy_summary,
};
use crate::{
    auth::caller::Caller,
    fs::uri::FileUri,
    state::AppState,
    storage::{ByteStream, UploadCredential},
    upload::{self, create::CreateParams},
};

/// `PUT /file/upload`
#[derive(Debug, Object)]
pub struct CreateUploadRequest {
    /// Target file URI.
    pub uri: String,
    /// File size in bytes.
    #[oai(validator(minimum(value = "0")))]
    pub size: i64,
    /// Last modification time of the local file (ms since the epoch).
    pub last_modified: Option<i64>,
    pub mime_type: Option<String>,
    /// Storage policy hashid (as listed with the folder); may be empty. The group's policy
    /// is used either way.
    pub policy_id: Option<String>,
    /// Metadata to set on the file once uploaded.
    pub metadata: Option<BTreeMap<String, String>>,
    /// `""` for a new file, `"version"` to upload a new version of an existing file,
    /// `"live_photo"` to attach the motion part of an existing picture (an extra entity of
    /// type live photo, not a version).
    pub entity_type: Option<String>,
    /// With `entity_type: "version"`: entity hashid of the version the client last saw; the
    /// upload is refused (40076) when the file's current version is another one.
    pub previous: Option<String>,
    /// Ciphers the client could apply itself. Accepted for compatibility and ignored:
    /// Stratus does not encrypt uploads on the client.
    pub encryption_supported: Option<Vec<String>>,
}

/// An upload session (spec §6.1).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UploadSessionResponse {
    pub session_id: String,
    /// Multipart upload id of the provider, when there is one.
    pub upload_id: Option<String>,
    /// Bytes per chunk; 0 = the whole file in one request.
    pub chunk_size: i64,
    /// Expiry, unix seconds.
    pub expires: i64,
    pub upload_urls: Option<Vec<String>>,
    pub credential: Option<String>,
    #[oai(rename = "completeURL")]
    pub complete_url: Option<String>,
    pub storage_policy: PolicySummary,
    pub uri: String,
    pub callback_secret: String,
    pub mime_type: Option<String>,
}

/// `DELETE /file/upload`
#[derive(Debug, Object)]
pub struct DeleteUploadRequest {
    /// Session id.
    pub id: String,
    /// Target file URI of the session.
    pub uri: String,
}

pub struct UploadApi;

#[OpenApi(tag = "ApiTags::File")]
impl UploadApi {
    /// Opens an upload session: reserves quota, locks the target path and prepares the blob.
    #[oai(
        path = "/file/upload",
        method = "put",
        operation_id = "create_upload_session"
    )]
    async fn create_upload_session(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<CreateUploadRequest>,
    ) -> ApiResult<UploadSessionResponse> {
        let me = caller.signed_in()?;
        let (version, live_photo) = match body.entity_type.as_deref().unwrap_or("") {
            "" => (false, false),
            "version" => (true, false),
            "live_photo" => (false, true),
            other => {
                return Err(ApiError::new(
                    ErrorCode::ParamError,
                    format!("entity_type: unsupported value {other:?}"),
                ));
            }
        };
        let params = CreateParams {
            uri: FileUri::parse(&body.uri)?,
            size: body.size,
            last_modified: body.last_modified,
            mime_type: body.mime_type.clone(),
            policy_id: body.policy_id.clone().unwrap_or_default(),
            previous: body.previous.clone(),
            metadata: body
                .metadata
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect(),
            version,
            live_photo,
        };
        let created = upload::create::create(&state, me, params).await?;
        let mut resp = UploadSessionResponse {
            session_id: created.row.session_id.clone(),
            upload_id: None,
            chunk_size: created.row.chunk_size,
            expires: created.row.expires_at.timestamp(),
            upload_urls: None,
            credential: None,
            complete_url: None,
            storage_policy: policy_summary(&state.ids, &created.policy),
            // Into another owner's folder the session is the owner's; the caller keeps its URI.
            uri: match created.props.uploader {
                Some(_) => body.uri.clone(),
                None => created.row.uri.clone(),
            },
            callback_secret: created.props.callback_secret.clone(),
            mime_type: created.props.mime_type.clone(),
        };
        match created.credential {
            UploadCredential::Relay { .. } => {}
            UploadCredential::Presigned {
                upload_id,
                part_urls,
                complete_url,
                ..
            } => {
                resp.upload_id = Some(upload_id);
                resp.upload_urls = Some(part_urls);
                resp.complete_url = complete_url;
            }
            UploadCredential::Remote {
                url, credential, ..
            } => {
                resp.upload_urls = Some(vec![url]);
                resp.credential = Some(credential);
            }
        }
        ok(resp)
    }

    /// Receives chunk `index` (raw body of exactly the chunk's length) of an upload session;
    /// the last missing chunk completes the upload.
    #[oai(
        path = "/file/upload/:session_id/:index",
        method = "post",
        operation_id = "upload_chunk"
    )]
    async fn upload_chunk(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        session_id: Path<String>,
        index: Path<i64>,
        body: Binary<Body>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let declared = req
            .header(header::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse::<u64>().ok());
        let stream: ByteStream =
            Box::pin(body.0.into_bytes_stream().map_err(std::io::Error::other));
        upload::chunk::put_chunk(&state, me, &session_id, index.0, declared, stream).await?;
        done()
    }

    /// Cancels an upload session and removes its placeholder.
    #[oai(
        path = "/file/upload",
        method = "delete",
        operation_id = "delete_upload_session"
    )]
    async fn delete_upload_session(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<DeleteUploadRequest>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        let uri = FileUri::parse(&body.uri)?;
        upload::cancel(&state, me.user.id, &body.id, Some(&uri)).await?;
        done()
    }
}

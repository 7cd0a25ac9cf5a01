//! `/callback/<type>/<session>/<key>`: the calls that finish uploads sent straight to a
//! bucket (spec §6.2). No sign-in: the key (the session's callback secret) is the credential.
//! The work is done in [`crate::upload::direct`].

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path};
use stratus_entity::storage_policy::kind;

use crate::api::{
    ApiTags,
    envelope::{ApiResult, done},
};
use crate::{state::AppState, upload};

pub struct CallbackApi;

#[OpenApi(tag = "ApiTags::File")]
impl CallbackApi {
    /// Finishes an upload to an S3 bucket once the client completed the multipart upload:
    /// checks the key, then the object's size against the session, and publishes the file.
    #[oai(
        path = "/callback/s3/:session_id/:key",
        method = "get",
        operation_id = "callback_s3"
    )]
    async fn callback_s3(
        &self,
        state: Data<&AppState>,
        session_id: Path<String>,
        key: Path<String>,
    ) -> ApiResult<String> {
        upload::direct::finish(&state, kind::S3, &session_id, &key).await?;
        done()
    }

    /// The same for an OSS bucket (uploaded through its S3-compatible interface).
    #[oai(
        path = "/callback/oss/:session_id/:key",
        method = "get",
        operation_id = "callback_oss"
    )]
    async fn callback_oss(
        &self,
        state: Data<&AppState>,
        session_id: Path<String>,
        key: Path<String>,
    ) -> ApiResult<String> {
        upload::direct::finish(&state, kind::OSS, &session_id, &key).await?;
        done()
    }

    /// [`Self::callback_oss`] as POST, the method OSS's own callbacks use.
    #[oai(
        path = "/callback/oss/:session_id/:key",
        method = "post",
        operation_id = "callback_oss_post"
    )]
    async fn callback_oss_post(
        &self,
        state: Data<&AppState>,
        session_id: Path<String>,
        key: Path<String>,
    ) -> ApiResult<String> {
        upload::direct::finish(&state, kind::OSS, &session_id, &key).await?;
        done()
    }

    /// Finishes an upload whose chunks went to a slave node: the node calls this, signed
    /// with its key, once the last chunk is in.
    #[oai(
        path = "/callback/remote/:session_id/:key",
        method = "post",
        operation_id = "callback_remote"
    )]
    async fn callback_remote(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        session_id: Path<String>,
        key: Path<String>,
    ) -> ApiResult<String> {
        let headers = signed_headers(req);
        let path =
            percent_encoding::percent_decode_str(req.original_uri().path()).decode_utf8_lossy();
        let authorization = req
            .headers()
            .get(poem::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let call = upload::direct::SignedCall {
            authorization,
            path: &path,
            headers: &headers,
        };
        upload::direct::finish_remote(&state, &session_id, &key, &call).await?;
        done()
    }
}

/// The request's headers as `(name, value)` pairs, for a signature check.
pub(super) fn signed_headers(req: &poem::Request) -> Vec<(String, String)> {
    req.headers()
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

//! `/callback/<type>/<session>/<key>`: the calls that finish uploads sent straight to a
//! bucket (spec §6.2). No sign-in: the key (the session's callback secret) is the credential.
//! The work is done in [`crate::upload::direct`].

use poem::web::Data;
use poem_openapi::{OpenApi, param::Path};
use stratus_entity::storage_policy::kind;

use super::{
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
}

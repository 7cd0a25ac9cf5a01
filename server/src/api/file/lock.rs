//! `DELETE /file/lock`: force-unlocking, offered by the client after a 40073 lock conflict.

use poem::web::Data;
use poem_openapi::{Object, OpenApi};

use crate::api::{
    ApiTags,
    envelope::{ApiResult, done},
    json::ApiJson,
};
use crate::{auth::caller::Caller, fs::lock, state::AppState};

/// `DELETE /file/lock`
#[derive(Debug, Object)]
pub struct ForceUnlockRequest {
    /// Lock tokens, as listed in the `data` of a 40073 answer (at most 3000, Cloudreve's
    /// default `max_batched_file`).
    #[oai(validator(max_items = 3000))]
    pub tokens: Vec<String>,
}

pub struct FileLockApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileLockApi {
    /// Releases locks on the caller's own files, whoever holds them (a WebDAV client, an
    /// unfinished upload, an editor). Tokens of other users' locks and unknown tokens are
    /// ignored.
    #[oai(path = "/file/lock", method = "delete", operation_id = "force_unlock")]
    async fn force_unlock(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<ForceUnlockRequest>,
    ) -> ApiResult<String> {
        let me = caller.signed_in()?;
        lock::force_release(&state.db, me.user.id, &body.tokens).await?;
        done()
    }
}

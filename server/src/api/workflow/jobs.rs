//! `/workflow/import` (administrators: a folder of a local policy indexed into a user's
//! drive), `/workflow/relocate` (the caller's files moved to another storage policy) and
//! `/workflow/rebuildFtsIndex` (administrators: the full-text index read again).

use poem::web::Data;
use poem_openapi::{Object, OpenApi};

use crate::api::{
    ApiTags,
    dto::task::TaskResponse,
    envelope::{ApiError, ApiResult, ErrorCode, ok},
    json::ApiJson,
    present,
};
use crate::{
    auth::caller::Caller,
    fts,
    ids::IdKind,
    import::{self, ImportRequest},
    relocate,
    state::AppState,
};

pub struct WorkflowJobsApi;

/// `POST /workflow/import`
#[derive(Debug, Object)]
pub struct ImportBody {
    /// The folder to import: a path inside the policy's root (absolute, or relative to it).
    pub src: String,
    /// The folder of the user's drive to import into: a path (`/a/b`) or a `cloudreve://my` URI.
    pub dst: String,
    /// Queue the media metadata (EXIF) task of each imported picture.
    pub extract_media_meta: Option<bool>,
    /// The user (hashid) whose drive receives the files and whose storage they are charged to.
    pub user_id: String,
    /// Descend into subfolders.
    pub recursive: Option<bool>,
    /// The local storage policy `src` lies in.
    pub policy_id: i64,
}

/// `POST /workflow/rebuildFtsIndex`
#[derive(Debug, Object)]
pub struct RebuildFtsBody {
    /// When non-empty, only versions stored in these storage policies are indexed.
    pub filtered_storage_policy: Option<Vec<i64>>,
}

/// `POST /workflow/relocate`
#[derive(Debug, Object)]
pub struct RelocateBody {
    /// The caller's files and folders whose blobs move.
    pub src: Vec<String>,
    /// The storage policy they move to.
    pub dst_policy_id: i64,
}

#[OpenApi(tag = "ApiTags::File")]
impl WorkflowJobsApi {
    /// Queues the import of a folder of a local storage policy into a user's drive, without
    /// copying bytes (administrators). Names already taken are skipped and listed in the
    /// task's log; the files are charged to the user's storage, and deleting them in the
    /// drive deletes them from the disk.
    #[oai(
        path = "/workflow/import",
        method = "post",
        operation_id = "create_import_task"
    )]
    async fn import(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<ImportBody>,
    ) -> ApiResult<TaskResponse> {
        let me = caller.signed_in()?;
        if !me.is_admin() {
            return Err(ApiError::code(ErrorCode::NoPermission));
        }
        let user_id = state
            .ids
            .decode(&body.user_id, IdKind::User)
            .map_err(|_| ApiError::new(ErrorCode::ParamError, "user_id: not a user id"))?;
        let req = ImportRequest {
            src: body.src.clone(),
            dst: body.dst.clone(),
            user_id,
            policy_id: body.policy_id,
            recursive: body.recursive.unwrap_or(false),
            extract_media_meta: body.extract_media_meta.unwrap_or(false),
        };
        let row = import::submit(&state, me, req).await?;
        ok(present::task::task(&state.ids, &row))
    }

    /// Queues the move of every blob (all versions) of the caller's files and folders to
    /// storage policy `dst_policy_id` (administrators: any policy; users: their group's):
    /// each blob is copied, checked, switched over in one transaction, then released.
    #[oai(
        path = "/workflow/relocate",
        method = "post",
        operation_id = "create_relocate_task"
    )]
    async fn relocate(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<RelocateBody>,
    ) -> ApiResult<TaskResponse> {
        caller.signed_in()?;
        let body = body.0;
        let row = relocate::submit(&state, &caller, body.src, body.dst_policy_id).await?;
        ok(present::task::task(&state.ids, &row))
    }

    /// Queues the rebuild of the full-text index (administrators; 40007 for others): the
    /// index is emptied (phase `nuke`), then every live file whose type has text is read
    /// again (phase `index`, progress `rebuild_index`, summary `total` and `failed`).
    #[oai(
        path = "/workflow/rebuildFtsIndex",
        method = "post",
        operation_id = "rebuild_fts_index"
    )]
    async fn rebuild_fts_index(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<RebuildFtsBody>,
    ) -> ApiResult<TaskResponse> {
        let me = caller.signed_in()?;
        if !me.is_admin() {
            return Err(ApiError::code(ErrorCode::GroupNotAllowed));
        }
        let policies = body.0.filtered_storage_policy.unwrap_or_default();
        let row = fts::rebuild::submit(&state, me.user.id, policies).await?;
        ok(present::task::task(&state.ids, &row))
    }
}

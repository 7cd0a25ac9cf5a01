//! `/file` routes that delete, restore and annotate: `DELETE /file`, `POST /file/restore`,
//! `DELETE /file/trash` and `PATCH /file/metadata`.
//!
//! Every batch route applies what it can: failed items are listed under their URI in
//! `aggregated_error` (code 40081); a one-item batch answers with the item's own error.

use poem::{Request, web::Data};
use poem_openapi::{Object, OpenApi};

use crate::api::{
    ApiTags,
    envelope::{ApiError, ApiResult, ErrorCode, done},
    file::tree::{audit, batch_outcome, check_batch},
    json::ApiJson,
};
use crate::{
    auth::caller::Caller,
    boolset::group_perm,
    events,
    fs::{
        error::FsError,
        metadata::{self, MAX_PATCHES, Patch, Rules},
        nav::FsCtx,
        trash::{self, DeleteOptions},
        uri::FileUri,
    },
    state::AppState,
};

/// `DELETE /file`
#[derive(Debug, Object)]
pub struct DeleteFilesRequest {
    /// Objects to delete (at most `max_batched_file`).
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
    /// Delete the records only and leave the blobs in storage (permanent; needs the group's
    /// advanced-delete permission).
    pub unlink: Option<bool>,
    /// Delete permanently instead of moving to the trash.
    pub skip_soft_delete: Option<bool>,
}

/// `POST /file/restore`
#[derive(Debug, Object)]
pub struct RestoreFilesRequest {
    /// Trash URIs (`cloudreve://trash/<name>`).
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
}

/// One change of `PATCH /file/metadata`.
#[derive(Debug, Object)]
pub struct MetadataPatch {
    /// `namespace:name`; clients may write `customize:icon_color`, `customize:emoji`,
    /// `tag:<name>`, `dav:<property>`, `sys:shared_redirect` and `sys:shared_owner`.
    #[oai(validator(max_length = 255))]
    pub key: String,
    /// The new value (ignored when removing).
    pub value: Option<String>,
    /// Store the key privately: it is kept but never shown to clients.
    pub private: Option<bool>,
    /// Delete the key.
    pub remove: Option<bool>,
}

/// `PATCH /file/metadata`
#[derive(Debug, Object)]
pub struct PatchMetadataRequest {
    /// Objects to change (at most `max_batched_file`).
    #[oai(validator(min_items = 1))]
    pub uris: Vec<String>,
    /// Changes applied, in order, to every object.
    pub patches: Vec<MetadataPatch>,
}

pub struct FileManageApi;

#[OpenApi(tag = "ApiTags::File")]
impl FileManageApi {
    /// Restores trashed objects to where they were, recreating missing parent folders. When
    /// the original name is taken, the object comes back as `name (1).ext`, `name (2).ext`, …
    #[oai(
        path = "/file/restore",
        method = "post",
        operation_id = "restore_files"
    )]
    async fn restore_files(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        req: &Request,
        body: ApiJson<RestoreFilesRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        check_batch(&state, body.uris.len()).await?;
        let ctx = FsCtx::new(&state, &caller);
        let mut failures = Vec::new();
        let mut restored = Vec::new();
        for raw in &body.uris {
            let result = match FileUri::parse(raw) {
                Ok(uri) => trash::restore(&ctx, &uri).await,
                Err(e) => Err(e.into()),
            };
            match result {
                Ok(to) => {
                    // What the index lacks below the restored item (a file trashed before
                    // search was on, say) is read now, as a new upload would be.
                    if let Ok(node) = crate::fs::nav::resolve(&ctx, &to).await {
                        crate::fts::requeue::queue_tree(&state, &node.file).await;
                    }
                    restored.push(to.to_string())
                }
                Err(err) => failures.push((raw.clone(), ApiError::from(err))),
            }
        }
        if !restored.is_empty() {
            let content = serde_json::json!({ "uris": restored });
            audit(&state, &caller, req, events::kind::FILE_RESTORE, content).await;
        }
        batch_outcome(body.uris.len(), failures)?;
        done()
    }

    /// Permanently deletes everything in the caller's trash. Items that could not be deleted
    /// are listed in `aggregated_error` (code 40081) under their trash URI.
    #[oai(path = "/file/trash", method = "delete", operation_id = "empty_trash")]
    async fn empty_trash(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        let ctx = FsCtx::new(&state, &caller);
        let failures: Vec<(String, ApiError)> = trash::empty(&ctx)
            .await?
            .into_iter()
            .map(|(uri, err)| (uri, ApiError::from(err)))
            .collect();
        // Always the aggregated form: the caller named no item.
        batch_outcome(usize::MAX, failures)?;
        done()
    }

    /// Sets or removes metadata keys of objects. Keys outside the client namespaces, or
    /// values of the wrong shape, refuse the whole request (40001) before anything changes.
    /// `private: true` stores a key that is never shown to clients.
    #[oai(
        path = "/file/metadata",
        method = "patch",
        operation_id = "patch_metadata"
    )]
    async fn patch_metadata(
        &self,
        state: Data<&AppState>,
        caller: Data<&Caller>,
        body: ApiJson<PatchMetadataRequest>,
    ) -> ApiResult<String> {
        caller.signed_in()?;
        check_batch(&state, body.uris.len()).await?;
        if body.patches.len() > MAX_PATCHES {
            return Err(ApiError::new(
                ErrorCode::ParamError,
                format!("at most {MAX_PATCHES} patches per request"),
            ));
        }
        let rules = Rules::load(&state).await?;
        let patches = body
            .patches
            .iter()
            .map(|p| {
                let patch = Patch {
                    key: p.key.clone(),
                    value: p.value.clone().unwrap_or_default(),
                    public: !p.private.unwrap_or(false),
                    remove: p.remove.unwrap_or(false),
                };
                rules.check(&patch).map(|()| patch)
            })
            .collect::<Result<Vec<_>, FsError>>()?;
        let ctx = FsCtx::new(&state, &caller);
        let mut failures = Vec::new();
        for raw in &body.uris {
            let result = match FileUri::parse(raw) {
                Ok(uri) => metadata::patch(&ctx, &uri, &patches).await,
                Err(e) => Err(e.into()),
            };
            if let Err(err) = result {
                failures.push((raw.clone(), ApiError::from(err)));
            }
        }
        batch_outcome(body.uris.len(), failures)?;
        done()
    }
}

/// `DELETE /file`, served by [`super::list::FileListApi`] (poem-openapi writes one path
/// entry per route group, so every method of `/file` lives in one group).
pub(super) async fn delete_files(
    state: &AppState,
    caller: &Caller,
    req: &Request,
    body: &DeleteFilesRequest,
) -> ApiResult<String> {
    let me = caller.signed_in()?;
    check_batch(state, body.uris.len()).await?;
    let opts = DeleteOptions {
        unlink: body.unlink.unwrap_or(false),
        skip_soft_delete: body.skip_soft_delete.unwrap_or(false),
    };
    if opts.unlink && !me.permissions().enabled(group_perm::ADVANCE_DELETE) {
        return Err(ApiError::new(
            ErrorCode::GroupNotAllowed,
            "your group may not delete records without their blobs",
        ));
    }
    let ctx = FsCtx::new(state, caller);
    let mut failures = Vec::new();
    let mut deleted = Vec::new();
    for raw in &body.uris {
        let result = match FileUri::parse(raw) {
            Ok(uri) => trash::delete(&ctx, &uri, opts).await,
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(()) => deleted.push(raw.clone()),
            Err(err) => failures.push((raw.clone(), ApiError::from(err))),
        }
    }
    if !deleted.is_empty() {
        let content = serde_json::json!({
            "uris": deleted,
            "permanent": opts.skip_soft_delete || opts.unlink,
            "unlink": opts.unlink,
        });
        audit(state, caller, req, events::kind::DELETE_FILE, content).await;
    }
    batch_outcome(body.uris.len(), failures)?;
    done()
}

//! Imports (`POST /workflow/import`, administrators): an existing folder of a local storage
//! policy indexed into a user's drive without copying bytes. Each file becomes a file of the
//! user whose one version points at the file where it lies, and is charged to the user's
//! storage. From then on Stratus owns those blobs, as Cloudreve does: deleting the file in
//! the drive (and emptying the trash) deletes it from the disk.
//!
//! - `source.rs`: `src` resolved inside the policy's root, and the entries of a folder.
//! - `task.rs`: the `import` task.
//! - `error.rs`: [`ImportError`].

pub mod error;
pub mod source;
pub mod task;

use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{storage_policy, task as task_row, user};

pub use error::ImportError;

use crate::{
    caller::SignedIn,
    fs::uri::{FileUri, FsKind, validate_name},
    queue::store,
    state::AppState,
    storage::registry::UPLOADS_DIR,
};
use task::{Import, ImportState};

/// An import request, with the user already decoded from its hashid.
pub struct ImportRequest {
    pub src: String,
    pub dst: String,
    pub user_id: i64,
    pub policy_id: i64,
    pub recursive: bool,
    pub extract_media_meta: bool,
}

/// Checks the request and queues its task, owned by the user imported for.
pub async fn submit(
    state: &AppState,
    admin: &SignedIn,
    req: ImportRequest,
) -> Result<task_row::Model, ImportError> {
    if !admin.is_admin() {
        return Err(ImportError::AdminOnly);
    }
    let dst = dst_names(&req.dst)?;
    user::Entity::find_by_id(req.user_id)
        .one(&state.db)
        .await?
        .ok_or(ImportError::UserNotFound)?;
    let policy = storage_policy::Entity::find_by_id(req.policy_id)
        .one(&state.db)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(ImportError::PolicyNotFound)?;
    if policy.r#type != storage_policy::kind::LOCAL {
        return Err(ImportError::NotLocal);
    }
    let root = state.config.data_dir.join(UPLOADS_DIR);
    let src = req.src.clone();
    tokio::task::spawn_blocking(move || source::resolve(&root, &src))
        .await
        .map_err(|e| ImportError::NotAFolder(e.to_string()))??;
    let task = ImportState {
        src: req.src,
        dst,
        user_id: req.user_id,
        policy_id: req.policy_id,
        recursive: req.recursive,
        extract_media_meta: req.extract_media_meta,
    };
    let summary = json!({
        "phase": "",
        "props": {
            "src_str": task.src,
            "dst": format!("cloudreve://my/{}", task.dst.join("/")),
            "dst_policy_id": task.policy_id,
        },
    });
    let private = serde_json::to_string(&task).unwrap_or_default();
    Ok(store::submit(state, &Import, Some(task.user_id), private, summary, None).await?)
}

/// The names of `dst` from the drive's root: a `cloudreve://my/...` URI or a path `/a/b`.
fn dst_names(dst: &str) -> Result<Vec<String>, ImportError> {
    let invalid = |why: String| ImportError::Invalid(format!("dst: {why}"));
    if dst.starts_with("cloudreve://") {
        let uri = FileUri::parse(dst).map_err(|e| invalid(e.to_string()))?;
        if uri.fs != FsKind::My {
            return Err(invalid("a folder in \"my\"".into()));
        }
        return Ok(uri.segments().to_vec());
    }
    dst.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            validate_name(s)
                .map(|()| s.to_owned())
                .map_err(|e| invalid(e.to_string()))
        })
        .collect()
}

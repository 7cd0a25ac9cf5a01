//! Queuing an extraction (`POST /workflow/extract`): everything the task would refuse is
//! checked first, as the caller, so a refusal comes at once and nothing is queued.

use serde_json::json;
use stratus_entity::task as task_row;

use super::{
    ExtractError,
    mask::Mask,
    names,
    task::{ExtractArchive, ExtractState},
};
use crate::{
    auth::caller::Caller,
    boolset::{fs_cap, group_perm},
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        uri::FileUri,
    },
    queue::store,
    share,
    state::AppState,
};

/// What an extraction asks for.
#[derive(Debug, Clone, Default)]
pub struct ExtractRequest {
    /// The archive (exactly one URI).
    pub src: Vec<String>,
    /// The folder to extract into.
    pub dst: String,
    /// Encoding of zip entry names stored without the UTF-8 flag.
    pub encoding: Option<String>,
    /// Password of an encrypted archive.
    pub password: Option<String>,
    /// Extract only these archive paths (with what lies below them).
    pub file_mask: Option<Vec<String>>,
}

/// Queues the extraction of the archive `src[0]` into the folder `dst`, for a caller whose
/// group may run archive tasks. Reading a shared archive is a download of its share, counted
/// now: a share whose downloads are used up refuses at once, and the task reads it once.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    req: ExtractRequest,
) -> Result<task_row::Model, ExtractError> {
    let me = caller.signed_in().map_err(|_| ExtractError::NotAllowed)?;
    if !me.permissions().enabled(group_perm::ARCHIVE_TASK) {
        return Err(ExtractError::NotAllowed);
    }
    let [src] = req.src.as_slice() else {
        return Err(ExtractError::Invalid("src: one archive URI"));
    };
    names::encoding(req.encoding.as_deref())?;
    let file_mask = req.file_mask.unwrap_or_default();
    Mask::new(&file_mask).map_err(|e| ExtractError::Field(format!("file_mask: {e}")))?;
    let fs = FsCtx::new(state, caller);
    let archive = nav::resolve(&fs, &FileUri::parse(src)?).await?;
    if archive.is_folder() {
        return Err(ExtractError::Invalid("src: a folder is not an archive"));
    }
    // As Cloudreve: a destination that cannot be opened (missing, or not the caller's)
    // is a bad parameter, not a missing object.
    let invalid = || ExtractError::Invalid("invalid destination");
    let dst = match nav::resolve(&fs, &FileUri::parse(&req.dst)?).await {
        Ok(dst) => dst,
        Err(FsError::Db(e)) => return Err(FsError::Db(e).into()),
        Err(_) => return Err(invalid()),
    };
    if !dst.is_folder() || !dst.owned {
        return Err(invalid());
    }
    archive.require(fs_cap::DOWNLOAD)?;
    share::download::count(state, caller, &archive).await?;
    let task = ExtractState {
        src: archive.uri.to_string(),
        dst: dst.uri.to_string(),
        encoding: req.encoding.filter(|e| !e.is_empty()),
        password: req.password.filter(|p| !p.is_empty()),
        file_mask,
        placing: false,
        next: 0,
        files: 0,
        bytes: 0,
    };
    let summary = json!({
        "phase": "",
        "props": {"src": [task.src], "src_str": task.src, "dst": task.dst},
    });
    let private = serde_json::to_string(&task).unwrap_or_default();
    store::ensure_room(&state.db, me, 1).await?;
    let row = store::submit(
        state,
        &ExtractArchive,
        Some(me.user.id),
        private,
        summary,
        None,
    )
    .await
    .map_err(FsError::Db)?;
    Ok(row)
}

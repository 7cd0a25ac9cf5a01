//! Relocation (`POST /workflow/relocate`): every blob (all versions) of the caller's files
//! and folders copied to another storage policy, checked, and switched over.
//!
//! A blob moves in four steps (`blob.rs`): the copy is stored under a new key of the target
//! policy (streamed, journaled in `storage::pending` first), its size is checked, then one
//! transaction points the entity at the copy (conditional on it still naming the old blob)
//! and leaves the old blob to a zero-reference entity row, which is then recycled at once.
//! A kill before the switch leaves the old blob in use and the copy orphaned: its journal
//! record has it deleted at the next start, and the task, taken up again, copies anew. A kill
//! after it leaves the old blob to the recycling job.
//!
//! - `task.rs`: the `relocate` task (the owner's files walked, their versions moved).
//! - `blob.rs`: one blob's move.
//! - `error.rs`: [`RelocateError`].

pub mod blob;
pub mod error;
pub mod task;

use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{storage_policy, task as task_row};

pub use error::RelocateError;

use crate::{
    caller::{Caller, SignedIn},
    fs::{
        nav::{self, FsCtx},
        uri::{FileUri, FsKind},
    },
    queue::store,
    state::AppState,
};
use task::{Relocate, RelocateState};

/// The target policy, if `me` may store in it: administrators any, users their group's.
pub async fn allowed_policy(
    state: &AppState,
    me: &SignedIn,
    policy_id: i64,
) -> Result<storage_policy::Model, RelocateError> {
    let policy = storage_policy::Entity::find_by_id(policy_id)
        .one(&state.db)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(RelocateError::PolicyNotFound)?;
    if !me.is_admin() && me.group.storage_policy_id != Some(policy.id) {
        return Err(RelocateError::PolicyNotAllowed);
    }
    Ok(policy)
}

/// Checks the request (the caller owns every source, may use the policy) and queues it.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    src: Vec<String>,
    dst_policy_id: i64,
) -> Result<task_row::Model, RelocateError> {
    let me = caller.signed_in().map_err(|_| RelocateError::NotOwner)?;
    if src.is_empty() {
        return Err(RelocateError::Invalid("src: at least one URI".into()));
    }
    allowed_policy(state, me, dst_policy_id).await?;
    let ctx = FsCtx::new(state, caller);
    for uri in &src {
        let parsed =
            FileUri::parse(uri).map_err(|e| RelocateError::Invalid(format!("src: {e}")))?;
        if parsed.fs != FsKind::My {
            return Err(RelocateError::NotOwner);
        }
        let node = nav::resolve(&ctx, &parsed).await?;
        if !node.owned || node.file.owner_id != me.user.id {
            return Err(RelocateError::NotOwner);
        }
    }
    store::ensure_room(&state.db, me, 1).await?;
    let task = RelocateState { src, dst_policy_id };
    let summary = json!({
        "phase": "",
        "props": {"src": task.src, "dst_policy_id": dst_policy_id},
    });
    let private = serde_json::to_string(&task).unwrap_or_default();
    Ok(store::submit(state, &Relocate, Some(me.user.id), private, summary, None).await?)
}

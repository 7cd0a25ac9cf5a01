//! Undo of an incident, as a queue task (`guard_undo`): everything the credential deleted,
//! overwrote or renamed since its burst began (the changes before the threshold too) comes
//! back: deleted items from the trash, overwritten files to the version before the first
//! overwrite, renamed files to their old names. A file changed since by someone or something
//! else is left alone and listed as skipped, with the reason. The incident then becomes
//! `undone` with the lists, and its credential may write again.
//!
//! A sync client that was stopped still misses, locally, the files whose deletes were refused:
//! its journal says they are in sync, so its next run would delete them again. Undo gives
//! the files of every folder the burst touched a new ETag ([`refresh_folders`]), which a
//! sync client reads as a change on the server: it downloads what it misses instead.

use std::collections::{BTreeMap, HashSet};

use futures_util::future::BoxFuture;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity, guard_change, guard_incident, metadata};

use super::{counting, incidents, tell};
use crate::{
    auth::caller::Caller,
    fs::{
        error::FsError,
        nav::{self, FsCtx},
        shown::RESTORE_URI,
        trash, tree,
        uri::FileUri,
        version,
    },
    ids::IdKind,
    queue::{TaskCtx, TaskError, TaskKind, kinds, store},
    state::AppState,
};

/// How long after a trip a change judged before it may still be recorded: an instance learns
/// of an incident opened elsewhere within a second (its cache of incidents).
const IN_FLIGHT_SECS: i64 = 3;

/// The task's stored state.
#[derive(Debug, Serialize, Deserialize)]
struct UndoState {
    incident_id: i64,
}

/// What undo did.
#[derive(Debug, Default)]
struct Outcome {
    restored: Vec<String>,
    skipped: Vec<(String, &'static str)>,
}

impl Outcome {
    fn to_json(&self) -> Value {
        json!({
            "restored": self.restored,
            "skipped": self.skipped.iter().map(|(path, reason)| json!({"path": path, "reason": reason})).collect::<Vec<_>>(),
        })
    }
}

/// Queues the undo of `incident` (open, or released: a released burst may still be undone)
/// and marks it `undoing`; answers the task, or `None` when it is being or was undone.
pub async fn submit(
    state: &AppState,
    incident: &guard_incident::Model,
) -> Result<Option<i64>, sea_orm::DbErr> {
    use guard_incident::state as s;
    if !incidents::transition(
        state,
        incident,
        &[s::OPEN, s::RELEASED],
        s::UNDOING,
        None,
        None,
    )
    .await?
    {
        return Ok(None);
    }
    let private = serde_json::to_string(&UndoState {
        incident_id: incident.id,
    })
    .unwrap_or_default();
    let summary = json!({"phase": "", "props": {"incident_id": incident.id}});
    let task = store::submit(
        state,
        &GuardUndo,
        Some(incident.user_id),
        private,
        summary,
        crate::request_ctx::current().map(|c| c.correlation_id.to_string()),
    )
    .await?;
    incidents::transition(
        state,
        incident,
        &[s::UNDOING],
        s::UNDOING,
        Some(task.id),
        None,
    )
    .await?;
    Ok(Some(task.id))
}

/// The `guard_undo` task kind.
pub struct GuardUndo;

impl TaskKind for GuardUndo {
    fn name(&self) -> &'static str {
        kinds::GUARD_UNDO
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        Box::pin(run(ctx))
    }
}

fn retry(e: impl std::fmt::Display) -> TaskError {
    TaskError::Retry(e.to_string())
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let st: UndoState = ctx.required_state()?;
    let state = &ctx.state;
    let incident = incidents::find(&state.db, st.incident_id, None)
        .await
        .map_err(retry)?
        .ok_or_else(|| TaskError::Fatal("the incident is gone".into()))?;
    let owner = ctx.owner().await?;
    let caller = Caller::User(std::sync::Arc::new(owner));
    let fs = FsCtx::new(state, &caller);
    // A change judged before the trip and recorded after it (on another instance, whose
    // knowledge of the incident may be a second late) is the burst's too; what the credential
    // did after a release is not.
    let window = super::settings::GuardSettings::read(state)
        .await
        .map_err(retry)?
        .burst_seconds;
    let since = incident.tripped_at - chrono::Duration::seconds(window);
    let until = incident.tripped_at + chrono::Duration::seconds(IN_FLIGHT_SECS);
    counting::claim_for_incident(&state.db, &incident, since, until)
        .await
        .map_err(retry)?;
    let (incident, changes) = incidents::recount(&state.db, incident)
        .await
        .map_err(retry)?;
    let mut out = Outcome::default();
    // Newest renames first, so a file renamed twice ends under its first name.
    for change in changes.iter().rev().filter(|c| c.action == "rename") {
        undo_rename(&fs, change, &mut out).await?;
    }
    undo_overwrites(&fs, &changes, &mut out).await?;
    for change in changes.iter().filter(|c| c.action == "delete") {
        undo_delete(&fs, change, &mut out).await?;
    }
    refresh_folders(state, &changes).await.map_err(retry)?;
    let result = out.to_json();
    use guard_incident::state as s;
    incidents::transition(
        state,
        &incident,
        &[s::UNDOING],
        s::UNDONE,
        None,
        Some(result),
    )
    .await
    .map_err(retry)?;
    tell::undone(state, &incident, out.restored.len(), out.skipped.len()).await;
    Ok(())
}

/// Gives the files of the folders the changes' files are in now a new ETag (their revision
/// raised), and their folders too: one statement each, bounded by those folders' sizes.
async fn refresh_folders(
    state: &AppState,
    changes: &[guard_change::Model],
) -> Result<(), sea_orm::DbErr> {
    let ids: Vec<i64> = changes.iter().filter_map(|c| c.file_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut folders: Vec<i64> = Vec::new();
    for chunk in ids.chunks(500) {
        let parents: Vec<Option<i64>> = file::Entity::find()
            .select_only()
            .column(file::Column::ParentId)
            .filter(file::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(&state.db)
            .await?;
        folders.extend(parents.into_iter().flatten());
    }
    folders.sort_unstable();
    folders.dedup();
    let raise = Expr::col(file::Column::TreeRev).add(1);
    for chunk in folders.chunks(500) {
        file::Entity::update_many()
            .col_expr(file::Column::TreeRev, raise.clone())
            .filter(file::Column::ParentId.is_in(chunk.to_vec()))
            .filter(file::Column::DeletedAt.is_null())
            .exec(&state.db)
            .await?;
        crate::fs::tree_rev::raise_ids(chunk.to_vec())
            .exec(&state.db)
            .await?;
    }
    Ok(())
}

/// A failure that skips one file; a database failure ends the run (to be tried again).
fn skip_or_fail(e: FsError) -> Result<&'static str, TaskError> {
    match e {
        FsError::Db(e) => Err(retry(e)),
        FsError::Exists(_) => Ok("another file has its name now"),
        FsError::Lock(_) => Ok("it is locked"),
        _ => Ok("it could not be restored"),
    }
}

/// The live row of `id` (in the tree or in the trash), if any.
async fn row(fs: &FsCtx<'_>, id: Option<i64>) -> Result<Option<file::Model>, TaskError> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(file::Entity::find_by_id(id)
        .one(&fs.state.db)
        .await
        .map_err(retry)?
        .filter(|f| f.deleted_at.is_none()))
}

async fn undo_rename(
    fs: &FsCtx<'_>,
    change: &guard_change::Model,
    out: &mut Outcome,
) -> Result<(), TaskError> {
    let path = change.path.clone();
    let (Some(file), Some(old)) = (row(fs, change.file_id).await?, &change.old_name) else {
        out.skipped.push((path, "it no longer exists"));
        return Ok(());
    };
    let renamed_to = path.rsplit('/').next().unwrap_or_default();
    if file.parent_id.is_none() || file.name != renamed_to {
        out.skipped.push((path, "it was changed since"));
        return Ok(());
    }
    let uri = nav::uri_of(&fs.state.db, &file).await.map_err(retry)?;
    match tree::rename(fs, &uri, old).await {
        Ok(node) => out.restored.push(node.uri.to_string()),
        Err(e) => out.skipped.push((path, skip_or_fail(e)?)),
    }
    Ok(())
}

/// Each overwritten file goes back to the version before the credential's first overwrite
/// of it, when the versions written since are the credential's own.
async fn undo_overwrites(
    fs: &FsCtx<'_>,
    changes: &[guard_change::Model],
    out: &mut Outcome,
) -> Result<(), TaskError> {
    // File → (its first overwrite, the number of overwrites).
    let mut by_file: BTreeMap<i64, (&guard_change::Model, usize)> = BTreeMap::new();
    for change in changes.iter().filter(|c| c.action == "overwrite") {
        let Some(id) = change.file_id else { continue };
        by_file.entry(id).or_insert((change, 0)).1 += 1;
    }
    for (id, (first, writes)) in by_file {
        let path = first.path.clone();
        let (Some(file), Some(previous)) = (row(fs, Some(id)).await?, first.previous_entity_id)
        else {
            out.skipped.push((path, "it no longer exists"));
            continue;
        };
        if file.parent_id.is_none() {
            out.skipped.push((path, "it is in the trash"));
            continue;
        }
        let newer = versions_after(fs.state, id, previous).await?;
        let Some(newer) = newer else {
            out.skipped.push((path, "its earlier version is gone"));
            continue;
        };
        if newer != writes {
            out.skipped
                .push((path, "it was changed since by someone else"));
            continue;
        }
        let uri = nav::uri_of(&fs.state.db, &file).await.map_err(retry)?;
        let hashid = fs.state.ids.encode(previous, IdKind::Entity);
        match version::set_current(fs, &uri, &hashid).await {
            Ok(()) => out.restored.push(uri.to_string()),
            Err(e) => out.skipped.push((path, skip_or_fail(e)?)),
        }
    }
    Ok(())
}

/// How many versions of file `id` are newer than `previous`; `None` when `previous` is no
/// longer one of its versions.
async fn versions_after(
    state: &AppState,
    id: i64,
    previous: i64,
) -> Result<Option<usize>, TaskError> {
    let linked: Vec<i64> = file_entity::Entity::find()
        .select_only()
        .column(file_entity::Column::EntityId)
        .filter(file_entity::Column::FileId.eq(id))
        .into_tuple()
        .all(&state.db)
        .await
        .map_err(retry)?;
    let versions: HashSet<i64> = entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .filter(entity::Column::Id.is_in(linked))
        .filter(entity::Column::Type.eq(entity::kind::VERSION))
        .into_tuple::<i64>()
        .all(&state.db)
        .await
        .map_err(retry)?
        .into_iter()
        .collect();
    if !versions.contains(&previous) {
        return Ok(None);
    }
    Ok(Some(versions.iter().filter(|v| **v > previous).count()))
}

async fn undo_delete(
    fs: &FsCtx<'_>,
    change: &guard_change::Model,
    out: &mut Outcome,
) -> Result<(), TaskError> {
    let path = change.path.clone();
    let Some(file) = row(fs, change.file_id).await? else {
        out.skipped.push((path, "it was deleted permanently"));
        return Ok(());
    };
    if file.parent_id.is_some() {
        out.skipped.push((path, "it is back already"));
        return Ok(());
    }
    // Something new at its place is left alone (a restore would come back beside it).
    let original = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file.id))
        .filter(metadata::Column::Name.eq(RESTORE_URI))
        .one(&fs.state.db)
        .await
        .map_err(retry)?
        .and_then(|m| FileUri::parse(&m.value).ok());
    if let Some(original) = &original {
        match nav::resolve(fs, original).await {
            Ok(_) => {
                out.skipped.push((path, "another file is at its place now"));
                return Ok(());
            }
            Err(FsError::NotFound | FsError::ParentNotExist) => {}
            Err(e) => {
                out.skipped.push((path, skip_or_fail(e)?));
                return Ok(());
            }
        }
    }
    let Ok(uri) = FileUri::parse(&format!("cloudreve://trash/{}", file.name)) else {
        out.skipped.push((path, "it could not be restored"));
        return Ok(());
    };
    match trash::restore(fs, &uri).await {
        Ok(at) => out.restored.push(at.to_string()),
        Err(e) => out.skipped.push((path, skip_or_fail(e)?)),
    }
    Ok(())
}

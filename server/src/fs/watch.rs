//! Destructive changes announced before they happen: a delete or move to the trash, an
//! overwrite, a rename that changes the extension. The guard against mass deletion
//! (`guard/`, a service above the file system) counts them per credential and may refuse
//! one; it is handed to the file system at start through a slot of the state, as the share
//! trees are, so `fs` never calls up into it. Without a watcher (a state built for a unit
//! test) every change passes.

use std::{collections::HashSet, sync::Arc};

use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use stratus_entity::{file, guard_change, guard_incident};

use super::{error::FsError, nav::FsCtx};
use crate::{
    caller::{Caller, SignedIn},
    state::AppState,
};

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Deleted, or moved to the trash.
    Delete,
    /// New content over an existing file.
    Overwrite,
    /// Renamed to another extension.
    Rename,
    /// Deleted for good: an item of the trash (the trash emptied) or a kept version. It makes
    /// a delete or an overwrite final, so it weighs as much, and undo cannot bring it back.
    Purge,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Overwrite => "overwrite",
            Self::Rename => "rename",
            Self::Purge => "purge",
        }
    }
}

/// One change about to be made.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: Action,
    pub file_id: i64,
    /// Where the file is (for a rename, where it goes), a `cloudreve://` URI.
    pub path: String,
    /// How many files it stands for: a folder's files, at least 1.
    pub files: u64,
    /// A rename's name before it.
    pub old_name: Option<String>,
    /// An overwrite's current version before it.
    pub previous_entity: Option<i64>,
    /// The first bytes of an overwrite's new content (at most 64 KiB), to tell readable
    /// content turned into noise.
    pub sample: Option<bytes::Bytes>,
}

impl Change {
    pub fn new(action: Action, file_id: i64, path: impl Into<String>) -> Self {
        Self {
            action,
            file_id,
            path: path.into(),
            files: 1,
            old_name: None,
            previous_entity: None,
            sample: None,
        }
    }
}

/// The row that records a change a watcher let pass, for a writer that stores it in its own
/// transaction ([`decide`]).
pub type Record = guard_change::ActiveModel;

/// Judges changes before they are made.
pub trait Watch: Send + Sync {
    /// Records `change` made by `who`, or refuses it ([`FsError::Guarded`]).
    fn before<'a>(
        &'a self,
        state: &'a AppState,
        who: &'a SignedIn,
        change: Change,
    ) -> BoxFuture<'a, Result<(), FsError>>;

    /// Judges `change` as [`Watch::before`] does, but hands back its record (`None`: not
    /// watched) for the caller to store with the change itself.
    fn decide<'a>(
        &'a self,
        state: &'a AppState,
        who: &'a SignedIn,
        change: Change,
    ) -> BoxFuture<'a, Result<Option<Record>, FsError>>;

    /// Whether changes by `who` are watched at all (the guard is on, the credential's kind
    /// is watched, the group is not exempt): a writer looks for the file it would replace
    /// only then.
    fn watches<'a>(&'a self, state: &'a AppState, who: &'a SignedIn) -> BoxFuture<'a, bool>;
}

type Provided = Arc<dyn Watch>;

/// Hands the file system the guard; done once, at start.
pub fn provide(state: &AppState, watch: Provided) {
    state.provide(watch);
}

/// Asks the watcher about `change` made by `who`. The server's own work (no credential)
/// is not watched.
pub async fn before(state: &AppState, who: &SignedIn, change: Change) -> Result<(), FsError> {
    // Every destructive change passes here: a credential that may not write is refused
    // before the guard counts anything.
    super::reach::may_write(who)?;
    if who.credential.is_none() {
        return Ok(());
    }
    let Some(watch) = state.provided::<Provided>() else {
        return Ok(());
    };
    watch.before(state, who, change).await
}

/// [`before`] for a writer that stores the record in the transaction of the change (see
/// [`Watch::decide`]): the upload committer, which stores an overwrite's record in the batch
/// that publishes it, before the new version may release the old one.
pub async fn decide(
    state: &AppState,
    who: &SignedIn,
    change: Change,
) -> Result<Option<Record>, FsError> {
    super::reach::may_write(who)?;
    if who.credential.is_none() {
        return Ok(None);
    }
    let Some(watch) = state.provided::<Provided>() else {
        return Ok(None);
    };
    watch.decide(state, who, change).await
}

/// Whether changes by `who` are watched (see [`Watch::watches`]).
pub async fn watches(state: &AppState, who: &SignedIn) -> bool {
    if who.credential.is_none() {
        return false;
    }
    match state.provided::<Provided>() {
        Some(watch) => watch.watches(state, who).await,
        None => false,
    }
}

/// Most bytes of an overwrite's new content kept for [`Change::sample`].
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// [`before`] for the caller of `ctx`, when signed in.
pub async fn before_ctx(ctx: &FsCtx<'_>, change: Change) -> Result<(), FsError> {
    match ctx.caller {
        Caller::User(who) => before(ctx.state, who, change).await,
        Caller::Anonymous => Ok(()),
    }
}

/// The files in the folder `folder_id`, for a delete of it (at least 1), counted by the
/// database.
pub async fn files_below(ctx: &FsCtx<'_>, folder_id: i64) -> Result<u64, FsError> {
    let sums = super::info::folder_sums(&ctx.state.db, &[folder_id]).await?;
    let files = sums.get(&folder_id).map_or(0, |s| s.files);
    Ok(files.max(1) as u64)
}

/// A delete of `node` (at `uri`), or with `action` [`Action::Purge`] its purge from the
/// trash; a folder counts as its files, walked only when the caller's changes are watched.
pub async fn before_delete(
    ctx: &FsCtx<'_>,
    file: &file::Model,
    uri: &super::uri::FileUri,
    action: Action,
) -> Result<(), FsError> {
    let Caller::User(who) = ctx.caller else {
        return Ok(());
    };
    if !watches(ctx.state, who).await {
        return Ok(());
    }
    let mut change = Change::new(action, file.id, uri.to_string());
    if file.r#type == file::kind::FOLDER {
        change.files = files_below(ctx, file.id).await?;
    }
    before(ctx.state, who, change).await
}

/// A rename (or a move under another name) of `node` to `new_uri` when it changes a file's
/// extension.
pub async fn before_rename(
    ctx: &FsCtx<'_>,
    node: &super::nav::Node,
    new_uri: &super::uri::FileUri,
    new_name: &str,
) -> Result<(), FsError> {
    if node.is_folder() || !changes_extension(&node.file.name, new_name) {
        return Ok(());
    }
    let mut change = Change::new(Action::Rename, node.file.id, new_uri.to_string());
    change.old_name = Some(node.file.name.clone());
    before_ctx(ctx, change).await
}

/// The files the guard's open incidents name: the trash's retention job and emptying the
/// trash leave them alone until the incident closes.
pub async fn held_files(db: &impl ConnectionTrait) -> Result<HashSet<i64>, FsError> {
    let open = open_incidents(db).await?;
    if open.is_empty() {
        return Ok(HashSet::new());
    }
    let files: Vec<Option<i64>> = guard_change::Entity::find()
        .select_only()
        .column(guard_change::Column::FileId)
        .filter(guard_change::Column::IncidentId.is_in(open))
        .into_tuple()
        .all(db)
        .await?;
    Ok(files.into_iter().flatten().collect())
}

/// Refuses to delete `file_id` (an item of the trash) for good while an open incident of the
/// guard holds it: undo would find nothing. Nobody's purge goes past it but an
/// administrator's explicit one (the admin console's), and the retention job waits too.
pub async fn refuse_held(db: &impl ConnectionTrait, file_id: i64) -> Result<(), FsError> {
    refuse_if_held(db, guard_change::Column::FileId, file_id).await
}

/// Refuses to delete the kept version `version` (an entity id) for good while an open
/// incident holds the overwrite that replaced it: undo makes it current again.
pub async fn refuse_held_version(db: &impl ConnectionTrait, version: i64) -> Result<(), FsError> {
    refuse_if_held(db, guard_change::Column::PreviousEntityId, version).await
}

/// Refuses when a change whose `column` is `id` belongs to an open incident. The open
/// incidents are few (usually none), and the changes are found by their incident.
async fn refuse_if_held(
    db: &impl ConnectionTrait,
    column: guard_change::Column,
    id: i64,
) -> Result<(), FsError> {
    let open = open_incidents(db).await?;
    if open.is_empty() {
        return Ok(());
    }
    let holding = guard_change::Entity::find()
        .select_only()
        .column(guard_change::Column::Id)
        .filter(guard_change::Column::IncidentId.is_in(open))
        .filter(column.eq(id))
        .into_tuple::<i64>()
        .one(db)
        .await?;
    match holding {
        Some(_) => Err(held()),
        None => Ok(()),
    }
}

/// The ids of the incidents that still stop their credential.
async fn open_incidents(db: &impl ConnectionTrait) -> Result<Vec<i64>, FsError> {
    Ok(guard_incident::Entity::find()
        .select_only()
        .column(guard_incident::Column::Id)
        .filter(guard_incident::Column::State.is_in(STOPPING))
        .into_tuple()
        .all(db)
        .await?)
}

/// The refusal of a purge of what an open incident holds.
pub fn held() -> FsError {
    FsError::Guarded(
        "An open incident of the guard against mass deletion holds this: undo the incident or \
         confirm it was you (Settings > Security incidents) before deleting it for good."
            .into(),
    )
}

/// The states of an incident that still stops its credential.
pub const STOPPING: [&str; 2] = [guard_incident::state::OPEN, guard_incident::state::UNDOING];

/// Of `versions` (entity ids) of a file, those an overwrite the guard recorded replaced,
/// while its record is kept (in the burst window, or named by an open incident): version
/// pruning keeps them, so undo can make them current again.
pub async fn held_versions(
    db: &impl ConnectionTrait,
    versions: Vec<i64>,
) -> Result<HashSet<i64>, FsError> {
    if versions.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<(Option<i64>, Option<i64>)> = guard_change::Entity::find()
        .select_only()
        .column(guard_change::Column::PreviousEntityId)
        .column(guard_change::Column::IncidentId)
        .filter(guard_change::Column::PreviousEntityId.is_in(versions))
        .into_tuple()
        .all(db)
        .await?;
    let incidents: Vec<i64> = rows.iter().filter_map(|(_, i)| *i).collect();
    let stopping: HashSet<i64> = if incidents.is_empty() {
        HashSet::new()
    } else {
        guard_incident::Entity::find()
            .select_only()
            .column(guard_incident::Column::Id)
            .filter(guard_incident::Column::Id.is_in(incidents))
            .filter(guard_incident::Column::State.is_in(STOPPING))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .filter(|(_, incident)| incident.is_none_or(|i| stopping.contains(&i)))
        .filter_map(|(version, _)| version)
        .collect())
}

/// Whether a rename from `old` to `new` changes the extension (the part after the last dot,
/// compared without case).
pub fn changes_extension(old: &str, new: &str) -> bool {
    fn ext(name: &str) -> String {
        name.rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default()
    }
    ext(old) != ext(new)
}

#[cfg(test)]
mod tests {
    use super::changes_extension;

    #[test]
    fn extensions_compare_without_case() {
        assert!(changes_extension("a.docx", "a.docx.locked"));
        assert!(changes_extension("a", "a.txt"));
        assert!(!changes_extension("a.TXT", "b.txt"));
        assert!(!changes_extension("notes", "notes2"));
    }
}

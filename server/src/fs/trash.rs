//! The trash and permanent deletion (spec §4.1, §13).
//!
//! * **Soft delete** keeps the row but detaches it from the tree (`parent_id` NULL) under its
//!   name followed by a space and a fresh UUID, and records `sys:restore_uri` (where it was),
//!   `sys:expected_collect_time` (unix seconds, now + the group's `trash_retention`) and
//!   `sys:deleted_by` (who trashed it; the change journal names them too). Its
//!   children stay attached below it. Storage stays charged while an item is in the trash.
//! * **Restore** puts a trashed item back at its original path, recreating missing parent
//!   folders. When the original name is taken, the item comes back as `name (1).ext`,
//!   `name (2).ext`, … (folders get the suffix after the whole name: `Docs (1)`).
//! * **Permanent delete** (purge) removes the rows of a subtree, unlinks their entities,
//!   lowers each entity's `reference_count` by the number of deleted files linking it (entities
//!   reaching 0 stay as "stale" rows for the recycling job) and releases the bytes they were
//!   charged for (`quota::charged_bytes`) from
//!   the owner's `users.storage`, all in the owner's write transaction.
//! * The retention job ([`collect_expired`]) purges trashed items whose collect time has come.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use serde_json::{Value, json};
use stratus_entity::{entity, file, file_entity, metadata};

use super::{
    error::{FsError, name_clash},
    journal,
    lock::{self, Depth, LockPath},
    metadata as meta,
    nav::{self, FsCtx, Node},
    path, quota, reach, recycle,
    shown::{DELETED_BY, EXPECTED_COLLECT_TIME, RESTORE_URI},
    trash_pages, tree, tx,
    uri::{FileUri, FsKind, MAX_NAME_BYTES, validate_name},
    walk, watch,
};
use crate::{boolset::fs_cap, ids::IdKind, state::AppState};

/// Default of the group setting `trash_retention` (seconds): one week.
pub const DEFAULT_RETENTION_SECS: i64 = 604_800;
/// Ids per `IN (...)` statement.
const CHUNK: usize = 500;
/// Most `name (n)` candidates tried when restoring onto a taken name.
const MAX_RENAME_ATTEMPTS: u32 = 10_000;

/// How long the group keeps trashed items.
pub fn retention_of(group_settings: &Value) -> i64 {
    group_settings
        .get("trash_retention")
        .and_then(Value::as_i64)
        .filter(|secs| *secs >= 0)
        .unwrap_or(DEFAULT_RETENTION_SECS)
}

/// How `DELETE /file` treats an object.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteOptions {
    /// Delete the records but leave the blobs in storage (implies a permanent delete; the
    /// caller checks the group's advanced-delete bit).
    pub unlink: bool,
    /// Delete permanently instead of moving to the trash.
    pub skip_soft_delete: bool,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// File and folder rows deleted.
    pub rows: u64,
    /// Bytes released from the owner's storage.
    pub bytes: i64,
}

impl Purged {
    /// Adds what another purge (a page of the same tree) removed.
    pub fn add(&mut self, other: &Purged) {
        self.rows += other.rows;
        self.bytes += other.bytes;
    }
}

/// A folder left its owner's tree: a grant on it or inside it no longer opens anything, and
/// the recipients' open event streams check theirs again at once.
fn left_tree(ctx: &FsCtx<'_>, node: &Node) {
    if node.is_folder() || node.grant.is_some() {
        crate::access_watch::notice(
            ctx.state,
            crate::access_watch::Narrowed::Grants(node.file.owner_id),
        );
    }
}

/// True for a user root (and for the trash root, which resolves to it).
fn is_root(file: &file::Model) -> bool {
    file.parent_id.is_none() && file.name.is_empty()
}

/// True for a top-level trashed item.
pub(super) fn is_trashed(file: &file::Model) -> bool {
    file.parent_id.is_none() && !file.name.is_empty() && file.deleted_at.is_none()
}

/// Deletes the object at `uri`: to the trash by default; permanently for items already in
/// the trash, with `skip_soft_delete`, or with `unlink`.
pub async fn delete(ctx: &FsCtx<'_>, uri: &FileUri, opts: DeleteOptions) -> Result<(), FsError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    let node = nav::resolve(ctx, uri).await?;
    if is_root(&node.file) {
        return Err(FsError::RootProtected);
    }
    // A recipient with write access above the item deletes it into its owner's trash.
    if !node.may_change() {
        return Err(FsError::NoPermission("only the owner can delete this"));
    }
    let permanent = uri.fs == FsKind::Trash || opts.skip_soft_delete || opts.unlink;
    // A purge from the trash makes a delete final: it counts as one, and never takes what an
    // open incident of the guard holds.
    let action = if uri.fs == FsKind::Trash {
        watch::refuse_held(&ctx.state.db, node.file.id).await?;
        watch::Action::Purge
    } else {
        watch::Action::Delete
    };
    watch::before_delete(ctx, &node.file, uri, action).await?;
    if permanent {
        node.require(fs_cap::DELETE)?;
        let limit = walk::limit_of(&me.group.settings);
        let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
        let file = reread(&txn, node.file.id).await?;
        // An item in the trash left the tree when it was trashed: its purge announces nothing.
        let mut gone = None;
        if uri.fs == FsKind::My && file.parent_id.is_some() {
            let path = nav::uri_of(&txn, &file).await?;
            check_lock(&txn, &node, &path, ctx.lock_tokens).await?;
            gone = Some(journal::deleted(&file, &path).by(ctx.actor()));
        }
        purge(&txn, &file, opts.unlink, limit).await?;
        if let Some(change) = gone.filter(|_| ctx.journal.writes()) {
            journal::record(&txn, &[change]).await?;
        }
        txn.commit().await?;
        left_tree(ctx, &node);
        Ok(())
    } else {
        node.require(fs_cap::SOFT_DELETE)?;
        soft_delete(ctx, &node, retention_of(&me.group.settings)).await?;
        left_tree(ctx, &node);
        Ok(())
    }
}

/// The row of `id` as it is now, inside the transaction.
async fn reread(txn: &DatabaseTransaction, id: i64) -> Result<file::Model, FsError> {
    file::Entity::find_by_id(id)
        .one(txn)
        .await?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(FsError::NotFound)
}

/// Refuses to change `node` (at `path`, a `my` URI) when a lock held by someone covers it
/// (or, for folders, anything below it) and `tokens` does not name it. The REST API holds
/// no lock tokens.
async fn check_lock(
    txn: &DatabaseTransaction,
    node: &Node,
    path: &FileUri,
    tokens: &[String],
) -> Result<(), FsError> {
    let lock_path =
        LockPath::from_segments(path.segments()).map_err(|e| FsError::Invalid(e.to_string()))?;
    let depth = Depth::of(node.is_folder());
    lock::check(txn, node.file.owner_id, &lock_path, depth, tokens).await?;
    Ok(())
}

/// The name a trashed item is stored under, unique in its owner's trash: its own name (cut to
/// leave room) and a random suffix after a space. The trash lists by the stored name, so sorted
/// by name it is in the order of the names shown (a space sorts before any other character a
/// name may hold, so `a` comes before `a b`).
fn trash_name(name: &str) -> String {
    let suffix = uuid::Uuid::new_v4().to_string();
    let mut keep = MAX_NAME_BYTES
        .saturating_sub(suffix.len() + 1)
        .min(name.len());
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{} {suffix}", &name[..keep])
}

/// Moves `node` (in `my`) to the trash.
async fn soft_delete(ctx: &FsCtx<'_>, node: &Node, retention: i64) -> Result<(), FsError> {
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    // Re-read inside the transaction: a concurrent move may have changed the path.
    let file = reread(&txn, node.file.id).await?;
    if file.parent_id.is_none() {
        return Err(FsError::NotFound);
    }
    let original = nav::uri_of(&txn, &file).await?;
    check_lock(&txn, node, &original, ctx.lock_tokens).await?;
    if ctx.journal.writes() {
        let change = journal::deleted(&file, &original).by(ctx.actor());
        journal::record(&txn, &[change]).await?;
    }
    let file_id = file.id;
    let name = trash_name(&file.name);
    let mut active = file.into_active_model();
    active.parent_id = Set(None);
    active.name = Set(name);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let collect_at = Utc::now().timestamp().saturating_add(retention);
    meta::upsert(&txn, file_id, RESTORE_URI, &original.to_string(), true).await?;
    if let Some(actor) = ctx.actor() {
        let public = ctx.state.ids.encode(actor, IdKind::User);
        meta::upsert(&txn, file_id, DELETED_BY, &public, true).await?;
    }
    meta::upsert(
        &txn,
        file_id,
        EXPECTED_COLLECT_TIME,
        &collect_at.to_string(),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Puts the trashed item at `uri` (`cloudreve://trash/<name>`) back where it was. Returns
/// the URI it was restored to.
pub async fn restore(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<FileUri, FsError> {
    reach::writable(ctx.caller)?;
    let node = nav::resolve(ctx, uri).await?;
    node.require(fs_cap::RESTORE)?;
    if is_root(&node.file) {
        return Err(FsError::RootProtected);
    }
    if !node.owned {
        return Err(FsError::NoPermission("only the owner can restore this"));
    }
    if !is_trashed(&node.file) {
        return Err(FsError::Invalid(
            "only items at the top of the trash can be restored".into(),
        ));
    }
    let owner = node.file.owner_id;
    // Before the transaction: creating a missing root takes its own write transaction.
    let root = path::root(ctx.state, owner).await?;
    let txn = tx::begin(&ctx.state.db, owner).await?;
    let file = reread(&txn, node.file.id).await?;
    if !is_trashed(&file) {
        return Err(FsError::NotFound);
    }
    let original = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file.id))
        .filter(metadata::Column::Name.eq(RESTORE_URI))
        .one(&txn)
        .await?
        .and_then(|m| FileUri::parse(&m.value).ok())
        .filter(|u| u.fs == FsKind::My && !u.is_root())
        .ok_or_else(|| FsError::Invalid("the item has no valid restore location".into()))?;
    let (name, parents) = original
        .segments()
        .split_last()
        .ok_or(FsError::RootProtected)?;

    let mut parent = root;
    let mut parent_uri = FileUri::root(FsKind::My, None);
    let mut changes = Vec::new();
    for segment in parents {
        parent_uri = parent_uri.join(segment)?;
        let made;
        (parent, made) = tree::ensure_folder(&txn, owner, &parent, segment).await?;
        if made {
            changes.push(journal::created(&parent, &parent_uri));
        }
    }
    let free = free_name(&txn, parent.id, name, file.r#type == file::kind::FOLDER).await?;
    let target = parent_uri.join(&free)?;
    check_lock(&txn, &node, &target, ctx.lock_tokens).await?;

    let file_id = file.id;
    let mut active = file.into_active_model();
    active.parent_id = Set(Some(parent.id));
    active.name = Set(free.clone());
    active.updated_at = Set(Utc::now());
    let restored = active
        .update(&txn)
        .await
        .map_err(|e| name_clash(e, &free))?;
    meta::remove(
        &txn,
        file_id,
        &[RESTORE_URI, EXPECTED_COLLECT_TIME, DELETED_BY],
    )
    .await?;
    if ctx.journal.writes() {
        changes.push(journal::created(&restored, &target));
        journal::record(&txn, &changes).await?;
    }
    txn.commit().await?;
    Ok(target)
}

/// `name` when free in `parent_id`, else the first free `stem (n).ext` (folders: `name (n)`).
/// Restores, placed extractions and visitors' drops into upload-only shares all name this way.
pub async fn free_name(
    txn: &impl ConnectionTrait,
    parent_id: i64,
    name: &str,
    folder: bool,
) -> Result<String, FsError> {
    if path::child(txn, parent_id, name).await?.is_none() {
        return Ok(name.to_owned());
    }
    for n in 1..=MAX_RENAME_ATTEMPTS {
        let candidate = numbered(name, n, folder);
        validate_name(&candidate)?;
        if path::child(txn, parent_id, &candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(FsError::Exists(name.to_owned()))
}

/// `report.pdf` → `report (n).pdf`; `.bashrc`, `Makefile` and folders → `name (n)`.
pub fn numbered(name: &str, n: u32, folder: bool) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 && !folder => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

/// Permanently deletes every trashed item of the caller. Returns the items that failed,
/// keyed by their trash URI: those an open incident of the guard holds stay. Each purge is
/// judged by the guard as the delete it makes final: once the caller's credential is stopped
/// (before or along the way) the rest stays and the refusal is the answer.
pub async fn empty(ctx: &FsCtx<'_>) -> Result<Vec<(String, FsError)>, FsError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    let items = file::Entity::find()
        .filter(file::Column::OwnerId.eq(me.user.id))
        .filter(file::Column::ParentId.is_null())
        .filter(file::Column::Name.ne(""))
        .filter(file::Column::DeletedAt.is_null())
        .order_by_asc(file::Column::Id)
        .all(&ctx.state.db)
        .await?;
    let held = watch::held_files(&ctx.state.db).await?;
    let mut failures = Vec::new();
    for item in items {
        let uri = FileUri::root(FsKind::Trash, None).join(&item.name);
        let shown = uri
            .as_ref()
            .map_or_else(|_| item.name.clone(), |u| u.to_string());
        if held.contains(&item.id) {
            failures.push((shown, watch::held()));
            continue;
        }
        if let Ok(uri) = &uri {
            watch::before_delete(ctx, &item, uri, watch::Action::Purge).await?;
        }
        // In pages: a tree of any size, resumed by the next emptying if this one stops.
        if let Err(err) = trash_pages::purge_trashed(ctx.state, item.id).await {
            failures.push((shown, err));
        }
    }
    Ok(failures)
}

/// Permanently deletes `top` and everything below it inside `txn` (the owner's write
/// transaction). With `unlink`, entities left without references are marked
/// `recycle_options = {"unlink_only": true}` so that recycling keeps their blobs.
pub async fn purge(
    txn: &DatabaseTransaction,
    top: &file::Model,
    unlink: bool,
    walk_limit: usize,
) -> Result<Purged, FsError> {
    if is_root(top) {
        return Err(FsError::RootProtected);
    }
    let mut rows = vec![top.clone()];
    if top.r#type == file::kind::FOLDER && !top.is_symbolic {
        // `top` counts towards the limit too.
        let limit = walk_limit.saturating_sub(1);
        rows.extend(walk::descendants_all(txn, top.id, limit).await?);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    purge_rows(txn, top.owner_id, &ids, unlink).await
}

/// Permanently deletes the rows `ids` of `owner_id` (parents before their children; every
/// child of each row is among them or already gone) inside `txn`, the owner's write
/// transaction: links, reference counts and the owner's storage follow.
pub(super) async fn purge_rows(
    txn: &DatabaseTransaction,
    owner_id: i64,
    ids: &[i64],
    unlink: bool,
) -> Result<Purged, FsError> {
    let bytes = quota::charged_bytes(txn, ids).await?;

    // How many deleted files link each entity.
    let mut links: HashMap<i64, i32> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let entity_ids: Vec<i64> = file_entity::Entity::find()
            .select_only()
            .column(file_entity::Column::EntityId)
            .filter(file_entity::Column::FileId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        for entity_id in entity_ids {
            *links.entry(entity_id).or_default() += 1;
        }
        file_entity::Entity::delete_many()
            .filter(file_entity::Column::FileId.is_in(chunk.to_vec()))
            .exec(txn)
            .await?;
    }
    // Children before parents: `files.parent_id` does not cascade.
    let mut deleted = 0;
    for chunk in ids.rchunks(CHUNK) {
        deleted += file::Entity::delete_many()
            .filter(file::Column::Id.is_in(chunk.to_vec()))
            .exec(txn)
            .await?
            .rows_affected;
    }
    release_entities(txn, &links, unlink).await?;
    // Blobs the owner's snapshots still name stay charged once (`quota::held_by_snapshots`).
    let touched: Vec<i64> = links.keys().copied().collect();
    let held = quota::held_by_snapshots(txn, owner_id, &touched).await?;
    quota::release(txn, owner_id, bytes - held).await?;
    Ok(Purged {
        rows: deleted,
        bytes: bytes - held,
    })
}

/// Lowers reference counts (never below 0) and marks the now-stale entities for unlink-only
/// recycling when asked.
pub(crate) async fn release_entities(
    txn: &DatabaseTransaction,
    links: &HashMap<i64, i32>,
    unlink: bool,
) -> Result<(), FsError> {
    let mut by_count: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for (&entity_id, &n) in links {
        by_count.entry(n).or_default().push(entity_id);
    }
    for (n, entity_ids) in by_count {
        for chunk in entity_ids.chunks(CHUNK) {
            recycle::lower_references(txn, chunk.to_vec(), n).await?;
        }
    }
    if unlink {
        let entity_ids: Vec<i64> = links.keys().copied().collect();
        for chunk in entity_ids.chunks(CHUNK) {
            entity::Entity::update_many()
                .col_expr(
                    entity::Column::RecycleOptions,
                    Expr::value(json!({ "unlink_only": true })),
                )
                .filter(entity::Column::Id.is_in(chunk.to_vec()))
                .filter(entity::Column::ReferenceCount.eq(0))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// The retention job (`cron_trash_bin_collect`): permanently deletes every trashed item, of
/// any user, whose `sys:expected_collect_time` has passed, each in its owner's transaction.
/// Returns how many items were purged; items that fail are logged and retried next run.
pub async fn collect_expired(state: &AppState) -> Result<u64, FsError> {
    let now = Utc::now().timestamp();
    let mut purged = 0;
    let mut after = 0i64;
    // What an open incident of the guard names stays until the incident closes.
    let held = watch::held_files(&state.db).await?;
    loop {
        let page = metadata::Entity::find()
            .filter(metadata::Column::Name.eq(EXPECTED_COLLECT_TIME))
            .filter(metadata::Column::Id.gt(after))
            .order_by_asc(metadata::Column::Id)
            .limit(CHUNK as u64)
            .all(&state.db)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        for row in page {
            if !is_due(&row.value, now) || held.contains(&row.file_id) {
                continue;
            }
            match collect_one(state, row.file_id, now).await {
                Ok(true) => purged += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(file_id = row.file_id, error = %err, "trash collection failed");
                }
            }
        }
    }
    Ok(purged)
}

fn is_due(value: &str, now: i64) -> bool {
    value.trim().parse::<i64>().is_ok_and(|at| at <= now)
}

/// Purges one due item, in pages ([`trash_pages`]); `false` when it is no longer trashed or
/// no longer due. An item whose purge stopped midway is still trashed and due: the next run
/// goes on with what is left of it.
async fn collect_one(state: &AppState, file_id: i64, now: i64) -> Result<bool, FsError> {
    let Some(file) = file::Entity::find_by_id(file_id).one(&state.db).await? else {
        return Ok(false);
    };
    let due = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(file_id))
        .filter(metadata::Column::Name.eq(EXPECTED_COLLECT_TIME))
        .one(&state.db)
        .await?
        .is_some_and(|m| is_due(&m.value, now));
    if !is_trashed(&file) || !due {
        return Ok(false);
    }
    // Each page checks again, under the owner's lock, that the item is still in the trash.
    Ok(trash_pages::purge_trashed(state, file_id).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names() {
        assert_eq!(numbered("report.pdf", 1, false), "report (1).pdf");
        assert_eq!(numbered("a.tar.gz", 2, false), "a.tar (2).gz");
        assert_eq!(numbered(".bashrc", 1, false), ".bashrc (1)");
        assert_eq!(numbered("Makefile", 3, false), "Makefile (3)");
        assert_eq!(numbered("my.folder", 1, true), "my.folder (1)");
    }

    #[test]
    fn retention_defaults() {
        assert_eq!(retention_of(&json!({})), DEFAULT_RETENTION_SECS);
        assert_eq!(retention_of(&json!({"trash_retention": 60})), 60);
        assert_eq!(
            retention_of(&json!({"trash_retention": -1})),
            DEFAULT_RETENTION_SECS
        );
    }

    #[test]
    fn due_times() {
        assert!(is_due("100", 100));
        assert!(!is_due("101", 100));
        assert!(!is_due("soon", 100));
    }
}

//! One step of a restore: a batch of snapshot nodes of one level of the tree put into their
//! live folders. Files come back as new rows linking the snapshot's blobs (reference counts
//! raised, the owner charged like a copy, less what the snapshots held of blobs no file
//! linked), in a few statements per batch, never one per file; a replace takes a node's own
//! row out of the trash instead when it lies there.
//! A step is idempotent: a node whose path already holds the same thing is left alone, so a
//! step interrupted and run again neither loses nor doubles a file.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{entity, file, file_entity, metadata, snapshot_node};

use crate::queue::LogLine;

use crate::fs::{
    changes,
    error::FsError,
    journal,
    lock::{self, Depth, LockPath},
    nav::FsCtx,
    quota,
    shown::{EXPECTED_COLLECT_TIME, RESTORE_URI},
    trash, tx,
    uri::FileUri,
};

/// Rows per multi-row `INSERT` (well below SQLite's bound-variable limit).
const INSERT_CHUNK: usize = 300;
/// Values per `IN (...)` list.
const IN_CHUNK: usize = 500;

/// How a restore treats what it finds in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Into a folder of one's own: what is in the way is left alone (and logged).
    Copy,
    /// Make the live folder equal to the snapshot: other content becomes a new version,
    /// another kind of object at the path goes to the trash.
    Replace,
}

/// A node to put in place.
pub struct Item<'a> {
    pub node: &'a snapshot_node::Model,
    /// The live folder it goes into.
    pub parent: i64,
    /// The name it gets there (a copy's top level may be renumbered).
    pub name: String,
    /// Its live URI (`my`), for locks, the trash and the change journal.
    pub path: FileUri,
    /// A node of the restore's top level (in the restored folder itself).
    pub top: bool,
}

/// What a step did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The live folder of each folder node of the step.
    pub folders: HashMap<i64, i64>,
    /// The folders of `folders` this step created (empty until their children come).
    pub created: HashSet<i64>,
    /// Files and folders created or given back their content.
    pub restored: u64,
    /// Log lines: what was skipped and why.
    pub log: Vec<LogLine>,
}

/// Live rows by `(parent, name)`.
type Live = HashMap<(i64, String), file::Model>;
/// A file given the snapshot's content as a new version, with that entity and its path.
type NewVersion<'a> = (file::Model, i64, &'a FileUri);

/// Puts `items` in place for `ctx`'s caller (the owner), charging at most up to `quota_limit`.
/// Folders in `fresh` were made by this run, empty: nothing is looked up in them.
pub async fn apply(
    ctx: &FsCtx<'_>,
    mode: Mode,
    items: &[Item<'_>],
    fresh: &HashSet<i64>,
    quota_limit: i64,
) -> Result<Applied, FsError> {
    let owner = ctx.user()?.user.id;
    let db = &ctx.state.db;
    let mut out = Applied::default();
    let keys: Vec<(i64, String)> = items
        .iter()
        .filter(|i| !fresh.contains(&i.parent))
        .map(|i| (i.parent, i.name.clone()))
        .collect();
    let mut existing = live_children(db, &keys).await?;
    let skip = clear_the_way(ctx, mode, items, &mut existing, &mut out).await?;

    let txn = tx::begin(db, owner).await?;
    let lock_owner = lock::owners_with_locks(&txn, &[owner])
        .await?
        .contains(&owner)
        .then_some(owner);
    let mut changes = Vec::new();
    if mode == Mode::Replace {
        untrash(
            &txn,
            owner,
            items,
            &skip,
            &mut existing,
            &mut changes,
            &mut out,
        )
        .await?;
    }
    let (new_rows, versions) =
        sort_out(&txn, lock_owner, mode, items, &skip, &existing, &mut out).await?;

    insert_rows(&txn, owner, &new_rows).await?;
    let (mut links, meta) = placed(&txn, mode, &new_rows, &mut changes, &mut out).await?;
    for (live, entity_id, _) in &versions {
        let linked = file_entity::Entity::find()
            .filter(file_entity::Column::FileId.eq(live.id))
            .filter(file_entity::Column::EntityId.eq(*entity_id))
            .one(&txn)
            .await?
            .is_some();
        if !linked {
            links.push((live.id, *entity_id));
        }
        out.restored += 1;
    }
    link_entities(&txn, owner, &links, quota_limit).await?;
    // The size follows the new current version, also when that blob was linked already (a
    // version the file kept): read for every one, not only for the links just made.
    let version_ids: Vec<i64> = versions.iter().map(|(_, e, _)| *e).collect();
    let sizes = entity_sizes(&txn, &version_ids).await?;
    for (live, entity_id, path) in versions {
        let Some(&size) = sizes.get(&entity_id) else {
            continue;
        };
        let mut active = live.into_active_model();
        active.primary_entity = Set(Some(entity_id));
        active.size = Set(size);
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        changes.push(journal::modified(&updated, path));
    }
    insert_metadata(&txn, &meta).await?;
    if ctx.journal.writes() {
        journal::record(&txn, &changes).await?;
    }
    txn.commit().await?;
    Ok(out)
}

/// Another kind of object in the way: to the trash in a replace, left alone in a copy. The
/// indexes of the items that cannot be placed (logged in `out`).
async fn clear_the_way(
    ctx: &FsCtx<'_>,
    mode: Mode,
    items: &[Item<'_>],
    existing: &mut Live,
    out: &mut Applied,
) -> Result<HashSet<usize>, FsError> {
    let mut skip: HashSet<usize> = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let Some(live) = existing.get(&(item.parent, item.name.clone())) else {
            continue;
        };
        if live.r#type == item.node.r#type && !live.is_symbolic {
            continue;
        }
        if mode == Mode::Copy {
            out.log
                .push(LogLine::new("restore.inTheWay").arg("path", item.path.to_string()));
            skip.insert(i);
            continue;
        }
        match trash::delete(ctx, &item.path, trash::DeleteOptions::default()).await {
            Ok(()) | Err(FsError::NotFound) => {
                existing.remove(&(item.parent, item.name.clone()));
            }
            Err(FsError::Lock(_)) => {
                out.log
                    .push(LogLine::new("restore.locked").arg("path", item.path.to_string()));
                skip.insert(i);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(skip)
}

/// Replace only: a node whose path is free and whose own row (the file it was taken from) is
/// at the top of the owner's trash takes that row out of the trash to its path (with its
/// versions, metadata and, for a folder, what is below it), instead of a new row beside it.
/// Those rows join `existing`, so what differs from the snapshot is then put right as for
/// any live row.
async fn untrash(
    txn: &impl ConnectionTrait,
    owner: i64,
    items: &[Item<'_>],
    skip: &HashSet<usize>,
    existing: &mut Live,
    changes: &mut Vec<changes::Change>,
    out: &mut Applied,
) -> Result<(), FsError> {
    let wanted: HashMap<i64, &Item<'_>> = items
        .iter()
        .enumerate()
        .filter(|(i, item)| {
            !skip.contains(i) && !existing.contains_key(&(item.parent, item.name.clone()))
        })
        .map(|(_, item)| (item.node.node_id, item))
        .collect();
    let ids: Vec<i64> = wanted.keys().copied().collect();
    for chunk in ids.chunks(IN_CHUNK) {
        let trashed = file::Entity::find()
            .filter(file::Column::Id.is_in(chunk.to_vec()))
            .filter(file::Column::OwnerId.eq(owner))
            .filter(file::Column::ParentId.is_null())
            .filter(file::Column::Name.ne(""))
            .filter(file::Column::DeletedAt.is_null())
            .filter(file::Column::IsSymbolic.eq(false))
            .all(txn)
            .await?;
        for row in trashed {
            let item = wanted[&row.id];
            if row.r#type != item.node.r#type {
                continue;
            }
            let mut active = row.into_active_model();
            active.parent_id = Set(Some(item.parent));
            active.name = Set(item.name.clone());
            active.updated_at = Set(Utc::now());
            let back = active
                .update(txn)
                .await
                .map_err(|e| crate::fs::error::name_clash(e, &item.name))?;
            crate::fs::metadata::remove(txn, back.id, &[RESTORE_URI, EXPECTED_COLLECT_TIME])
                .await?;
            changes.push(journal::created(&back, &item.path));
            out.restored += 1;
            existing.insert((item.parent, item.name.clone()), back);
        }
    }
    Ok(())
}

/// The items that need a new row, and the live files that get the snapshot's content as a
/// new version (a replace only; a copy leaves another file alone, and so does a locked
/// one). Folders already there are noted in `out`. `lock_owner` is the owner when they hold
/// any lock, so paths are checked only then.
async fn sort_out<'a, 'i>(
    txn: &impl ConnectionTrait,
    lock_owner: Option<i64>,
    mode: Mode,
    items: &'a [Item<'i>],
    skip: &HashSet<usize>,
    existing: &Live,
    out: &mut Applied,
) -> Result<(Vec<&'a Item<'i>>, Vec<NewVersion<'a>>), FsError> {
    let mut new_rows = Vec::new();
    let mut versions = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        let Some(live) = existing.get(&(item.parent, item.name.clone())) else {
            new_rows.push(item);
            continue;
        };
        if live.r#type == file::kind::FOLDER {
            out.folders.insert(item.node.node_id, live.id);
            continue;
        }
        match item.node.entity_id {
            Some(entity_id) if live.primary_entity != Some(entity_id) => {
                if mode == Mode::Copy {
                    out.log.push(
                        LogLine::new("restore.fileInTheWay").arg("path", item.path.to_string()),
                    );
                    continue;
                }
                if let Some(owner) = lock_owner
                    && locked(txn, owner, &item.path).await?
                {
                    out.log
                        .push(LogLine::new("restore.locked").arg("path", item.path.to_string()));
                    continue;
                }
                versions.push((live.clone(), entity_id, &item.path));
            }
            _ => {}
        }
    }
    Ok((new_rows, versions))
}

/// The rows just inserted for `new_rows`: their changes announced, folders noted in `out`,
/// and the blobs to link and metadata to copy returned.
async fn placed<'n>(
    txn: &impl ConnectionTrait,
    mode: Mode,
    new_rows: &[&'n Item<'_>],
    changes: &mut Vec<changes::Change>,
    out: &mut Applied,
) -> Result<(Vec<(i64, i64)>, Vec<(i64, &'n snapshot_node::Model)>), FsError> {
    let keys: Vec<(i64, String)> = new_rows
        .iter()
        .map(|i| (i.parent, i.name.clone()))
        .collect();
    let created = live_children(txn, &keys).await?;
    let mut links: Vec<(i64, i64)> = Vec::new();
    let mut meta: Vec<(i64, &snapshot_node::Model)> = Vec::new();
    // A replace announces each change it makes; a copy, only what it adds to the folder
    // restored into (a new folder's content comes with it).
    let announced = |item: &Item<'_>| mode == Mode::Replace || item.top;
    for item in new_rows {
        let row = created
            .get(&(item.parent, item.name.clone()))
            .ok_or(FsError::NotFound)?;
        if announced(item) {
            changes.push(journal::created(row, &item.path));
        }
        if row.r#type == file::kind::FOLDER {
            out.folders.insert(item.node.node_id, row.id);
            out.created.insert(row.id);
        } else if let Some(entity_id) = item.node.entity_id {
            links.push((row.id, entity_id));
        }
        meta.push((row.id, item.node));
        out.restored += 1;
    }
    Ok((links, meta))
}

/// Whether a lock held by anyone covers the file at `path`.
async fn locked(db: &impl ConnectionTrait, owner: i64, path: &FileUri) -> Result<bool, FsError> {
    let lock_path =
        LockPath::from_segments(path.segments()).map_err(|e| FsError::Invalid(e.to_string()))?;
    match lock::check(db, owner, &lock_path, Depth::Zero, &[] as &[String]).await {
        Ok(()) => Ok(false),
        Err(lock::LockError::Conflict(_)) => Ok(true),
        Err(e) => Err(FsError::Lock(e)),
    }
}

/// The live rows at `(parent, name)` places, keyed by them.
pub async fn live_children(
    db: &impl ConnectionTrait,
    keys: &[(i64, String)],
) -> Result<HashMap<(i64, String), file::Model>, FsError> {
    let wanted: HashSet<(i64, &str)> = keys.iter().map(|(p, n)| (*p, n.as_str())).collect();
    let parents: Vec<i64> = wanted
        .iter()
        .map(|(p, _)| *p)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names: Vec<String> = wanted
        .iter()
        .map(|(_, n)| (*n).to_owned())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::new();
    for parents in parents.chunks(IN_CHUNK) {
        for names in names.chunks(IN_CHUNK) {
            let rows = file::Entity::find()
                .filter(file::Column::ParentId.is_in(parents.to_vec()))
                .filter(file::Column::Name.is_in(names.to_vec()))
                .filter(file::Column::DeletedAt.is_null())
                .all(db)
                .await?;
            for row in rows {
                let Some(parent) = row.parent_id else {
                    continue;
                };
                if wanted.contains(&(parent, row.name.as_str())) {
                    out.insert((parent, row.name.clone()), row);
                }
            }
        }
    }
    Ok(out)
}

/// Inserts a row for each item, several per statement; answers them by `(parent, name)`.
async fn insert_rows(
    txn: &impl ConnectionTrait,
    owner: i64,
    items: &[&Item<'_>],
) -> Result<HashMap<(i64, String), file::Model>, FsError> {
    let mut out = HashMap::with_capacity(items.len());
    for chunk in items.chunks(INSERT_CHUNK) {
        let rows: Vec<file::ActiveModel> = chunk
            .iter()
            .map(|item| file::ActiveModel {
                created_at: Set(item.node.created_at),
                updated_at: Set(item.node.updated_at),
                r#type: Set(item.node.r#type),
                name: Set(item.name.clone()),
                owner_id: Set(owner),
                size: Set(item.node.size),
                primary_entity: Set(item.node.entity_id),
                parent_id: Set(Some(item.parent)),
                is_symbolic: Set(false),
                ..Default::default()
            })
            .collect();
        let inserted = file::Entity::insert_many(rows)
            .exec_with_returning(txn)
            .await
            .map_err(|e| crate::fs::error::name_clash(e, &chunk[0].name))?;
        for row in inserted {
            let parent = row.parent_id.unwrap_or_default();
            out.insert((parent, row.name.clone()), row);
        }
    }
    Ok(out)
}

/// Links each `(file, entity)`, raises the entities' reference counts (one statement per
/// distinct increment) and charges the owner for the linked bytes.
async fn link_entities(
    txn: &impl ConnectionTrait,
    owner: i64,
    links: &[(i64, i64)],
    quota_limit: i64,
) -> Result<(), FsError> {
    let mut per_entity: HashMap<i64, i64> = HashMap::new();
    for (_, entity_id) in links {
        *per_entity.entry(*entity_id).or_default() += 1;
    }
    let ids: Vec<i64> = per_entity.keys().copied().collect();
    let sizes = entity_sizes(txn, &ids).await?;
    let bytes: i64 = per_entity
        .iter()
        .map(|(id, n)| sizes.get(id).copied().unwrap_or_default() * n)
        .sum();
    // A blob only the owner's snapshots kept (its files purged) is charged already, once:
    // linked again, it stops being held, so that charge moves to the link instead of being
    // added (`quota::held_by_snapshots`). Read before the links exist.
    let held = quota::held_by_snapshots(txn, owner, &ids).await?;
    quota::charge(txn, owner, bytes - held, quota_limit).await?;
    for chunk in links.chunks(INSERT_CHUNK) {
        let rows: Vec<file_entity::ActiveModel> = chunk
            .iter()
            .filter(|(_, e)| sizes.contains_key(e))
            .map(|(f, e)| file_entity::ActiveModel {
                file_id: Set(*f),
                entity_id: Set(*e),
            })
            .collect();
        if !rows.is_empty() {
            file_entity::Entity::insert_many(rows).exec(txn).await?;
        }
    }
    let mut by_increment: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, n) in per_entity {
        by_increment.entry(n).or_default().push(id);
    }
    for (n, ids) in by_increment {
        for chunk in ids.chunks(IN_CHUNK) {
            entity::Entity::update_many()
                .col_expr(
                    entity::Column::ReferenceCount,
                    Expr::col(entity::Column::ReferenceCount).add(n as i32),
                )
                .filter(entity::Column::Id.is_in(chunk.to_vec()))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// The size of each of `ids` that exists (never below zero).
async fn entity_sizes(
    txn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, i64>, FsError> {
    let mut sizes = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let found: Vec<(i64, i64)> = entity::Entity::find()
            .select_only()
            .column(entity::Column::Id)
            .column(entity::Column::Size)
            .filter(entity::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        for (id, size) in found {
            sizes.insert(id, std::cmp::max(size, 0));
        }
    }
    Ok(sizes)
}

/// The nodes' metadata on their new rows, except `sys:` bookkeeping.
async fn insert_metadata(
    txn: &impl ConnectionTrait,
    rows: &[(i64, &snapshot_node::Model)],
) -> Result<(), FsError> {
    let now = Utc::now();
    let mut all = Vec::new();
    for (file_id, node) in rows {
        for (name, value) in crate::snapshot::browse::shown_metadata(node) {
            all.push(metadata::ActiveModel {
                created_at: Set(now),
                updated_at: Set(now),
                name: Set(name),
                value: Set(value),
                file_id: Set(*file_id),
                is_public: Set(true),
                ..Default::default()
            });
        }
    }
    for chunk in all.chunks(INSERT_CHUNK) {
        metadata::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Replace only: sends the live children of `folder` (at `path`) that the snapshot's
/// folder does not hold (`keep`) to the trash; locked ones stay and are logged.
pub async fn trash_extras(
    ctx: &FsCtx<'_>,
    folder: i64,
    path: &FileUri,
    keep: &HashSet<&str>,
    log: &mut Vec<LogLine>,
) -> Result<(), FsError> {
    let extras = file::Entity::find()
        .filter(file::Column::ParentId.eq(folder))
        .filter(file::Column::DeletedAt.is_null())
        .all(&ctx.state.db)
        .await?
        .into_iter()
        .filter(|f| !keep.contains(f.name.as_str()));
    for extra in extras {
        let uri = path.join(&extra.name)?;
        match trash::delete(ctx, &uri, trash::DeleteOptions::default()).await {
            Ok(()) | Err(FsError::NotFound) => {}
            Err(FsError::Lock(_)) => {
                log.push(LogLine::new("restore.keptLocked").arg("path", uri.to_string()))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

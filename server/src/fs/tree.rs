//! Changing the tree: create, rename, move and copy. Copies link the same entities and raise
//! their reference counts, so copying a huge file costs no bytes of storage I/O; the copy is
//! charged to the owner's quota like any file.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Expr, ExprTrait},
};
use stratus_entity::{entity, file, file_entity, metadata};

use super::{
    depth,
    error::{FsError, name_clash},
    journal::{self, Journal},
    lock::{self, Depth, LockPath},
    nav::{self, FsCtx, Node},
    path, quota, reach, tx,
    uri::{FileUri, FsKind, validate_name},
    walk,
};
use crate::boolset::fs_cap;

/// What `create` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
}

impl Kind {
    fn code(self) -> i16 {
        match self {
            Kind::File => file::kind::FILE,
            Kind::Folder => file::kind::FOLDER,
        }
    }
}

/// Refuses the change when a lock covers `uri` whose token is not in `tokens` (API requests
/// carry no lock tokens; WebDAV clients send theirs with `If:` headers).
pub async fn ensure_unlocked(
    txn: &impl ConnectionTrait,
    owner_id: i64,
    uri: &FileUri,
    recursive: bool,
    tokens: &[String],
) -> Result<(), FsError> {
    let path = LockPath::from_segments(uri.segments()).map_err(|e| FsError::Invalid(e.0))?;
    let depth = Depth::of(recursive);
    lock::check(txn, owner_id, &path, depth, tokens).await?;
    Ok(())
}

/// Inserts a child row.
async fn insert_child(
    txn: &DatabaseTransaction,
    owner_id: i64,
    parent_id: i64,
    name: &str,
    kind: Kind,
) -> Result<file::Model, FsError> {
    let now = Utc::now();
    file::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(kind.code()),
        name: Set(name.to_owned()),
        owner_id: Set(owner_id),
        size: Set(0),
        parent_id: Set(Some(parent_id)),
        is_symbolic: Set(false),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| name_clash(e, name))
}

/// Creates a file or folder at `uri`, creating missing parent folders on the way (as
/// Cloudreve does). An existing folder is returned as is unless `err_on_conflict`; an existing
/// file, or an object of the other kind, is a conflict (40004).
pub async fn create(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    kind: Kind,
    metadata: &[(String, String)],
    err_on_conflict: bool,
) -> Result<Node, FsError> {
    create_with(ctx, uri, kind, metadata, err_on_conflict, None).await
}

/// A 0-byte blob already stored under `key` on policy `policy_id`: the first version of a
/// file made by [`create_empty_file`].
#[derive(Debug, Clone, Copy)]
pub struct EmptyBlob<'a> {
    pub key: &'a str,
    pub policy_id: i64,
}

/// Creates the file at `uri` as [`create`] does, with `blob` as its current version (as
/// Cloudreve, whose new files always have one, so editors can read and save them). A saved
/// share (symbolic) has no content and does not take the blob.
pub async fn create_empty_file(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    metadata: &[(String, String)],
    err_on_conflict: bool,
    blob: EmptyBlob<'_>,
) -> Result<Node, FsError> {
    create_with(ctx, uri, Kind::File, metadata, err_on_conflict, Some(blob)).await
}

/// The owner and name of a new object at `uri`, checked: in the caller's own `my`, or in
/// another owner's folder the caller holds a write grant on (the parent must then exist);
/// not the root; a valid name; by a credential that may write (`reach::writable`).
pub async fn new_place(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<(i64, String), FsError> {
    reach::writable(ctx.caller)?;
    if uri.fs != FsKind::My {
        return Err(FsError::NoPermission(
            "objects can only be created in your own files",
        ));
    }
    let name = uri.name().ok_or(FsError::RootProtected)?.to_owned();
    validate_name(&name)?;
    if let Some(owner) = super::grant::new_place_owner(ctx, uri).await? {
        return Ok((owner, name));
    }
    let owner = nav::owner_of(ctx, uri)?;
    Ok((owner, name))
}

async fn create_with(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    kind: Kind,
    metadata: &[(String, String)],
    err_on_conflict: bool,
    blob: Option<EmptyBlob<'_>>,
) -> Result<Node, FsError> {
    let (owner, name) = new_place(ctx, uri).await?;
    depth::check_new(ctx.state, uri).await?;
    if !metadata.is_empty() {
        super::metadata::Rules::load(ctx.state)
            .await?
            .check_all(metadata)?;
    }
    let symbolic = super::share_tree::check_new_saved(ctx, metadata).await?;
    if symbolic && kind != Kind::File {
        return Err(FsError::Invalid("a saved share is a file".into()));
    }
    let root = path::root(ctx.state, owner).await?;
    let txn = tx::begin(&ctx.state.db, owner).await?;
    ensure_unlocked(&txn, owner, uri, false, ctx.lock_tokens).await?;
    let mut parent = root;
    let mut parent_uri = FileUri::root(FsKind::My, uri.id.clone());
    let mut created = Vec::new();
    for segment in &uri.segments()[..uri.segments().len() - 1] {
        parent_uri = parent_uri.join(segment)?;
        parent = match path::child(&txn, parent.id, segment).await? {
            Some(existing) if existing.r#type == file::kind::FOLDER && !existing.is_symbolic => {
                existing
            }
            Some(_) => return Err(FsError::ParentNotExist),
            None => {
                let folder = insert_child(&txn, owner, parent.id, segment, Kind::Folder).await?;
                created.push(journal::created(&folder, &parent_uri));
                folder
            }
        };
    }
    let file = match path::child(&txn, parent.id, &name).await? {
        Some(existing) => {
            if err_on_conflict || kind == Kind::File || existing.r#type != kind.code() {
                return Err(FsError::Exists(name));
            }
            existing
        }
        None => {
            let mut new = insert_child(&txn, owner, parent.id, &name, kind).await?;
            if symbolic {
                let mut active = new.into_active_model();
                active.is_symbolic = Set(true);
                new = active.update(&txn).await?;
            } else if let Some(blob) = blob.filter(|_| kind == Kind::File) {
                new = link_empty_version(&txn, new, blob).await?;
            }
            if !metadata.is_empty() {
                super::metadata::apply(&txn, new.id, metadata).await?;
            }
            created.push(journal::created(&new, uri));
            new
        }
    };
    if ctx.journal.writes() {
        journal::record(&txn, &created).await?;
    }
    txn.commit().await?;
    if owner != ctx.user()?.user.id {
        // In another owner's tree: what the grants give there.
        return nav::resolve(ctx, uri).await;
    }
    Ok(Node {
        uri: uri.without_query(),
        capability: nav::capability(FsKind::My),
        owned: true,
        grant: None,
        file,
    })
}

/// Makes `blob` the current version of the new, empty `file`.
async fn link_empty_version(
    txn: &DatabaseTransaction,
    file: file::Model,
    blob: EmptyBlob<'_>,
) -> Result<file::Model, FsError> {
    let now = Utc::now();
    let version = entity::ActiveModel {
        created_at: Set(now),
        updated_at: Set(now),
        r#type: Set(entity::kind::VERSION),
        source: Set(blob.key.to_owned()),
        size: Set(0),
        reference_count: Set(1),
        storage_policy_id: Set(blob.policy_id),
        created_by: Set(Some(file.owner_id)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    file_entity::Entity::insert(file_entity::ActiveModel {
        file_id: Set(file.id),
        entity_id: Set(version.id),
    })
    .exec_without_returning(txn)
    .await?;
    let mut active = file.into_active_model();
    active.primary_entity = Set(Some(version.id));
    active.storage_policy_id = Set(Some(blob.policy_id));
    Ok(active.update(txn).await?)
}

/// Renames the object at `uri`.
pub async fn rename(ctx: &FsCtx<'_>, uri: &FileUri, new_name: &str) -> Result<Node, FsError> {
    reach::writable(ctx.caller)?;
    let node = nav::resolve(ctx, uri).await?;
    node.require(fs_cap::RENAME)?;
    let parent_id = node.file.parent_id.ok_or(FsError::RootProtected)?;
    if uri.fs != FsKind::My {
        return Err(FsError::NoPermission("only your own files can be renamed"));
    }
    validate_name(new_name)?;
    let parent_uri = node.uri.parent().ok_or(FsError::RootProtected)?;
    let new_uri = parent_uri.join(new_name)?;
    if new_name == node.file.name {
        return Ok(node);
    }
    super::watch::before_rename(ctx, &node, &new_uri, new_name).await?;
    let max_depth = depth::max_depth(ctx.state).await?;
    let txn = tx::begin(&ctx.state.db, node.file.owner_id).await?;
    ensure_unlocked(
        &txn,
        node.file.owner_id,
        &node.uri,
        node.is_folder(),
        ctx.lock_tokens,
    )
    .await?;
    ensure_unlocked(&txn, node.file.owner_id, &new_uri, false, ctx.lock_tokens).await?;
    if let Some(existing) = path::child(&txn, parent_id, new_name).await?
        && existing.id != node.file.id
    {
        return Err(FsError::Exists(new_name.to_owned()));
    }
    // A longer name lengthens every path below it.
    depth::check_placed(
        &txn,
        max_depth,
        node.file.id,
        &node.uri,
        &parent_uri,
        new_name,
    )
    .await?;
    let mut active = node.file.clone().into_active_model();
    active.name = Set(new_name.to_owned());
    active.updated_at = Set(Utc::now());
    let file = active
        .update(&txn)
        .await
        .map_err(|e| name_clash(e, new_name))?;
    if ctx.journal.writes() {
        let change = journal::renamed(&file, &node.uri, &new_uri).by(ctx.actor());
        journal::record(&txn, &[change]).await?;
    }
    txn.commit().await?;
    Ok(Node {
        uri: new_uri,
        file,
        ..node
    })
}

/// Moves (or copies) `src` into the folder `dst`; answers the row placed there (the copy's
/// new top row for a copy).
pub async fn move_one(
    ctx: &FsCtx<'_>,
    src: &FileUri,
    dst: &Node,
    copy: bool,
) -> Result<file::Model, FsError> {
    let node = nav::resolve(ctx, src).await?;
    let name = node.file.name.clone();
    place(ctx, node, dst, &name, copy).await
}

/// Moves (or copies) `src` into the folder `dst` under the name `name` (WebDAV MOVE and
/// COPY name their destination), in one transaction; answers the row placed there.
pub async fn move_to(
    ctx: &FsCtx<'_>,
    src: &FileUri,
    dst: &Node,
    name: &str,
    copy: bool,
) -> Result<file::Model, FsError> {
    validate_name(name)?;
    let node = nav::resolve(ctx, src).await?;
    if !copy && node.uri.fs == FsKind::My {
        super::watch::before_rename(ctx, &node, &dst.uri.join(name)?, name).await?;
    }
    place(ctx, node, dst, name, copy).await
}

async fn place(
    ctx: &FsCtx<'_>,
    node: Node,
    dst: &Node,
    name: &str,
    copy: bool,
) -> Result<file::Model, FsError> {
    let old_parent = movable(ctx, &node)?;
    let me = ctx.user()?;
    let (src_owner, dst_owner, dst_limit) =
        super::grant::check_place(ctx, &node, dst, copy).await?;
    let max_depth = depth::max_depth(ctx.state).await?;
    // Both owners' trees (one when they are the same), locked in the order of their ids.
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    tx::lock_owners(&txn, &[src_owner, dst_owner]).await?;
    // Re-read inside the transaction: a concurrent move may have changed the tree.
    let file = file::Entity::find_by_id(node.file.id)
        .one(&txn)
        .await?
        .filter(|f| f.deleted_at.is_none() && f.parent_id.is_some())
        .ok_or(FsError::NotFound)?;
    if walk::is_inside(&txn, dst.file.id, file.id).await? {
        return Err(FsError::Invalid(
            "a folder cannot be moved into itself".into(),
        ));
    }
    if !copy && old_parent == dst.file.id && file.name == name {
        return Ok(file);
    }
    depth::check_placed(&txn, max_depth, file.id, &node.uri, &dst.uri, name).await?;
    if path::child(&txn, dst.file.id, name).await?.is_some() {
        return Err(FsError::Exists(name.to_owned()));
    }
    if !copy {
        ensure_unlocked(
            &txn,
            file.owner_id,
            &node.uri,
            node.is_folder(),
            ctx.lock_tokens,
        )
        .await?;
    }
    let to = dst.uri.join(name)?;
    ensure_unlocked(&txn, dst_owner, &to, false, ctx.lock_tokens).await?;
    if copy {
        let limit = walk::limit_of(&me.group.settings);
        let top = file::Model {
            name: name.to_owned(),
            ..file
        };
        let copied = copy_tree(&txn, &top, dst, limit, dst_limit).await?;
        if ctx.journal != Journal::Nothing {
            journal::record(&txn, &[journal::created(&copied, &to)]).await?;
        }
        txn.commit().await?;
        Ok(copied)
    } else {
        let mut active = file.into_active_model();
        active.parent_id = Set(Some(dst.file.id));
        active.name = Set(name.to_owned());
        active.updated_at = Set(ctx.moved_time(&active));
        let moved = active.update(&txn).await.map_err(|e| name_clash(e, name))?;
        let change = match ctx.journal {
            Journal::Changes => Some(journal::renamed(&moved, &node.uri, &to).by(ctx.actor())),
            Journal::Arrivals => Some(journal::created(&moved, &to)),
            Journal::Nothing => None,
        };
        if let Some(change) = change {
            journal::record(&txn, &[change]).await?;
        }
        txn.commit().await?;
        Ok(moved)
    }
}

/// The parent of `node`, which the caller may move or copy: a file of its own tree (not
/// its root) through a credential that may write.
fn movable(ctx: &FsCtx<'_>, node: &Node) -> Result<i64, FsError> {
    reach::writable(ctx.caller)?;
    if node.uri.fs != FsKind::My {
        return Err(FsError::NoPermission("only your own files can be moved"));
    }
    node.file.parent_id.ok_or(FsError::RootProtected)
}

/// Copies `src` (and its subtree) into `dst_parent`: new rows, the same entities with their
/// reference counts raised, public and private metadata copied (except `sys:` bookkeeping).
async fn copy_tree(
    txn: &DatabaseTransaction,
    src: &file::Model,
    dst: &Node,
    limit: usize,
    quota_limit: i64,
) -> Result<file::Model, FsError> {
    let (dst_parent, owner) = (dst.file.id, dst.file.owner_id);
    let mut rows = vec![src.clone()];
    if src.r#type == file::kind::FOLDER {
        rows.extend(walk::descendants_all(txn, src.id, limit).await?);
    }
    let old_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let bytes = quota::charged_bytes(txn, &old_ids).await?;
    quota::charge(txn, owner, bytes, quota_limit).await?;
    let new_id = copy_rows(txn, &rows, src.id, dst_parent, owner).await?;
    share_entities(txn, &old_ids, &new_id).await?;
    copy_metadata(txn, old_ids, &new_id).await?;
    Ok(file::Model {
        id: new_id[&src.id],
        parent_id: Some(dst_parent),
        owner_id: owner,
        ..src.clone()
    })
}

/// Inserts a copy of each row (parents before children, as `rows` lists them) and answers
/// the new id of each old one; `root` goes under `dst_parent`.
async fn copy_rows(
    txn: &DatabaseTransaction,
    rows: &[file::Model],
    root: i64,
    dst_parent: i64,
    owner_id: i64,
) -> Result<HashMap<i64, i64>, FsError> {
    let now = Utc::now();
    let mut new_id: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        let parent = match row.parent_id {
            _ if row.id == root => dst_parent,
            Some(p) => *new_id.get(&p).ok_or(FsError::NotFound)?,
            None => return Err(FsError::NotFound),
        };
        let copied = file::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            r#type: Set(row.r#type),
            name: Set(row.name.clone()),
            owner_id: Set(owner_id),
            size: Set(row.size),
            primary_entity: Set(row.primary_entity),
            parent_id: Set(Some(parent)),
            is_symbolic: Set(row.is_symbolic),
            props: Set(row.props.clone()),
            storage_policy_id: Set(row.storage_policy_id),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| name_clash(e, &row.name))?;
        new_id.insert(row.id, copied.id);
    }
    Ok(new_id)
}

/// Links each copy to the entities (versions) of its original and raises their reference
/// counts; entities of unfinished uploads stay with the original only.
async fn share_entities(
    txn: &DatabaseTransaction,
    old_ids: &[i64],
    new_id: &HashMap<i64, i64>,
) -> Result<(), FsError> {
    let links = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.is_in(old_ids.to_vec()))
        .all(txn)
        .await?;
    let live_entities: std::collections::HashSet<i64> = entity::Entity::find()
        .filter(entity::Column::Id.is_in(links.iter().map(|l| l.entity_id).collect::<Vec<_>>()))
        .filter(entity::Column::UploadSessionId.is_null())
        .all(txn)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let mut raised: HashMap<i64, i32> = HashMap::new();
    let new_links: Vec<file_entity::ActiveModel> = links
        .iter()
        .filter(|l| live_entities.contains(&l.entity_id))
        .map(|l| {
            *raised.entry(l.entity_id).or_default() += 1;
            file_entity::ActiveModel {
                file_id: Set(new_id[&l.file_id]),
                entity_id: Set(l.entity_id),
            }
        })
        .collect();
    for chunk in new_links.chunks(500) {
        file_entity::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for (entity_id, by) in raised {
        entity::Entity::update_many()
            .col_expr(
                entity::Column::ReferenceCount,
                Expr::col(entity::Column::ReferenceCount).add(by),
            )
            .filter(entity::Column::Id.eq(entity_id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Copies the metadata of the originals to their copies, except `sys:` bookkeeping.
async fn copy_metadata(
    txn: &DatabaseTransaction,
    old_ids: Vec<i64>,
    new_id: &HashMap<i64, i64>,
) -> Result<(), FsError> {
    let meta = metadata::Entity::find()
        .filter(metadata::Column::FileId.is_in(old_ids))
        .filter(metadata::Column::Name.not_like("sys:%"))
        .all(txn)
        .await?;
    let now = Utc::now();
    let new_meta: Vec<metadata::ActiveModel> = meta
        .iter()
        .map(|m| metadata::ActiveModel {
            created_at: Set(now),
            updated_at: Set(now),
            name: Set(m.name.clone()),
            value: Set(m.value.clone()),
            file_id: Set(new_id[&m.file_id]),
            is_public: Set(m.is_public),
            ..Default::default()
        })
        .collect();
    for chunk in new_meta.chunks(200) {
        metadata::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The folder `name` in `parent`, created when missing (then with `true`). Another object of
/// that name (a file, or a symbolic entry) blocks the way: [`FsError::Exists`]. Uploads make
/// the folders on their way with it, and so does a restore from the trash.
pub async fn ensure_folder(
    txn: &DatabaseTransaction,
    owner_id: i64,
    parent: &file::Model,
    name: &str,
) -> Result<(file::Model, bool), FsError> {
    match path::child(txn, parent.id, name).await? {
        Some(existing) if existing.r#type == file::kind::FOLDER && !existing.is_symbolic => {
            Ok((existing, false))
        }
        Some(_) => Err(FsError::Exists(name.to_owned())),
        None => insert_child(txn, owner_id, parent.id, name, Kind::Folder)
            .await
            .map(|folder| (folder, true)),
    }
}

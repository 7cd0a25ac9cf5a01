//! Grants: an owner's folder or file shared with one user or one group, `read` or `write`,
//! without a link (table `file_grants`). A recipient addresses the owner's tree as
//! `cloudreve://<owner id>@my/<path>`; [`super::nav`] resolves such a path and asks
//! [`on_chain`] (one statement over the path's rows, which the walk already read) whether a
//! grant on the path or an ancestor lets the caller in, and with what. Without one the path
//! answers what a missing file answers.
//!
//! What a grant allows is said once, as capability bits ([`capability`]): read lists,
//! previews, downloads and copies out; write also creates, uploads, renames, moves and deletes
//! inside, but never the granted item itself (renaming, moving or deleting that needs write
//! on a folder above it). Nothing reached through a grant may be shared on or restored.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use stratus_entity::{file, file_grant, lock as lock_row, user};

use super::{
    chain,
    error::FsError,
    lock::{self, LockOwner, LockPath},
    nav::{self, FsCtx, Node},
    path,
    sql::Sql,
    uri::{FileUri, FsKind},
};
use crate::{
    boolset::{Boolset, fs_cap},
    caller::SignedIn,
    ids::IdKind,
    state::AppState,
};

/// What a grant gives; `Write` includes `Read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => file_grant::access::READ,
            Access::Write => file_grant::access::WRITE,
        }
    }

    /// A stored value; anything else grants nothing.
    pub fn parse(s: &str) -> Option<Access> {
        match s {
            file_grant::access::READ => Some(Access::Read),
            file_grant::access::WRITE => Some(Access::Write),
            _ => None,
        }
    }
}

/// What the caller may do at one path of another owner's tree, from the grants on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Granted {
    /// The strongest grant on the path's item or any folder above it: what the caller may do
    /// inside.
    pub here: Access,
    /// The strongest grant on a folder strictly above the item: `Some(Write)` lets the caller
    /// rename, move and delete the item itself.
    pub above: Option<Access>,
    /// The outermost granted item on the path (the top of what the caller sees).
    pub top_id: i64,
}

impl Granted {
    /// Whether the caller may change the item itself (rename, move, delete it).
    pub fn may_change_item(&self) -> bool {
        self.above == Some(Access::Write)
    }
}

/// The object at `uri` in `owner_id`'s tree (not the caller's), with its path's rows (the
/// owner's root first), when a grant on the path or an ancestor reaches the caller: one
/// statement walks the path, one reads the grants on it. Without a grant the answer is
/// [`FsError::NotFound`], exactly what a missing path answers.
pub async fn resolve(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    owner_id: i64,
) -> Result<(Node, Vec<file::Model>), FsError> {
    let me = ctx.user()?;
    let db = &ctx.state.db;
    let rows = path::chain(db, owner_id, uri.segments()).await?;
    if rows.len() != uri.segments().len() + 1 {
        return Err(FsError::NotFound);
    }
    let granted = on_chain(db, me, owner_id, &rows)
        .await?
        .ok_or(FsError::NotFound)?;
    let file = rows.last().cloned().ok_or(FsError::NotFound)?;
    Ok((
        Node {
            uri: uri.without_query(),
            file,
            capability: capability(&granted),
            owned: false,
            grant: Some(granted),
        },
        rows,
    ))
}

/// Capabilities of a path reached through a grant.
pub fn capability(granted: &Granted) -> Boolset {
    let mut flags = vec![
        fs_cap::DOWNLOAD,
        fs_cap::LIST_CHILDREN,
        fs_cap::GENERATE_THUMB,
        fs_cap::INFO,
        fs_cap::VERSION_CONTROL,
        fs_cap::ENTER_FOLDER,
    ];
    if granted.here == Access::Write {
        flags.extend([
            fs_cap::CREATE,
            fs_cap::UPLOAD,
            fs_cap::UPDATE_METADATA,
            fs_cap::LOCK,
        ]);
    }
    if granted.may_change_item() {
        flags.extend([fs_cap::RENAME, fs_cap::SOFT_DELETE, fs_cap::DELETE]);
    }
    Boolset::from_flags(&flags)
}

/// The grants that reach `me` at the path `chain` (the owner's root first, the item last) of
/// `owner_id`'s tree, in one statement; `None` when none does.
pub async fn on_chain(
    db: &impl ConnectionTrait,
    me: &SignedIn,
    owner_id: i64,
    chain: &[file::Model],
) -> Result<Option<Granted>, FsError> {
    let Some(item) = chain.last() else {
        return Ok(None);
    };
    let ids: Vec<i64> = chain.iter().map(|f| f.id).collect();
    let rows = reaching(db, (me.user.id, me.user.group_id), owner_id, &ids).await?;
    Ok(along(&ids, item.id, &rows))
}

/// What `grants` (all reaching the caller, of the path's owner) give at the path `ids`
/// (the owner's root first, `item` last); `None` when none is on the path.
pub fn along(ids: &[i64], item: i64, grants: &[file_grant::Model]) -> Option<Granted> {
    let mut found: Option<Granted> = None;
    // Walk from the root down: the first grant met is the top of what the caller sees.
    for &id in ids {
        for grant in grants.iter().filter(|g| g.file_id == id) {
            let Some(access) = Access::parse(&grant.access) else {
                continue;
            };
            let g = found.get_or_insert(Granted {
                here: access,
                above: None,
                top_id: id,
            });
            g.here = g.here.max(access);
            if id != item {
                g.above = Some(g.above.map_or(access, |a| a.max(access)));
            }
        }
    }
    found
}

/// Every grant other owners gave `me` (directly or through the group), in one statement.
pub async fn received_grants(
    db: &impl ConnectionTrait,
    me: &SignedIn,
) -> Result<Vec<file_grant::Model>, FsError> {
    Ok(file_grant::Entity::find()
        .filter(file_grant::Column::OwnerId.ne(me.user.id))
        .filter(
            Condition::any()
                .add(file_grant::Column::UserId.eq(me.user.id))
                .add(file_grant::Column::GroupId.eq(me.user.group_id)),
        )
        .all(db)
        .await?)
}

/// What the caller may do at each of `ids`, children of a folder of `owner_id`'s tree that
/// the caller reaches with `folder`: the folder's grant, raised where a child carries a
/// stronger grant of its own. One statement when the folder is only read (the owner's write
/// grants to the caller, few whatever the page, matched to the page in memory: a list of the
/// page's ids would cost the database more than the rows it finds), none when it is written
/// (nothing is stronger).
pub async fn of_children(
    db: &impl ConnectionTrait,
    me: &SignedIn,
    owner_id: i64,
    folder: &Granted,
    ids: &[i64],
) -> Result<HashMap<i64, Granted>, FsError> {
    let writes: HashSet<i64> = match folder.here {
        Access::Write => HashSet::new(),
        Access::Read if ids.is_empty() => HashSet::new(),
        Access::Read => file_grant::Entity::find()
            .select_only()
            .column(file_grant::Column::FileId)
            .filter(file_grant::Column::OwnerId.eq(owner_id))
            .filter(file_grant::Column::Access.eq(file_grant::access::WRITE))
            .filter(
                Condition::any()
                    .add(file_grant::Column::UserId.eq(me.user.id))
                    .add(file_grant::Column::GroupId.eq(me.user.group_id)),
            )
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect(),
    };
    Ok(ids
        .iter()
        .map(|&id| {
            let here = match writes.contains(&id) {
                true => Access::Write,
                false => folder.here,
            };
            let granted = Granted {
                here,
                above: Some(folder.here),
                top_id: folder.top_id,
            };
            (id, granted)
        })
        .collect())
}

/// Whether any grant of `owner_id` on one of `file_ids` (an item and the folders above it)
/// reaches `me`.
pub async fn reaches(
    db: &impl ConnectionTrait,
    me: &SignedIn,
    owner_id: i64,
    file_ids: &[i64],
) -> Result<bool, FsError> {
    Ok(
        !reaching(db, (me.user.id, me.user.group_id), owner_id, file_ids)
            .await?
            .is_empty(),
    )
}

/// The grants of `owner_id` on any of `file_ids` to a user or that user's group
/// (`recipient`: the user's id and group id).
async fn reaching(
    db: &impl ConnectionTrait,
    recipient: (i64, i64),
    owner_id: i64,
    file_ids: &[i64],
) -> Result<Vec<file_grant::Model>, FsError> {
    Ok(file_grant::Entity::find()
        .filter(file_grant::Column::OwnerId.eq(owner_id))
        .filter(
            Condition::any()
                .add(file_grant::Column::UserId.eq(recipient.0))
                .add(file_grant::Column::GroupId.eq(recipient.1)),
        )
        .filter(file_grant::Column::FileId.is_in(file_ids.iter().copied()))
        .all(db)
        .await?)
}

/// The filter of the grants `me` received (directly or through the group), as SQL on the
/// `file_grants` columns.
pub(crate) fn push_received(sql: &mut Sql, user_id: i64, group_id: i64) {
    sql.push("(file_grants.user_id = ")
        .bind(user_id)
        .push(" OR file_grants.group_id = ")
        .bind(group_id)
        .push(")");
}

/// Every item other owners granted the caller (directly or through the group) that still
/// hangs in its owner's tree, with the URI the caller opens it by and the strongest grant on
/// it, in the order of their ids: one statement, and one more for their paths when there are
/// any.
pub async fn received(ctx: &FsCtx<'_>) -> Result<Vec<(file::Model, FileUri, Access)>, FsError> {
    let me = ctx.user()?;
    let db = &ctx.state.db;
    let mut sql = Sql::new(db.get_database_backend());
    // `write` sorts after `read`: the largest is the strongest.
    sql.push(
        "SELECT files.*, (SELECT MAX(file_grants.access) FROM file_grants \
         WHERE file_grants.file_id = files.id AND ",
    );
    push_received(&mut sql, me.user.id, me.user.group_id);
    sql.push(
        ") AS granted_access FROM files WHERE deleted_at IS NULL AND id IN \
         (SELECT file_grants.file_id FROM file_grants WHERE ",
    );
    push_received(&mut sql, me.user.id, me.user.group_id);
    sql.push(" AND file_grants.owner_id <> ")
        .bind(me.user.id)
        .push(") ORDER BY id");
    let mut rows = Vec::new();
    for row in db.query_all_raw(sql.statement()).await? {
        let access = row.try_get::<Option<String>>("", "granted_access")?;
        let access = access.as_deref().and_then(Access::parse);
        rows.push((file::Model::from_query_result(&row, "")?, access));
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let files: Vec<file::Model> = rows.iter().map(|(f, _)| f.clone()).collect();
    let mut uris = received_uris(ctx, &files).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, access)| {
            let uri = uris.remove(&row.id)?;
            Some((row, uri, access?))
        })
        .collect())
}

/// Releases the locks recipients took on `path` of `owner_id`'s tree (an item whose grants
/// were just removed or lowered) or below it, where no write grant reaches them any more: a
/// lock is part of the write access it was taken with. The owner's own locks stay. Returns
/// how many went.
pub async fn release_locks(
    state: &AppState,
    owner_id: i64,
    path: &FileUri,
) -> Result<u64, FsError> {
    let db = &state.db;
    let top = LockPath::from_segments(path.segments()).map_err(|e| FsError::Invalid(e.0))?;
    let rows = lock_row::Entity::find()
        .filter(lock_row::Column::OwnerId.eq(owner_id))
        .filter(lock_row::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await?;
    let mut gone = Vec::new();
    for row in rows {
        let Some((holder, at)) = held(&row) else {
            continue;
        };
        if at != top && !top.is_ancestor_of(&at) {
            continue;
        }
        let holder = state.ids.decode(&holder, IdKind::User).ok();
        let still = match writer(db, holder).await? {
            Some(user) => grant_writes(db, &user, owner_id, &at).await?,
            None => false,
        };
        if !still {
            gone.push(row.token);
        }
    }
    Ok(lock::force_release(db, owner_id, &gone).await?)
}

/// Releases the locks `holder_id` holds in other owners' trees where it may no longer write:
/// once the account was banned, moved to another group or deleted (then all of them, without
/// asking the grants). Its own locks stay (a deleted account's go with its rows).
pub async fn release_held_by(state: &AppState, holder_id: i64) -> Result<u64, FsError> {
    let db = &state.db;
    let holder = state.ids.encode(holder_id, IdKind::User);
    if holder.is_empty() {
        return Ok(0);
    }
    // The hash id is alphanumeric, so the text match narrows safely; `held` decides.
    let rows = lock_row::Entity::find()
        .filter(lock_row::Column::OwnerId.ne(holder_id))
        .filter(lock_row::Column::ExpiresAt.gt(Utc::now()))
        .filter(lock_row::Column::OwnerInfo.contains(&holder))
        .all(db)
        .await?;
    let user = writer(db, Some(holder_id)).await?;
    let mut gone: HashMap<i64, Vec<String>> = HashMap::new();
    for row in rows {
        let Some((_, at)) = held(&row).filter(|(by, _)| *by == holder) else {
            continue;
        };
        let still = match &user {
            Some(user) => grant_writes(db, user, row.owner_id, &at).await?,
            None => false,
        };
        if !still {
            gone.entry(row.owner_id).or_default().push(row.token);
        }
    }
    let mut released = 0;
    for (owner_id, tokens) in gone {
        released += lock::force_release(db, owner_id, &tokens).await?;
    }
    Ok(released)
}

/// A recipient's lock: the hash id of the user who took it and its path; `None` for the
/// owner's own locks, which name no holder.
fn held(row: &lock_row::Model) -> Option<(String, LockPath)> {
    let holder = LockOwner::parse(row.owner_info.as_deref()).holder?;
    let (_, at) = LockPath::from_key(&row.uri)?;
    Some((holder, at))
}

/// The account `holder` when it may write at all: it exists and is not banned (a banned
/// account writes nowhere, whatever it was granted).
async fn writer(
    db: &impl ConnectionTrait,
    holder: Option<i64>,
) -> Result<Option<user::Model>, FsError> {
    let Some(holder) = holder else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(holder)
        .one(db)
        .await?
        .filter(|u| u.status == user::status::ACTIVE))
}

/// Whether a write grant of `owner_id` on `at` (or the nearest row above it that exists, for
/// a lock on a path not created yet) or a folder above reaches `user`.
async fn grant_writes(
    db: &impl ConnectionTrait,
    user: &user::Model,
    owner_id: i64,
    at: &LockPath,
) -> Result<bool, FsError> {
    let segments: Vec<String> = at.segments().map(str::to_owned).collect();
    let rows = path::chain(db, owner_id, &segments).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let grants = reaching(db, (user.id, user.group_id), owner_id, &ids).await?;
    Ok(grants
        .iter()
        .any(|g| Access::parse(&g.access) == Some(Access::Write)))
}

/// Of `rows` (a page of `shared_with_me`), the items granted to the caller by other owners
/// that still hang in their owner's tree, each with the URI the caller opens it by
/// (`cloudreve://<owner id>@my/<path>`): one statement for the whole page. A granted item in
/// its owner's trash is left out, as are the caller's own rows.
pub async fn received_uris(
    ctx: &FsCtx<'_>,
    rows: &[file::Model],
) -> Result<HashMap<i64, FileUri>, FsError> {
    let me = ctx.user()?;
    let granted: Vec<&file::Model> = rows.iter().filter(|r| r.owner_id != me.user.id).collect();
    let ids: Vec<i64> = granted.iter().map(|r| r.id).collect();
    let mut chains = chain::chains(&ctx.state.db, &ids).await?;
    let mut out = HashMap::with_capacity(granted.len());
    for row in granted {
        let Some(links) = chains.remove(&row.id) else {
            continue;
        };
        let up = links.get(1..).unwrap_or_default();
        if !chain::in_tree_along(row, up, chain::MAX_DEPTH as usize) {
            continue;
        }
        let Ok(own) = chain::uri_along(row, up) else {
            continue;
        };
        if own.fs != FsKind::My {
            continue;
        }
        let owner = ctx.state.ids.encode(row.owner_id, IdKind::User);
        let mut uri = FileUri::root(FsKind::My, Some(owner));
        for name in own.segments() {
            uri = uri.join(name)?;
        }
        out.insert(row.id, uri);
    }
    Ok(out)
}

/// What a content URL handed out through a grant is bound to (in its signed `share` field):
/// `g.<recipient id>.<file id>`, public hash ids. A share's hash id never holds a `.`.
pub fn binding(state: &AppState, recipient: i64, file_id: i64) -> String {
    format!(
        "g.{}.{}",
        state.ids.encode(recipient, IdKind::User),
        state.ids.encode(file_id, IdKind::File)
    )
}

/// Whether `bound` is a [`binding`] (not a share's hash id).
pub fn is_binding(bound: &str) -> bool {
    bound.starts_with("g.")
}

/// Checked by the content route on every request of a URL handed out through a grant, as a
/// share's URL is: the recipient may still act, the file still hangs in its owner's tree and
/// a grant on it or above it still reaches the recipient. A grant taken back, the folder
/// trashed or the recipient banned or deleted stops the URL at once.
pub async fn still_reaches(state: &AppState, bound: &str) -> Result<(), FsError> {
    let mut parts = bound.split('.').skip(1);
    let (Some(user), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(FsError::NotFound);
    };
    let decode = |s: &str, kind| state.ids.decode(s, kind).map_err(|_| FsError::NotFound);
    let (user_id, file_id) = (decode(user, IdKind::User)?, decode(file, IdKind::File)?);
    let db = &state.db;
    let user = stratus_entity::user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.deleted_at.is_none() && crate::caller::ensure_can_sign_in(u).is_ok())
        .ok_or(FsError::NotFound)?;
    let up = chain::chain(db, file_id).await?;
    let Some(owner) = file::Entity::find_by_id(file_id)
        .one(db)
        .await?
        .map(|f| f.owner_id)
    else {
        return Err(FsError::NotFound);
    };
    if up.iter().any(|l| l.gone) || !chain::reaches_root(&up) {
        return Err(FsError::NotFound);
    }
    let ids: Vec<i64> = up.iter().map(|l| l.id).collect();
    match reaching(db, (user.id, user.group_id), owner, &ids)
        .await?
        .is_empty()
    {
        true => Err(FsError::NotFound),
        false => Ok(()),
    }
}

/// The owner of a new object at `uri` when `uri` is in another owner's tree: the parent must
/// exist and the caller hold a write grant there. What a recipient adds belongs to, and is
/// charged to, the owner. `None` for the caller's own tree.
pub(super) async fn new_place_owner(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
) -> Result<Option<i64>, FsError> {
    if nav::foreign_owner(ctx, uri)?.is_none() {
        return Ok(None);
    }
    let parent = nav::resolve_parent(ctx, uri).await?;
    parent.require(fs_cap::CREATE)?;
    Ok(Some(parent.file.owner_id))
}

/// Whether `node` may be moved (or copied, `copy`) into the folder `dst`, either of which
/// may be another owner's reached through a grant: the owners of the source and of the
/// destination, and the storage limit of the destination's owner, who is charged for a copy.
pub(super) async fn check_place(
    ctx: &FsCtx<'_>,
    node: &Node,
    dst: &Node,
    copy: bool,
) -> Result<(i64, i64, i64), FsError> {
    let me = ctx.user()?;
    // Into another owner's folder only with a write grant there; out of one, a move needs
    // write above the item, a copy reading it.
    if !dst.owned {
        dst.require(fs_cap::CREATE)?;
    }
    if !copy && !node.may_change() {
        return Err(FsError::NoPermission("only the owner can move this"));
    }
    if copy {
        node.require(fs_cap::DOWNLOAD)?;
    }
    let (src_owner, dst_owner) = (node.file.owner_id, dst.file.owner_id);
    if !copy && src_owner != dst_owner {
        return Err(FsError::NoPermission(
            "files move within one drive only: copy them instead",
        ));
    }
    // A copy belongs to, and is charged to, the owner of the folder it lands in.
    let dst_limit = match dst_owner == me.user.id {
        true => me.group.max_storage,
        false => super::quota::limit_of(&ctx.state.db, dst_owner).await?,
    };
    Ok((src_owner, dst_owner, dst_limit))
}

//! Sharing with people: an owner grants one user or one group `read` or `write` access to a
//! folder or a file of their drive, without a link (`PUT` / `GET /file/permission`, Stratus
//! extensions). What a grant lets a recipient do is the file system's business
//! (`fs::grant`); here are who may give grants, to whom, and the changes themselves.
//!
//! Only the owner changes a file's grants (a recipient cannot share on), and only when the
//! owner's group may share with people (group permission `SHARE_PEOPLE`). A user may share
//! with the groups they belong to, an administrator with any group but the guests'. Each
//! change is one transaction; narrowing access (a grant removed or lowered to `read`) is
//! announced to what holds access open (`access_watch`), so a recipient's open event
//! streams end at once, and the locks recipients took below the item without write access
//! left are released.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use stratus_entity::{file_grant, group, user};

use super::error::ShareError;
use crate::{
    access_watch::{self, Narrowed},
    boolset::group_perm,
    caller::ANONYMOUS_GROUP,
    fs::{
        grant::{self, Access},
        nav::{self, FsCtx, Node},
        reach,
        uri::{FileUri, FsKind},
    },
    ids::IdKind,
};

/// Most entries one change may carry.
pub const MAX_ENTRIES: usize = 100;

/// One grant with its recipient, as the owner sees it.
#[derive(Debug, Clone)]
pub struct GrantView {
    pub grant: file_grant::Model,
    pub access: Access,
    /// The recipient user (for a grant to a user).
    pub user: Option<user::Model>,
    /// The recipient group (for a grant to a group).
    pub group: Option<group::Model>,
}

/// A change of one recipient: the access to give, `None` to take the grant away.
pub type Change = Option<Access>;

/// The object at `uri`, checked to be the caller's own and grantable.
async fn owned_node(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Node, ShareError> {
    if uri.fs != FsKind::My {
        return Err(ShareError::NotShareable(
            "only your own files can be shared with people",
        ));
    }
    let node = nav::resolve(ctx, uri).await?;
    if !node.owned {
        return Err(ShareError::NotShareable("only the owner can share this"));
    }
    reach::check(ctx.caller, &node.uri)?;
    if node.file.parent_id.is_none() {
        return Err(ShareError::Root);
    }
    if node.file.is_symbolic {
        return Err(ShareError::Invalid(
            "a saved share cannot be shared again".into(),
        ));
    }
    Ok(node)
}

/// The grants of the caller's object at `uri`, users first, then groups, oldest first.
pub async fn list(ctx: &FsCtx<'_>, uri: &FileUri) -> Result<Vec<GrantView>, ShareError> {
    let node = owned_node(ctx, uri).await?;
    views_of(ctx, node.file.id).await
}

/// What [`set`] answers: the grants as they are after, and, when people were to be mailed,
/// whether the mails went out (false: the site has no mail server set up).
pub struct SetOutcome {
    pub grants: Vec<GrantView>,
    pub mailed: Option<bool>,
}

/// Applies `users` and `groups` (keyed by public hash id) to the grants of the caller's
/// object at `uri`, all or nothing, and answers the grants as they are after.
pub async fn set(
    ctx: &FsCtx<'_>,
    uri: &FileUri,
    users: &BTreeMap<String, Change>,
    groups: &BTreeMap<String, Change>,
    notify: bool,
) -> Result<SetOutcome, ShareError> {
    let me = ctx.user()?;
    reach::writable(ctx.caller)?;
    if !me.permissions().enabled(group_perm::SHARE_PEOPLE) {
        return Err(ShareError::GroupNotAllowed);
    }
    if users.len() + groups.len() > MAX_ENTRIES {
        return Err(ShareError::Invalid(format!(
            "at most {MAX_ENTRIES} people and groups at once"
        )));
    }
    let node = owned_node(ctx, uri).await?;
    let user_changes = user_changes(ctx, users).await?;
    let group_changes = group_changes(ctx, groups).await?;
    let applied = apply(ctx, &node, &user_changes, &group_changes).await?;
    if applied.narrowed {
        // A lock a recipient took goes with the write access it was taken with, so it no
        // longer stands in the owner's way.
        if let Err(e) = grant::release_locks(ctx.state, node.file.owner_id, &node.uri).await {
            tracing::warn!(error = %e, "locks of a narrowed grant were not released");
        }
        access_watch::notice(ctx.state, Narrowed::Grants(node.file.owner_id));
    }
    let mailed = if notify && !applied.new_users.is_empty() {
        Some(super::people_mail::tell(ctx.state, me, &node.file.name, applied.new_users).await)
    } else {
        None
    };
    let grants = views_of(ctx, node.file.id).await?;
    Ok(SetOutcome { grants, mailed })
}

/// `users` decoded: each live account (not the caller) with its change.
async fn user_changes(
    ctx: &FsCtx<'_>,
    users: &BTreeMap<String, Change>,
) -> Result<Vec<(i64, Change)>, ShareError> {
    let me = ctx.user()?;
    let (db, ids) = (&ctx.state.db, &ctx.state.ids);
    let mut user_changes = Vec::with_capacity(users.len());
    for (hash, change) in users {
        let id = ids
            .decode(hash, IdKind::User)
            .map_err(|_| ShareError::Invalid(format!("users: {hash} is not a user")))?;
        if id == me.user.id {
            return Err(ShareError::Invalid(
                "users: you cannot share with yourself".into(),
            ));
        }
        if change.is_some() {
            // Only live accounts receive grants; removing one is always possible.
            user::Entity::find_by_id(id)
                .filter(user::Column::DeletedAt.is_null())
                .one(db)
                .await?
                .ok_or_else(|| ShareError::Invalid(format!("users: {hash} is not a user")))?;
        }
        user_changes.push((id, *change));
    }
    Ok(user_changes)
}

/// `groups` decoded: each live group the caller may share with, with its change.
async fn group_changes(
    ctx: &FsCtx<'_>,
    groups: &BTreeMap<String, Change>,
) -> Result<Vec<(i64, Change)>, ShareError> {
    let me = ctx.user()?;
    let (db, ids) = (&ctx.state.db, &ctx.state.ids);
    let mut group_changes = Vec::with_capacity(groups.len());
    for (hash, change) in groups {
        let id = ids
            .decode(hash, IdKind::Group)
            .map_err(|_| ShareError::Invalid(format!("groups: {hash} is not a group")))?;
        if change.is_some() {
            if id == ANONYMOUS_GROUP {
                return Err(ShareError::Invalid(
                    "groups: not with guests; use a share link".into(),
                ));
            }
            if id != me.user.group_id && !me.is_admin() {
                return Err(ShareError::NotShareable(
                    "you can share only with groups you belong to",
                ));
            }
            group::Entity::find_by_id(id)
                .filter(group::Column::DeletedAt.is_null())
                .one(db)
                .await?
                .ok_or_else(|| ShareError::Invalid(format!("groups: {hash} is not a group")))?;
        }
        group_changes.push((id, *change));
    }

    Ok(group_changes)
}

/// What [`apply`] changed.
struct Applied {
    /// A grant was removed or lowered to read.
    narrowed: bool,
    /// Users who had no grant of the item and have one now, with what it gives.
    new_users: Vec<(i64, Access)>,
}

/// Applies the changes to `node`'s grants in one transaction.
async fn apply(
    ctx: &FsCtx<'_>,
    node: &Node,
    user_changes: &[(i64, Change)],
    group_changes: &[(i64, Change)],
) -> Result<Applied, ShareError> {
    let db = &ctx.state.db;
    // The write lock up front: a read that later writes fails at once on SQLite when another
    // connection wrote in between.
    let txn = crate::db::begin_write(db).await?;
    let existing = file_grant::Entity::find()
        .filter(file_grant::Column::FileId.eq(node.file.id))
        .all(&txn)
        .await?;
    let mut narrowed = false;
    let mut new_users = Vec::new();
    let now = Utc::now();
    let targets = user_changes
        .iter()
        .map(|&(id, c)| (Some(id), None, c))
        .chain(group_changes.iter().map(|&(id, c)| (None, Some(id), c)));
    for (user_id, group_id, change) in targets {
        let current = existing.iter().find(|g| match (user_id, group_id) {
            (Some(u), _) => g.user_id == Some(u),
            (_, Some(gr)) => g.group_id == Some(gr),
            _ => false,
        });
        match (current, change) {
            (None, None) => {}
            (Some(row), None) => {
                file_grant::Entity::delete_by_id(row.id).exec(&txn).await?;
                narrowed = true;
            }
            (Some(row), Some(access)) => {
                if Access::parse(&row.access) != Some(access) {
                    narrowed |= access == Access::Read;
                    let mut active = row.clone().into_active_model();
                    active.access = Set(access.as_str().to_owned());
                    active.updated_at = Set(now);
                    active.update(&txn).await?;
                }
            }
            (None, Some(access)) => {
                file_grant::ActiveModel {
                    created_at: Set(now),
                    updated_at: Set(now),
                    owner_id: Set(node.file.owner_id),
                    file_id: Set(node.file.id),
                    user_id: Set(user_id),
                    group_id: Set(group_id),
                    access: Set(access.as_str().to_owned()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                new_users.extend(user_id.map(|u| (u, access)));
            }
        }
    }
    txn.commit().await?;
    Ok(Applied {
        narrowed,
        new_users,
    })
}

/// The grants of `file_id` with their recipients: three statements, however many.
async fn views_of(ctx: &FsCtx<'_>, file_id: i64) -> Result<Vec<GrantView>, ShareError> {
    let db = &ctx.state.db;
    let rows = file_grant::Entity::find()
        .filter(file_grant::Column::FileId.eq(file_id))
        .order_by_asc(file_grant::Column::Id)
        .all(db)
        .await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|g| g.user_id).collect();
    let group_ids: Vec<i64> = rows.iter().filter_map(|g| g.group_id).collect();
    let users = match user_ids.is_empty() {
        true => Vec::new(),
        false => {
            user::Entity::find()
                .filter(user::Column::Id.is_in(user_ids))
                .all(db)
                .await?
        }
    };
    let groups = match group_ids.is_empty() {
        true => Vec::new(),
        false => {
            group::Entity::find()
                .filter(group::Column::Id.is_in(group_ids))
                .all(db)
                .await?
        }
    };
    let mut out: Vec<GrantView> = rows
        .into_iter()
        .filter_map(|grant| {
            let access = Access::parse(&grant.access)?;
            Some(GrantView {
                user: grant
                    .user_id
                    .and_then(|id| users.iter().find(|u| u.id == id).cloned()),
                group: grant
                    .group_id
                    .and_then(|id| groups.iter().find(|g| g.id == id).cloned()),
                access,
                grant,
            })
        })
        .collect();
    out.sort_by_key(|v| (v.grant.user_id.is_none(), v.grant.id));
    Ok(out)
}

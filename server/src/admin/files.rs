//! Files and folders of every user: list, read (with metadata, blobs, direct links and
//! shares), rename, give to another user, a signed content URL, and permanent deletes.
//!
//! Giving a file or folder to another user moves it, with everything below it, to the top of
//! that user's drive, in one transaction holding both owners: the storage it is charged for
//! moves from one account to the other, and locks on it are dropped. Share links made by the
//! old owner stop working (a share needs its owner to own the file).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use stratus_entity::{
    direct_link, entity, file, file_entity, group, lock, metadata, share, storage_policy, user,
};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::{
    db,
    fs::{
        error::{FsError, name_clash},
        journal, nav, path, quota, trash, tx, uri, walk,
    },
    state::AppState,
};

/// Columns a file list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &[
    "name",
    "size",
    "type",
    "owner_id",
    "created_at",
    "updated_at",
];
/// Ids per `IN (...)` statement.
const CHUNK: usize = 500;

/// A file with its owner and storage policy.
#[derive(Debug, Clone)]
pub struct FileView {
    pub file: file::Model,
    pub owner: Option<user::Model>,
    pub policy: Option<storage_policy::Model>,
}

/// A file with everything attached to it.
#[derive(Debug, Clone)]
pub struct FileDetail {
    pub view: FileView,
    pub metadata: Vec<metadata::Model>,
    pub entities: Vec<entity::Model>,
    pub direct_links: Vec<direct_link::Model>,
    pub shares: Vec<share::Model>,
}

/// What `PUT /admin/file/:id` changes.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub name: String,
    pub owner_id: i64,
}

/// One page of files and folders of every user. Conditions: `file_name` (contains, also a
/// search), `file_user` (owner id), `file_policy` (storage policy id), `file_metadata` (has
/// metadata of this name), `file_shared` / `file_direct_link` (`true`/`1`: has a live share /
/// a direct link).
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<FileView>, AdminError> {
    q.allow(
        &[
            "file_name",
            "file_user",
            "file_policy",
            "file_metadata",
            "file_shared",
            "file_direct_link",
        ],
        &["file_name"],
    )?;
    let mut filter = Condition::all();
    if let Some(name) = q.text("file_name") {
        filter = filter.add(list::contains::<file::Entity>(file::Column::Name, name));
    }
    if let Some(owner) = q.int("file_user")? {
        filter = filter.add(file::Column::OwnerId.eq(owner));
    }
    if let Some(policy) = q.int("file_policy")? {
        filter = filter.add(file::Column::StoragePolicyId.eq(policy));
    }
    if let Some(name) = q.text("file_metadata") {
        filter = filter.add(
            file::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(metadata::Column::FileId)
                    .from(metadata::Entity)
                    .and_where(metadata::Column::Name.eq(name))
                    .to_owned(),
            ),
        );
    }
    if q.text("file_shared").is_some_and(is_true) {
        filter = filter.add(
            file::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(share::Column::FileId)
                    .from(share::Entity)
                    .and_where(share::Column::DeletedAt.is_null())
                    .to_owned(),
            ),
        );
    }
    if q.text("file_direct_link").is_some_and(is_true) {
        filter = filter.add(
            file::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(direct_link::Column::FileId)
                    .from(direct_link::Entity)
                    .and_where(direct_link::Column::DeletedAt.is_null())
                    .to_owned(),
            ),
        );
    }
    let page = list::fetch(&state.db, file::Entity::find().filter(filter), q, SORTABLE).await?;
    let views = attach(state, page.rows).await?;
    Ok(Page {
        rows: views,
        total: page.total,
    })
}

/// How Cloudreve's console sends a ticked condition.
fn is_true(value: &str) -> bool {
    matches!(value.trim(), "true" | "1")
}

/// The owners and policies of `rows`, read in two statements.
async fn attach(state: &AppState, rows: Vec<file::Model>) -> Result<Vec<FileView>, AdminError> {
    let mut owner_ids: Vec<i64> = rows.iter().map(|f| f.owner_id).collect();
    owner_ids.sort_unstable();
    owner_ids.dedup();
    let owners = user::Entity::find()
        .filter(user::Column::Id.is_in(owner_ids))
        .all(&state.db)
        .await?;
    let policies = storage_policy::Entity::find().all(&state.db).await?;
    Ok(rows
        .into_iter()
        .map(|f| FileView {
            owner: owners.iter().find(|u| u.id == f.owner_id).cloned(),
            policy: policies
                .iter()
                .find(|p| Some(p.id) == f.storage_policy_id)
                .cloned(),
            file: f,
        })
        .collect())
}

/// File `id` with its metadata, blobs, direct links and shares.
pub async fn get(state: &AppState, id: i64) -> Result<FileDetail, AdminError> {
    let row = find(state, id).await?;
    let view = attach(state, vec![row]).await?.remove(0);
    let metadata = metadata::Entity::find()
        .filter(metadata::Column::FileId.eq(id))
        .order_by_asc(metadata::Column::Id)
        .all(&state.db)
        .await?;
    let entity_ids: Vec<i64> = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|l| l.entity_id)
        .collect();
    let entities = entity::Entity::find()
        .filter(entity::Column::Id.is_in(entity_ids))
        .order_by_asc(entity::Column::Id)
        .all(&state.db)
        .await?;
    let direct_links = direct_link::Entity::find()
        .filter(direct_link::Column::FileId.eq(id))
        .order_by_asc(direct_link::Column::Id)
        .all(&state.db)
        .await?;
    let shares = share::Entity::find()
        .filter(share::Column::FileId.eq(id))
        .order_by_asc(share::Column::Id)
        .all(&state.db)
        .await?;
    Ok(FileDetail {
        view,
        metadata,
        entities,
        direct_links,
        shares,
    })
}

/// Renames file `id` and/or gives it to another user.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    change: FileChange,
) -> Result<FileDetail, AdminError> {
    let before = find(state, id).await?;
    if is_root(&before) {
        return Err(AdminError::invalid(
            "a user's root folder cannot be renamed or given away",
        ));
    }
    let name = change.name.trim().to_owned();
    uri::validate_name(&name).map_err(|e| AdminError::invalid(format!("name: {e}")))?;
    if change.owner_id == before.owner_id {
        rename(state, &before, &name).await?;
    } else {
        give(state, &before, &name, change.owner_id).await?;
    }
    let after = find(state, id).await?;
    audit::record_update(state, actor, "file", id, &before, &after).await;
    get(state, id).await
}

async fn rename(state: &AppState, file: &file::Model, name: &str) -> Result<(), AdminError> {
    if file.name == name {
        return Ok(());
    }
    let txn = tx::begin(&state.db, file.owner_id).await?;
    let current = reread(&txn, file.id).await?;
    let from = nav::uri_of(&txn, &current).await?;
    let mut row = current.into_active_model();
    row.name = Set(name.to_owned());
    row.updated_at = Set(Utc::now());
    let renamed = row.update(&txn).await.map_err(|e| name_clash(e, name))?;
    // Trashed items are nobody's to follow.
    if from.fs == uri::FsKind::My
        && let Some(to) = from
            .parent()
            .map(|p| p.join(name))
            .transpose()
            .map_err(FsError::from)?
    {
        journal::record(&txn, &[journal::renamed(&renamed, &from, &to)]).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Moves `file` and its subtree to the top of `new_owner`'s drive under `name`.
async fn give(
    state: &AppState,
    file: &file::Model,
    name: &str,
    new_owner: i64,
) -> Result<(), AdminError> {
    if file.parent_id.is_none() {
        return Err(AdminError::invalid(
            "an item in the trash cannot be given away: restore it first",
        ));
    }
    let owner = user::Entity::find_by_id(new_owner)
        .one(&state.db)
        .await?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AdminError::UserNotFound)?;
    let limit = group::Entity::find_by_id(owner.group_id)
        .one(&state.db)
        .await?
        .map_or(walk::DEFAULT_WALK_LIMIT, |g| walk::limit_of(&g.settings));
    let root = path::root(state, new_owner).await?;
    let txn = db::begin_write(&state.db).await?;
    // Both owners' trees change: lock them in id order, as every writer does.
    let (first, second) = if file.owner_id < new_owner {
        (file.owner_id, new_owner)
    } else {
        (new_owner, file.owner_id)
    };
    tx::lock_owner(&txn, first).await?;
    tx::lock_owner(&txn, second).await?;
    let current = reread(&txn, file.id).await?;
    let from = nav::uri_of(&txn, &current).await?;
    let mut ids = vec![current.id];
    if current.r#type == file::kind::FOLDER && !current.is_symbolic {
        let below = walk::descendants_all(&txn, current.id, limit.saturating_sub(1)).await?;
        ids.extend(below.iter().map(|f| f.id));
    }
    let bytes = quota::charged_bytes(&txn, &ids).await?;
    // Blobs the snapshots of either owner name: the old owner's keep them charged once their
    // links go; the new owner's stop holding them once linked (`quota::held_by_snapshots`).
    let blobs = quota::entities_of(&txn, &ids).await?;
    let held_by_new = quota::held_by_snapshots(&txn, new_owner, &blobs).await?;
    let now = Utc::now();
    for chunk in ids.chunks(CHUNK) {
        file::Entity::update_many()
            .col_expr(file::Column::OwnerId, Expr::value(new_owner))
            .col_expr(file::Column::UpdatedAt, Expr::value(now))
            .filter(file::Column::Id.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
        lock::Entity::delete_many()
            .filter(lock::Column::FileId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    let mut row = reread(&txn, file.id).await?.into_active_model();
    row.parent_id = Set(Some(root.id));
    row.name = Set(name.to_owned());
    let given = row.update(&txn).await.map_err(|e| name_clash(e, name))?;
    // Gone from one drive, new in the other.
    let to = uri::FileUri::root(uri::FsKind::My, None)
        .join(name)
        .map_err(FsError::from)?;
    journal::record(
        &txn,
        &[
            journal::deleted(&current, &from),
            journal::created(&given, &to),
        ],
    )
    .await?;
    let held_by_old = quota::held_by_snapshots(&txn, file.owner_id, &blobs).await?;
    quota::release(&txn, file.owner_id, bytes - held_by_old).await?;
    // An administrator's decision: the new owner is charged even past the group's quota.
    quota::charge(&txn, new_owner, bytes - held_by_new, i64::MAX).await?;
    txn.commit().await?;
    Ok(())
}

/// A signed URL of file `id`'s current content, valid for `entity_url_default_ttl`.
pub async fn url(state: &AppState, id: i64, base: &str) -> Result<String, AdminError> {
    let row = find(state, id).await?;
    if row.r#type == file::kind::FOLDER {
        return Err(AdminError::invalid("a folder has no content to download"));
    }
    let blob = match row.primary_entity {
        Some(e) => Some(
            entity::Entity::find_by_id(e)
                .one(&state.db)
                .await?
                .ok_or(AdminError::EntityNotFound)?,
        ),
        None => None,
    };
    super::entities::signed_url(state, blob.as_ref(), &row.name, base).await
}

/// Permanently deletes each file or folder of `ids` (with everything below a folder); their
/// blobs lose a reference and are recycled when none is left.
pub async fn delete_many(state: &AppState, actor: &Actor, ids: &[i64]) -> Result<(), AdminError> {
    if ids.is_empty() {
        return Err(AdminError::invalid("ids: nothing to delete"));
    }
    let mut failures = Vec::new();
    for &id in ids {
        match delete_one(state, id).await {
            Ok(row) => {
                audit::record(
                    state,
                    actor,
                    "file",
                    Some(id),
                    "delete",
                    serde_json::json!({ "name": row.name, "owner_id": row.owner_id }),
                )
                .await
            }
            Err(err) => failures.push((id.to_string(), err)),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(AdminError::Batch(failures))
    }
}

async fn delete_one(state: &AppState, id: i64) -> Result<file::Model, AdminError> {
    let row = find(state, id).await?;
    if is_root(&row) {
        return Err(AdminError::invalid(
            "a user's root folder cannot be deleted",
        ));
    }
    let limit = match user::Entity::find_by_id(row.owner_id)
        .one(&state.db)
        .await?
    {
        Some(owner) => group::Entity::find_by_id(owner.group_id)
            .one(&state.db)
            .await?
            .map_or(walk::DEFAULT_WALK_LIMIT, |g| walk::limit_of(&g.settings)),
        None => walk::DEFAULT_WALK_LIMIT,
    };
    let txn = tx::begin(&state.db, row.owner_id).await?;
    let current = reread(&txn, id).await?;
    let path = nav::uri_of(&txn, &current).await?;
    trash::purge(&txn, &current, false, limit).await?;
    if path.fs == uri::FsKind::My {
        journal::record(&txn, &[journal::deleted(&current, &path)]).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// File `id`.
pub async fn find(state: &AppState, id: i64) -> Result<file::Model, AdminError> {
    file::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::FileNotFound)
}

async fn reread(txn: &impl sea_orm::ConnectionTrait, id: i64) -> Result<file::Model, AdminError> {
    file::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AdminError::FileNotFound)
}

fn is_root(f: &file::Model) -> bool {
    f.parent_id.is_none() && f.name.is_empty()
}

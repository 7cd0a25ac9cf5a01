//! Entities (blobs) of every user: list, read (with the files linking them), a signed content
//! URL, and deletes. An entity still linked to files is deleted only with `force`, which
//! unlinks it from each file first (a file whose current version it was falls back to its
//! newest other version, or becomes empty) and gives the owners back its size.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, sea_query::Expr,
};
use stratus_entity::{entity, file, file_entity, storage_policy, user};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::{
    db,
    download::link::{self, UrlOptions},
    fs::{quota, recycle, tx},
    state::AppState,
};

/// Columns an entity list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &[
    "size",
    "type",
    "reference_count",
    "storage_policy_id",
    "created_at",
    "updated_at",
];

/// An entity with its uploader and storage policy.
#[derive(Debug, Clone)]
pub struct EntityView {
    pub entity: entity::Model,
    pub user: Option<user::Model>,
    pub policy: Option<storage_policy::Model>,
    /// The files linking it, when asked for.
    pub files: Option<Vec<file::Model>>,
}

/// One page of entities. Conditions: `entity_user` (uploader id), `entity_policy`,
/// `entity_type` (0 version, 1 thumbnail, 2 live photo).
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<EntityView>, AdminError> {
    q.allow(&["entity_user", "entity_policy", "entity_type"], &[])?;
    let mut filter = Condition::all();
    if let Some(u) = q.int("entity_user")? {
        filter = filter.add(entity::Column::CreatedBy.eq(u));
    }
    if let Some(p) = q.int("entity_policy")? {
        filter = filter.add(entity::Column::StoragePolicyId.eq(p));
    }
    if let Some(t) = q.int("entity_type")? {
        filter = filter.add(entity::Column::Type.eq(t));
    }
    let page = list::fetch(
        &state.db,
        entity::Entity::find().filter(filter),
        q,
        SORTABLE,
    )
    .await?;
    let mut user_ids: Vec<i64> = page.rows.iter().filter_map(|e| e.created_by).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(&state.db)
        .await?;
    let policies = storage_policy::Entity::find().all(&state.db).await?;
    Ok(page.map(|e| EntityView {
        user: users.iter().find(|u| Some(u.id) == e.created_by).cloned(),
        policy: policies
            .iter()
            .find(|p| p.id == e.storage_policy_id)
            .cloned(),
        entity: e,
        files: None,
    }))
}

/// Entity `id` with its uploader, policy and the files linking it.
pub async fn get(state: &AppState, id: i64) -> Result<EntityView, AdminError> {
    let row = find(state, id).await?;
    let user = match row.created_by {
        Some(u) => user::Entity::find_by_id(u).one(&state.db).await?,
        None => None,
    };
    let policy = storage_policy::Entity::find_by_id(row.storage_policy_id)
        .one(&state.db)
        .await?;
    let files = linked_files(state, id).await?;
    Ok(EntityView {
        entity: row,
        user,
        policy,
        files: Some(files),
    })
}

async fn linked_files(state: &AppState, id: i64) -> Result<Vec<file::Model>, AdminError> {
    let ids: Vec<i64> = file_entity::Entity::find()
        .filter(file_entity::Column::EntityId.eq(id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|l| l.file_id)
        .collect();
    Ok(file::Entity::find()
        .filter(file::Column::Id.is_in(ids))
        .order_by_asc(file::Column::Id)
        .all(&state.db)
        .await?)
}

/// A signed URL of entity `id`'s bytes, named after a file linking it.
pub async fn url(state: &AppState, id: i64, base: &str) -> Result<String, AdminError> {
    let row = find(state, id).await?;
    let name = match linked_files(state, id).await?.first() {
        Some(f) => f.name.clone(),
        None => row
            .source
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("blob")
            .to_owned(),
    };
    signed_url(state, Some(&row), &name, base).await
}

/// A content URL of `blob` (none: an empty file) served as `name`, signed with the site key
/// for `entity_url_default_ttl` seconds, without a speed limit.
pub async fn signed_url(
    state: &AppState,
    blob: Option<&entity::Model>,
    name: &str,
    base: &str,
) -> Result<String, AdminError> {
    let key = state.settings.get("secret_key").await?;
    let ttl = state
        .settings
        .int("entity_url_default_ttl", 3600)
        .await?
        .max(1);
    let expires = Utc::now().timestamp() + ttl;
    let hashid = link::entity_hashid(&state.ids, blob);
    Ok(link::content_url(
        base,
        key.as_bytes(),
        &hashid,
        0,
        name,
        expires,
        UrlOptions::default(),
    ))
}

/// Deletes each entity of `ids` and its blob. One still linked to files or being uploaded
/// is refused unless `force`.
pub async fn delete_many(
    state: &AppState,
    actor: &Actor,
    ids: &[i64],
    force: bool,
) -> Result<(), AdminError> {
    if ids.is_empty() {
        return Err(AdminError::invalid("ids: nothing to delete"));
    }
    let mut failures = Vec::new();
    for &id in ids {
        match delete_one(state, id, force).await {
            Ok(row) => {
                audit::record(
                    state,
                    actor,
                    "entity",
                    Some(id),
                    "delete",
                    serde_json::json!({
                        "source": row.source, "size": row.size,
                        "storage_policy_id": row.storage_policy_id, "force": force,
                    }),
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

async fn delete_one(state: &AppState, id: i64, force: bool) -> Result<entity::Model, AdminError> {
    let row = find(state, id).await?;
    let files = linked_files(state, id).await?;
    if !force {
        if !files.is_empty() {
            return Err(AdminError::EntityInUse(id, files.len() as u64));
        }
        if row.upload_session_id.is_some() {
            return Err(AdminError::invalid(format!(
                "entity {id} is being uploaded; delete with force to cancel it"
            )));
        }
    }
    let txn = db::begin_write(&state.db).await?;
    let mut owners: Vec<i64> = files.iter().map(|f| f.owner_id).collect();
    owners.sort_unstable();
    owners.dedup();
    for owner in &owners {
        tx::lock_owner(&txn, *owner).await?;
    }
    for f in &files {
        file_entity::Entity::delete_many()
            .filter(file_entity::Column::FileId.eq(f.id))
            .filter(file_entity::Column::EntityId.eq(id))
            .exec(&txn)
            .await?;
        quota::release(&txn, f.owner_id, row.size).await?;
        let current = file::Entity::find_by_id(f.id).one(&txn).await?;
        if let Some(current) = current.filter(|c| c.primary_entity == Some(id)) {
            let fallback = newest_version(&txn, f.id).await?;
            let mut active = current.into_active_model();
            active.size = Set(fallback.as_ref().map_or(0, |e| e.size));
            active.primary_entity = Set(fallback.map(|e| e.id));
            active.updated_at = Set(Utc::now());
            active.update(&txn).await?;
        }
    }
    entity::Entity::update_many()
        .col_expr(entity::Column::ReferenceCount, Expr::value(0))
        .col_expr(entity::Column::UploadSessionId, Expr::value(None::<String>))
        .col_expr(entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let stale = find(state, id).await?;
    if !recycle::collect_now(state, &stale).await? {
        return Err(AdminError::Storage(format!(
            "entity {id} was linked again meanwhile; it was not deleted"
        )));
    }
    Ok(row)
}

/// The newest version blob still linked to file `file_id`.
async fn newest_version(
    txn: &impl sea_orm::ConnectionTrait,
    file_id: i64,
) -> Result<Option<entity::Model>, AdminError> {
    let ids: Vec<i64> = file_entity::Entity::find()
        .filter(file_entity::Column::FileId.eq(file_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|l| l.entity_id)
        .collect();
    Ok(entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids))
        .filter(entity::Column::Type.eq(entity::kind::VERSION))
        .order_by_desc(entity::Column::Id)
        .one(txn)
        .await?)
}

/// Entity `id`.
pub async fn find(state: &AppState, id: i64) -> Result<entity::Model, AdminError> {
    entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::EntityNotFound)
}

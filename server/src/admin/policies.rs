//! Storage policies: list, read (with how many blobs it holds and their size), create, edit,
//! delete. A create or an edit is checked ([`policy_check::check`]) and tested against the
//! storage ([`policy_check::probe`]) before it is saved. The secret key is write-only: it is
//! never read back, and an edit without one keeps the stored key.
//!
//! Policy 1 (the default) cannot be deleted, nor a policy that still holds blobs or that a
//! group uploads to. An `s3` bucket can be given a CORS rule allowing the site's origins.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;
use stratus_entity::{entity, group, storage_policy};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
    policy_check,
};
use crate::{fs::sql::Sql, state::AppState};

/// The policy created at first start.
pub const DEFAULT_POLICY: i64 = 1;
/// Columns a policy list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["name", "type", "max_size", "created_at", "updated_at"];

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub name: String,
    pub r#type: String,
    pub server: String,
    pub bucket_name: String,
    pub is_private: bool,
    pub access_key: String,
    /// `None` or empty: keep the stored key (required for a new `s3` policy).
    pub secret_key: Option<String>,
    pub max_size: i64,
    pub dir_name_rule: String,
    pub file_name_rule: String,
    pub settings: Value,
    pub node_id: Option<i64>,
}

/// A policy and what it holds.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub policy: storage_policy::Model,
    /// Blobs stored with the policy, when asked for.
    pub usage: Option<(u64, i64)>,
}

/// One page of policies. Condition: `policy_type`.
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<PolicyView>, AdminError> {
    q.allow(&["policy_type"], &[])?;
    let mut filter = Condition::all().add(storage_policy::Column::DeletedAt.is_null());
    if let Some(t) = q.text("policy_type") {
        filter = filter.add(storage_policy::Column::Type.eq(t));
    }
    let select = storage_policy::Entity::find().filter(filter);
    let page = list::fetch(&state.db, select, q, SORTABLE).await?;
    Ok(page.map(|policy| PolicyView {
        policy,
        usage: None,
    }))
}

/// Policy `id` with the number and size of its blobs.
pub async fn get(state: &AppState, id: i64) -> Result<PolicyView, AdminError> {
    let policy = find(state, id).await?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push(
        "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM entities \
         WHERE storage_policy_id = ",
    )
    .bind(id);
    let usage = match state.db.query_one_raw(sql.statement()).await? {
        Some(row) => (
            row.try_get_by_index::<i64>(0)?.max(0) as u64,
            row.try_get_by_index::<i64>(1)?,
        ),
        None => (0, 0),
    };
    Ok(PolicyView {
        policy,
        usage: Some(usage),
    })
}

/// Checks, tests and saves a new policy.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: PolicyInput,
) -> Result<PolicyView, AdminError> {
    let row = apply(blank(), input);
    let stored = insert_tested(state, row).await?;
    audit::record(
        state,
        actor,
        "policy",
        Some(stored.id),
        "create",
        audit::masked(&audit::row_json(&stored)),
    )
    .await;
    get(state, stored.id).await
}

/// Checks, tests and stores `row` as a new policy (also the `add-s3-policy` command's way).
pub async fn insert_tested(
    state: &AppState,
    row: storage_policy::Model,
) -> Result<storage_policy::Model, AdminError> {
    policy_check::check(&row)?;
    policy_check::probe(state, &row).await?;
    Ok(storage_policy::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&state.db)
    .await?)
}

/// Checks, tests and saves a change of policy `id`.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: PolicyInput,
) -> Result<PolicyView, AdminError> {
    let before = find(state, id).await?;
    if input.r#type != before.r#type {
        return Err(AdminError::invalid(
            "type: the type of a policy cannot change (its blobs are where the old type put them)",
        ));
    }
    let mut row = apply(before.clone(), input);
    row.updated_at = Utc::now();
    policy_check::check(&row)?;
    policy_check::probe(state, &row).await?;
    let after = row
        .into_active_model()
        .reset_all()
        .update(&state.db)
        .await?;
    state.storage.invalidate(id).await;
    audit::record_update(state, actor, "policy", id, &before, &after).await;
    get(state, id).await
}

/// Deletes policy `id`.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let row = find(state, id).await?;
    if id == DEFAULT_POLICY {
        return Err(AdminError::DefaultPolicy);
    }
    let blobs = entity::Entity::find()
        .filter(entity::Column::StoragePolicyId.eq(id))
        .count(&state.db)
        .await?;
    if blobs > 0 {
        return Err(AdminError::PolicyHasFiles(blobs));
    }
    let groups = group::Entity::find()
        .filter(group::Column::StoragePolicyId.eq(id))
        .all(&state.db)
        .await?;
    if !groups.is_empty() {
        let names: Vec<String> = groups
            .iter()
            .map(|g| format!("{} ({})", g.id, g.name))
            .collect();
        return Err(AdminError::PolicyInGroups(names.join(", ")));
    }
    storage_policy::Entity::delete_by_id(id)
        .exec(&state.db)
        .await?;
    state.storage.invalidate(id).await;
    audit::record(
        state,
        actor,
        "policy",
        Some(id),
        "delete",
        audit::masked(&audit::row_json(&row)),
    )
    .await;
    Ok(())
}

/// Puts a CORS rule on the bucket of an `s3` policy (the stored policy `id` with the changes
/// of `input`, or a new one) allowing the origins of the `siteURL` setting.
pub async fn put_cors(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    input: PolicyInput,
) -> Result<Vec<String>, AdminError> {
    let base = match id.filter(|id| *id > 0) {
        Some(id) => find(state, id).await?,
        None => blank(),
    };
    let row = apply(base, input);
    if !matches!(
        row.r#type.as_str(),
        storage_policy::kind::S3 | storage_policy::kind::OSS
    ) {
        return Err(AdminError::Unsupported(format!(
            "type: only s3 and oss buckets take a CORS rule, not {:?}",
            row.r#type
        )));
    }
    let config = crate::storage::S3Config::from_policy(&row)
        .map_err(|e| AdminError::invalid(e.to_string()))?;
    let mut origins: Vec<String> = Vec::new();
    for site in super::summary::site_urls(state).await? {
        let origin = url::Url::parse(&site)
            .map(|u| u.origin().ascii_serialization())
            .map_err(|e| AdminError::invalid(format!("siteURL: {site:?}: {e}")))?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    crate::storage::s3::cors::allow_origins(&config, &origins)
        .await
        .map_err(|e| AdminError::Cors(e.to_string()))?;
    audit::record(
        state,
        actor,
        "policy",
        id.filter(|id| *id > 0),
        "cors",
        serde_json::json!({ "bucket": row.bucket_name, "origins": origins }),
    )
    .await;
    Ok(origins)
}

/// The live policy `id`.
pub async fn find(state: &AppState, id: i64) -> Result<storage_policy::Model, AdminError> {
    storage_policy::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(AdminError::PolicyNotFound)
}

/// A policy row with nothing set yet.
pub(super) fn blank() -> storage_policy::Model {
    let now = Utc::now();
    storage_policy::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        name: String::new(),
        r#type: String::new(),
        server: String::new(),
        bucket_name: String::new(),
        is_private: true,
        access_key: String::new(),
        secret_key: String::new(),
        max_size: 0,
        dir_name_rule: String::new(),
        file_name_rule: String::new(),
        settings: Value::Null,
        node_id: None,
    }
}

/// `row` with the fields of `input`; an empty secret keeps the stored one.
fn apply(mut row: storage_policy::Model, input: PolicyInput) -> storage_policy::Model {
    row.name = input.name.trim().to_owned();
    row.r#type = input.r#type.trim().to_owned();
    row.server = input.server.trim().to_owned();
    row.bucket_name = input.bucket_name.trim().to_owned();
    row.is_private = input.is_private;
    row.access_key = input.access_key.trim().to_owned();
    if let Some(secret) = input.secret_key.filter(|s| !s.is_empty()) {
        row.secret_key = secret;
    }
    row.max_size = input.max_size;
    row.dir_name_rule = input.dir_name_rule;
    row.file_name_rule = input.file_name_rule;
    row.settings = if input.settings.is_null() {
        Value::Object(Default::default())
    } else {
        input.settings
    };
    row.node_id = input.node_id.or(row.node_id);
    row
}

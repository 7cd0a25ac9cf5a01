//! Nodes (spec §9.1, §14): the master's own row (made at first start) and the slave nodes
//! `remote` storage policies keep their blobs on. List, read, create, edit, delete (not the
//! master, nor a node a policy uses) and the node test (spec §9.4): the master asks the node,
//! signed with its key, to ping the master back. A slave is tested before it is saved. The
//! node key is write-only, like a policy's secret: an edit without one keeps it. So is the
//! secret of aria2's RPC (`settings.aria2.token`), which is required: an aria2 without one
//! does whatever anyone who reaches its port asks. The downloader test asks the master's
//! aria2 for its version.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::Value;
use stratus_entity::{node, storage_policy};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::{
    net::guard::UrlValidation,
    remote_download::{aria2::Rpc, settings::Aria2Settings},
    state::AppState,
    storage::{RemoteDriver, remote::protocol::MIN_SECRET_LEN},
};

/// Columns a node list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &[
    "name",
    "type",
    "status",
    "weight",
    "created_at",
    "updated_at",
];

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct NodeInput {
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    /// Base URL of a slave node.
    pub server: String,
    /// `None` or empty: keep the stored key (required for a new node).
    pub slave_key: Option<String>,
    pub settings: Value,
    pub weight: i32,
}

/// One page of nodes. Conditions: `node_type`, `status`.
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<node::Model>, AdminError> {
    q.allow(&["node_type", "status"], &[])?;
    let mut filter = Condition::all().add(node::Column::DeletedAt.is_null());
    if let Some(t) = q.text("node_type") {
        filter = filter.add(node::Column::Type.eq(t));
    }
    if let Some(s) = q.text("status") {
        filter = filter.add(node::Column::Status.eq(s));
    }
    list::fetch(&state.db, node::Entity::find().filter(filter), q, SORTABLE).await
}

/// Node `id`.
pub async fn find(state: &AppState, id: i64) -> Result<node::Model, AdminError> {
    node::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.deleted_at.is_none())
        .ok_or(AdminError::NodeNotFound)
}

/// Checks, tests and saves a new slave node.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NodeInput,
) -> Result<node::Model, AdminError> {
    let now = Utc::now();
    let blank = node::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        status: node::status::ACTIVE.into(),
        name: String::new(),
        r#type: node::kind::SLAVE.into(),
        server: String::new(),
        slave_key: String::new(),
        capabilities: Vec::new(),
        settings: Value::Object(Default::default()),
        weight: 1,
    };
    let mut row = apply(blank, input)?;
    row.settings = with_aria2_secret(row.settings, &Value::Null)?;
    UrlValidation::of_node(&row.settings).map_err(AdminError::invalid)?;
    test(state, &row).await?;
    let stored = node::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&state.db)
    .await?;
    audit::record(
        state,
        actor,
        "node",
        Some(stored.id),
        "create",
        masked(&stored),
    )
    .await;
    Ok(stored)
}

/// Checks, tests (a slave) and saves a change of node `id`. The master's row takes only
/// its name, status, settings and weight.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: NodeInput,
) -> Result<node::Model, AdminError> {
    let before = find(state, id).await?;
    let mut row = if before.r#type == node::kind::MASTER {
        let mut row = before.clone();
        row.name = checked_name(&input.name)?;
        row.status = checked_status(&input.status)?;
        row.settings = with_aria2_secret(input.settings, &before.settings)?;
        row.weight = input.weight;
        row
    } else {
        let mut row = apply(before.clone(), input)?;
        row.settings = with_aria2_secret(row.settings, &before.settings)?;
        test(state, &row).await?;
        row
    };
    UrlValidation::of_node(&row.settings).map_err(AdminError::invalid)?;
    row.updated_at = Utc::now();
    let after = row
        .into_active_model()
        .reset_all()
        .update(&state.db)
        .await?;
    // Drivers of the policies on this node hold its old address and key.
    state.storage.invalidate_all();
    audit::record_update(state, actor, "node", id, &before, &after).await;
    Ok(after)
}

/// Deletes node `id`: not the master, nor a node a storage policy keeps blobs on.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), AdminError> {
    let row = find(state, id).await?;
    if row.r#type == node::kind::MASTER {
        return Err(AdminError::SystemNode("the master node cannot be deleted"));
    }
    let policies = storage_policy::Entity::find()
        .filter(storage_policy::Column::NodeId.eq(id))
        .filter(storage_policy::Column::DeletedAt.is_null())
        .all(&state.db)
        .await?;
    if !policies.is_empty() {
        let names: Vec<String> = policies
            .iter()
            .map(|p| format!("{} ({})", p.id, p.name))
            .collect();
        return Err(AdminError::NodeInUse(names.join(", ")));
    }
    node::Entity::delete_by_id(id).exec(&state.db).await?;
    state.storage.invalidate_all();
    audit::record(state, actor, "node", Some(id), "delete", masked(&row)).await;
    Ok(())
}

/// The node test (spec §9.4) of a slave `row`: the master asks the node, signed with the
/// node's key, to ping the master's site URL back. The master's row passes as it is.
pub async fn test(state: &AppState, row: &node::Model) -> Result<(), AdminError> {
    if row.r#type == node::kind::MASTER {
        return Ok(());
    }
    let site = super::summary::site_urls(state)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AdminError::invalid("siteURL: the node pings the site URL back"))?;
    let driver = RemoteDriver::new(&row.server, row.id, &row.slave_key)
        .map_err(|e| AdminError::invalid(format!("server: {e}")))?;
    driver
        .ping(&site)
        .await
        .map_err(|e| AdminError::NodeTest(format!("failed to connect to the node: {e}")))
}

/// Fills a test row from `input` on top of the stored `node` (for the test route).
pub async fn test_input(
    state: &AppState,
    id: Option<i64>,
    input: NodeInput,
) -> Result<(), AdminError> {
    let base = match id.filter(|id| *id > 0) {
        Some(id) => find(state, id).await?,
        None => node::Model {
            id: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            deleted_at: None,
            status: node::status::ACTIVE.into(),
            name: String::new(),
            r#type: node::kind::SLAVE.into(),
            server: String::new(),
            slave_key: String::new(),
            capabilities: Vec::new(),
            settings: Value::Null,
            weight: 1,
        },
    };
    let row = if base.r#type == node::kind::MASTER {
        base
    } else {
        apply(base, input)?
    };
    test(state, &row).await
}

/// The downloader test (`POST /admin/node/test/downloader`): aria2's version over its
/// JSON-RPC with the aria2 settings of `input` (the stored ones when it has none). Remote
/// downloads run on the master's instances, so only the master has a downloader.
pub async fn test_downloader(
    state: &AppState,
    id: Option<i64>,
    input: NodeInput,
) -> Result<String, AdminError> {
    let stored = match id.filter(|id| *id > 0) {
        Some(id) => Some(find(state, id).await?),
        None => None,
    };
    if stored
        .as_ref()
        .is_none_or(|n| n.r#type != node::kind::MASTER)
    {
        return Err(AdminError::invalid(
            "node: remote downloads run on the master node; only its downloader (aria2) is used",
        ));
    }
    let stored = stored.map(|n| n.settings).unwrap_or_default();
    let settings = match input.settings.get("aria2") {
        Some(_) => with_aria2_secret(input.settings, &stored)?,
        None => with_aria2_secret(stored, &Value::Null)?,
    };
    let rpc = Rpc::new(&Aria2Settings::of_node(&settings))
        .map_err(|e| AdminError::NodeTest(e.to_string()))?;
    rpc.version()
        .await
        .map_err(|e| AdminError::NodeTest(e.to_string()))
}

fn checked_name(name: &str) -> Result<String, AdminError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AdminError::invalid("name: must be 1 to 255 characters"));
    }
    Ok(name.to_owned())
}

fn checked_status(status: &str) -> Result<String, AdminError> {
    match status {
        "" => Ok(node::status::ACTIVE.into()),
        node::status::ACTIVE | node::status::SUSPENDED => Ok(status.to_owned()),
        other => Err(AdminError::invalid(format!(
            "status: {other:?} is neither active nor suspended"
        ))),
    }
}

/// `row` with the fields of `input`, checked.
fn apply(mut row: node::Model, input: NodeInput) -> Result<node::Model, AdminError> {
    row.name = checked_name(&input.name)?;
    row.status = checked_status(&input.status)?;
    let server = input.server.trim().trim_end_matches('/');
    match url::Url::parse(server) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        _ => {
            return Err(AdminError::invalid(format!(
                "server: {server:?} is not an http or https URL"
            )));
        }
    }
    row.server = server.to_owned();
    if let Some(key) = input.slave_key.filter(|k| !k.is_empty()) {
        row.slave_key = key;
    }
    if row.slave_key.chars().count() < MIN_SECRET_LEN {
        return Err(AdminError::invalid(format!(
            "slave_key: must be at least {MIN_SECRET_LEN} characters"
        )));
    }
    row.settings = if input.settings.is_null() {
        Value::Object(Default::default())
    } else {
        input.settings
    };
    if input.weight < 0 {
        return Err(AdminError::invalid("weight: must not be negative"));
    }
    row.weight = input.weight;
    Ok(row)
}

/// `settings` with aria2's RPC secret (`aria2.token`) of `stored` when it gives none (the
/// secret is never shown, so an edit sends it back empty or leaves it out). An aria2 server
/// without a secret is refused.
fn with_aria2_secret(mut settings: Value, stored: &Value) -> Result<Value, AdminError> {
    let Some(aria2) = settings.get_mut("aria2").and_then(Value::as_object_mut) else {
        return Ok(settings);
    };
    let given = aria2.get("token").and_then(Value::as_str).unwrap_or("");
    if given.is_empty()
        && let Some(kept) = stored.pointer("/aria2/token").and_then(Value::as_str)
    {
        aria2.insert("token".into(), Value::String(kept.to_owned()));
    }
    let text = |k: &str| aria2.get(k).and_then(Value::as_str).unwrap_or("").trim();
    if !text("server").is_empty() && text("token").is_empty() {
        return Err(AdminError::invalid(
            "settings.aria2.token: aria2's RPC secret is required (start aria2 with \
             --rpc-secret): without one, anyone who reaches its RPC port can make it download \
             anything into any folder",
        ));
    }
    Ok(settings)
}

/// A node's `settings` as the node routes show them: without aria2's RPC secret.
pub fn shown_settings(settings: &Value) -> Value {
    let mut shown = settings.clone();
    if let Some(aria2) = shown.get_mut("aria2").and_then(Value::as_object_mut) {
        aria2.remove("token");
    }
    shown
}

fn masked(row: &node::Model) -> Value {
    audit::masked(&audit::row_json(row))
}

//! Nodes' liveness: each active slave node is asked, signed with its key, whether its store
//! is writable (the slave's `/health`), with a time limit. A node counts as down after
//! [`DOWN_AFTER`] failed checks in a row, so one lost packet raises nothing; it is up again at
//! its first answer. Both changes are recorded once, in the audit log and as a notification.
//! The job runs once per period across the instances sharing the database, so the
//! read-then-write of a node's row has no concurrent writer.

use std::{collections::HashMap, time::Duration};

use chrono::Utc;
use futures_util::future::join_all;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use stratus_entity::{node, node_health};

use crate::{
    events,
    notify::{self, Event, EventKind},
    state::AppState,
    storage::{RemoteDriver, StorageDriver},
};

/// Failed checks in a row after which a node counts as down.
pub const DOWN_AFTER: i32 = 2;
/// The longest one check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Asks `node` whether it is up: `None` when it is, else what went wrong.
async fn probe(node: &node::Model) -> Option<String> {
    let driver = match RemoteDriver::new(&node.server, node.id, &node.slave_key) {
        Ok(d) => d,
        Err(e) => return Some(e.to_string()),
    };
    match tokio::time::timeout(CHECK_TIMEOUT, driver.health_check()).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    }
}

/// Checks every active slave node (all at once) and records what changed. Answers the
/// number of nodes checked.
pub async fn check_all(state: &AppState) -> Result<u64, DbErr> {
    let nodes = node::Entity::find()
        .filter(node::Column::DeletedAt.is_null())
        .filter(node::Column::Type.eq(node::kind::SLAVE))
        .filter(node::Column::Status.eq(node::status::ACTIVE))
        .all(&state.db)
        .await?;
    let found = join_all(nodes.iter().map(probe)).await;
    for (node, error) in nodes.iter().zip(found) {
        record(state, node, error).await?;
    }
    Ok(nodes.len() as u64)
}

/// Stores one check's outcome for `node`, raising `node_down` or `node_up` when it changes
/// the node's state.
async fn record(state: &AppState, node: &node::Model, error: Option<String>) -> Result<(), DbErr> {
    let now = Utc::now();
    let stored = node_health::Entity::find()
        .filter(node_health::Column::NodeId.eq(node.id))
        .one(&state.db)
        .await?;
    let was_alive = stored.as_ref().is_none_or(|h| h.alive);
    let failures = match (&error, &stored) {
        (None, _) => 0,
        (Some(_), Some(h)) => h.failures.saturating_add(1),
        (Some(_), None) => 1,
    };
    let alive = error.is_none() || (was_alive && failures < DOWN_AFTER);
    let last_seen_at = if error.is_none() {
        Some(now)
    } else {
        stored.as_ref().and_then(|h| h.last_seen_at)
    };
    match stored {
        Some(h) => {
            let mut row = h.into_active_model();
            row.alive = Set(alive);
            row.failures = Set(failures);
            row.last_seen_at = Set(last_seen_at);
            row.last_error = Set(error.clone());
            row.checked_at = Set(Some(now));
            row.update(&state.db).await?;
        }
        None => {
            node_health::ActiveModel {
                node_id: Set(node.id),
                alive: Set(alive),
                failures: Set(failures),
                last_seen_at: Set(last_seen_at),
                last_error: Set(error.clone()),
                checked_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&state.db)
            .await?;
        }
    }
    if was_alive != alive {
        changed(state, node, alive, error.as_deref(), last_seen_at).await;
    }
    Ok(())
}

/// Records and announces that `node` went down or came back.
async fn changed(
    state: &AppState,
    node: &node::Model,
    alive: bool,
    error: Option<&str>,
    last_seen_at: Option<chrono::DateTime<Utc>>,
) {
    let details = json!({
        "node_id": node.id,
        "node": node.name,
        "server": node.server,
        "error": error,
        "last_seen_at": last_seen_at,
    });
    let (kind, event) = if alive {
        (
            events::kind::NODE_UP,
            Event::new(
                EventKind::NodeUp,
                format!("Node \"{}\" answers again", node.name),
                format!("The node at {} answers again.", node.server),
                details.clone(),
            ),
        )
    } else {
        (
            events::kind::NODE_DOWN,
            Event::new(
                EventKind::NodeDown,
                format!("Node \"{}\" stopped answering", node.name),
                format!(
                    "The node at {} failed {DOWN_AFTER} checks in a row: {}",
                    node.server,
                    error.unwrap_or_default()
                ),
                details.clone(),
            ),
        )
    };
    events::record(
        &state.db,
        kind,
        None,
        &events::Client::default(),
        Some(details),
    )
    .await;
    notify::publish(state, event).await;
}

/// The stored liveness of the nodes `ids`, by node id. A node never checked has none.
pub async fn of_nodes(
    state: &AppState,
    ids: &[i64],
) -> Result<HashMap<i64, node_health::Model>, DbErr> {
    Ok(node_health::Entity::find()
        .filter(node_health::Column::NodeId.is_in(ids.iter().copied()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|h| (h.node_id, h))
        .collect())
}

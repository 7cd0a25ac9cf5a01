//! `/admin/health` (nodes' liveness and each storage policy's write probe) and
//! `/admin/timeline` (recent activity, newest first).

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query};
use serde_json::Value;
use stratus_entity::{node, node_health};

use crate::{
    admin::{
        Actor, AdminError,
        timeline::{self, Cursor},
    },
    api::{
        ApiTags,
        envelope::{ApiResult, ok},
    },
    health,
    state::AppState,
};

/// A node's liveness. The master is alive while it answers; a slave as the master's periodic
/// check last found it (alive until first checked).
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminNodeHealth", skip_serializing_if_is_none)]
pub struct NodeHealthRow {
    pub id: i64,
    pub name: String,
    pub alive: bool,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// What the node list and a node's GET show of its liveness: (alive, last seen, last error).
pub fn liveness(
    n: &node::Model,
    h: Option<&node_health::Model>,
) -> (bool, Option<DateTime<Utc>>, Option<String>) {
    if n.r#type == node::kind::MASTER {
        return (true, Some(Utc::now()), None);
    }
    match h {
        Some(h) => (h.alive, h.last_seen_at, h.last_error.clone()),
        None => (true, None, None),
    }
}

/// A storage policy's write probe, at most a minute old.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminPolicyHealth", skip_serializing_if_is_none)]
pub struct PolicyHealthRow {
    pub id: i64,
    pub name: String,
    pub r#type: String,
    pub ok: bool,
    /// The driver's words when the probe failed.
    pub error: Option<String>,
    pub checked_at: DateTime<Utc>,
}

/// `GET /admin/health`
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminHealth")]
pub struct Health {
    pub nodes: Vec<NodeHealthRow>,
    pub policies: Vec<PolicyHealthRow>,
}

/// One entry of the timeline.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminTimelineEntry", skip_serializing_if_is_none)]
pub struct TimelineEntry {
    /// `<source>:<id>`, unique across sources.
    pub id: String,
    /// Where it comes from: `event` (the audit log).
    pub source: String,
    /// `admin_change`, `sign_in_failed`, `webdav_sign_in_failed`, `node_down`, `node_up`.
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Who acted (the user's id as the admin API gives it), when someone did.
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    pub user_nick: Option<String>,
    pub ip: Option<String>,
    /// What the source recorded (an administrator change's `{target, id, action, changes}`,
    /// a node's `{node_id, node, server, error, last_seen_at}`, ...).
    pub details: Value,
}

/// `GET /admin/timeline`
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminTimeline", skip_serializing_if_is_none)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
    /// `before` for the next page; absent on the last.
    pub next: Option<String>,
}

pub struct AdminHealthApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminHealthApi {
    /// Each node's liveness and each storage policy's write probe (reused for a minute).
    #[oai(path = "/admin/health", method = "get", operation_id = "get_health")]
    async fn get_health(&self, state: Data<&AppState>, _actor: Data<&Actor>) -> ApiResult<Health> {
        let nodes = crate::admin::nodes::list(
            &state,
            &crate::admin::list::ListQuery::first(crate::admin::list::MAX_PAGE_SIZE),
        )
        .await?
        .rows;
        let ids: Vec<i64> = nodes.iter().map(|n| n.id).collect();
        let found = health::nodes::of_nodes(&state, &ids).await?;
        let nodes = nodes
            .iter()
            .map(|n| {
                let (alive, last_seen_at, last_error) = liveness(n, found.get(&n.id));
                NodeHealthRow {
                    id: n.id,
                    name: n.name.clone(),
                    alive,
                    last_seen_at,
                    last_error,
                }
            })
            .collect();
        let policies = health::policies::all(&state)
            .await?
            .into_iter()
            .map(|p| PolicyHealthRow {
                id: p.id,
                name: p.name,
                r#type: p.r#type,
                ok: p.ok,
                error: p.error,
                checked_at: p.checked_at,
            })
            .collect();
        ok(Health { nodes, policies })
    }

    /// Recent activity, newest first: administrator changes, failed sign-ins, nodes going
    /// down and coming back. `limit` 1 to 200 (50 by default); `before` the `next` of the
    /// previous page, or an RFC 3339 time.
    #[oai(
        path = "/admin/timeline",
        method = "get",
        operation_id = "get_timeline"
    )]
    async fn get_timeline(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        limit: Query<Option<u64>>,
        before: Query<Option<String>>,
    ) -> ApiResult<Timeline> {
        let limit = limit.0.unwrap_or(50);
        if limit == 0 || limit > timeline::MAX_LIMIT {
            return Err(AdminError::invalid(format!("limit: 1 to {}", timeline::MAX_LIMIT)).into());
        }
        let before = before
            .0
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .map(Cursor::parse)
            .transpose()?;
        let (entries, next) = timeline::page(&state, limit, before).await?;
        ok(Timeline {
            entries: entries
                .into_iter()
                .map(|e| TimelineEntry {
                    id: format!("{}:{}", e.source.name(), e.id),
                    source: e.source.name().to_owned(),
                    kind: e.kind.to_owned(),
                    at: e.at,
                    user_id: e.user.as_ref().map(|u| u.id),
                    user_email: e.user.as_ref().map(|u| u.email.clone()),
                    user_nick: e.user.as_ref().map(|u| u.nick.clone()),
                    ip: e.ip,
                    details: e.details,
                })
                .collect(),
            next: next.map(|c| c.text()),
        })
    }
}

//! `/admin/node`: the master node and the slave nodes of `remote` storage policies, and the
//! node test (spec §9.4). The node key is write-only.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::Value;
use stratus_entity::{node, node_health};

use super::{
    dto::{AdminListRequest, pagination},
    health::liveness,
};
use crate::{
    admin::{
        Actor, AdminError,
        nodes::{self, NodeInput},
    },
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiError, ApiResult, done, ok},
        json::ApiJson,
    },
    boolset::Boolset,
    health,
    state::AppState,
};

/// A node (`ent.Node`); its key and aria2's RPC secret (`settings.aria2.token`) are never
/// shown.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminNode", skip_serializing_if_is_none)]
pub struct NodeRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `active` or `suspended`.
    pub status: String,
    pub name: String,
    /// `master` or `slave`.
    pub r#type: String,
    /// Base URL of a slave node.
    pub server: String,
    /// Capability boolset, base64.
    pub capabilities: String,
    pub settings: Value,
    pub weight: i32,
    /// Whether the node answers: a slave as the master's periodic check last found it (down
    /// after two failed checks in a row; alive until first checked).
    pub alive: bool,
    /// When the node last answered a check (now for the master).
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The last check's error while the node does not answer.
    pub last_error: Option<String>,
}

impl NodeRow {
    fn of(n: &node::Model, h: Option<&node_health::Model>) -> Self {
        let (alive, last_seen_at, last_error) = liveness(n, h);
        Self {
            id: n.id,
            created_at: n.created_at,
            updated_at: n.updated_at,
            status: n.status.clone(),
            name: n.name.clone(),
            r#type: n.r#type.clone(),
            server: n.server.clone(),
            capabilities: Boolset::from_bytes(n.capabilities.clone()).to_base64(),
            settings: nodes::shown_settings(&n.settings),
            weight: n.weight,
            alive,
            last_seen_at,
            last_error,
        }
    }

    /// The rows of `nodes`, with their liveness.
    async fn all(state: &AppState, nodes: &[node::Model]) -> Result<Vec<Self>, ApiError> {
        let ids: Vec<i64> = nodes.iter().map(|n| n.id).collect();
        let found = health::nodes::of_nodes(state, &ids).await?;
        Ok(nodes
            .iter()
            .map(|n| Self::of(n, found.get(&n.id)))
            .collect())
    }

    async fn one(state: &AppState, n: node::Model) -> Result<Self, ApiError> {
        let mut rows = Self::all(state, std::slice::from_ref(&n)).await?;
        Ok(rows.remove(0))
    }
}

/// A node as sent to create, edit or test it (other fields are ignored).
#[derive(Debug, Object)]
#[oai(rename = "AdminNodeInput")]
pub struct NodeFields {
    /// 0 or absent for a new node.
    pub id: Option<i64>,
    pub name: String,
    pub status: Option<String>,
    pub server: Option<String>,
    /// Write-only: absent or empty keeps the stored key; at least 64 characters.
    pub slave_key: Option<String>,
    /// The master's `aria2` settings: `server` (JSON-RPC URL), `token` (the RPC secret,
    /// required with a server; write-only: absent or empty keeps the stored one),
    /// `temp_path`, `options`.
    pub settings: Option<Value>,
    pub weight: Option<i32>,
}

impl NodeFields {
    fn input(self) -> NodeInput {
        NodeInput {
            name: self.name,
            status: self.status.unwrap_or_default(),
            server: self.server.unwrap_or_default(),
            slave_key: self.slave_key,
            settings: self.settings.unwrap_or(Value::Null),
            weight: self.weight.unwrap_or(1),
        }
    }
}

/// `PUT /admin/node[/:id]`, `POST /admin/node/test`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertNode")]
pub struct UpsertNode {
    pub node: NodeFields,
}

/// `POST /admin/node`
#[derive(Debug, Object)]
#[oai(rename = "AdminNodeList")]
pub struct NodeList {
    pub nodes: Vec<NodeRow>,
    pub pagination: Pagination,
}

pub struct AdminNodeApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminNodeApi {
    /// Lists nodes. Conditions: `node_type`, `status`.
    #[oai(path = "/admin/node", method = "post", operation_id = "list_nodes")]
    async fn list_nodes(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<NodeList> {
        let q = body.query()?;
        let page = nodes::list(&state, &q).await?;
        ok(NodeList {
            nodes: NodeRow::all(&state, &page.rows).await?,
            pagination: pagination(&q, page.total),
        })
    }

    /// One node.
    #[oai(path = "/admin/node/:id", method = "get", operation_id = "get_node")]
    async fn get_node(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<NodeRow> {
        ok(NodeRow::one(&state, nodes::find(&state, id.0).await?).await?)
    }

    /// Creates a slave node once the node test passed (40001 with what failed otherwise).
    #[oai(path = "/admin/node", method = "put", operation_id = "create_node")]
    async fn create_node(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertNode>,
    ) -> ApiResult<NodeRow> {
        if body.node.id.is_some_and(|id| id != 0) {
            return Err(AdminError::invalid("node.id: must be 0 for a new node").into());
        }
        let row = nodes::create(&state, &actor, body.0.node.input()).await?;
        ok(NodeRow::one(&state, row).await?)
    }

    /// Changes a node (a slave is tested again); a key left out keeps the stored one.
    #[oai(path = "/admin/node/:id", method = "put", operation_id = "update_node")]
    async fn update_node(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertNode>,
    ) -> ApiResult<NodeRow> {
        if body
            .node
            .id
            .is_some_and(|given| given != 0 && given != id.0)
        {
            return Err(AdminError::invalid("node.id: differs from the id in the path").into());
        }
        let row = nodes::update(&state, &actor, id.0, body.0.node.input()).await?;
        ok(NodeRow::one(&state, row).await?)
    }

    /// Deletes a slave node no storage policy uses (40086 otherwise; the master: 40046).
    #[oai(
        path = "/admin/node/:id",
        method = "delete",
        operation_id = "delete_node"
    )]
    async fn delete_node(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        nodes::delete(&state, &actor, id.0).await?;
        done()
    }

    /// The node test: the master asks the node (signed with its key) to ping the site URL
    /// back; a failure is 40001 with what went wrong.
    #[oai(path = "/admin/node/test", method = "post", operation_id = "test_node")]
    async fn test_node(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<UpsertNode>,
    ) -> ApiResult<String> {
        let id = body.node.id;
        nodes::test_input(&state, id, body.0.node.input()).await?;
        done()
    }

    /// The downloader test: the master asks aria2 (with the node's aria2 settings in the
    /// body, else the stored ones) for its version and answers it; a failure is 40001 with
    /// what went wrong. Remote downloads run on the master, so only its row has a downloader.
    #[oai(
        path = "/admin/node/test/downloader",
        method = "post",
        operation_id = "test_node_downloader"
    )]
    async fn test_node_downloader(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<UpsertNode>,
    ) -> ApiResult<String> {
        let id = body.node.id;
        let version = nodes::test_downloader(&state, id, body.0.node.input()).await?;
        ok(version)
    }
}

//! Where a remote download's settings come from: the SSRF guard's allowed ranges (site
//! setting `remote_download_allowed_cidrs`, empty by default), the folder of part files
//! (`<data_dir>/<temp_path>/remote_download`), and aria2's connection, kept like Cloudreve
//! in the master node's `settings` (`{"aria2": {server, token, options, temp_path}}`).

use std::path::PathBuf;

use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::{Map, Value};
use stratus_entity::node;

use crate::{
    net::guard::{Guard, UrlValidation},
    state::AppState,
};

/// The setting listing the ranges the guard lets through.
pub const ALLOWED_CIDRS: &str = "remote_download_allowed_cidrs";

/// The guard with the administrator's allowed ranges and the exceptions of the master node's
/// `settings.url_validation` (the node that runs downloads). An unreadable list allows
/// nothing; unreadable exceptions add none.
pub async fn guard(state: &AppState) -> Result<Guard, DbErr> {
    let text = state.settings.get(ALLOWED_CIDRS).await?;
    let ranges = Guard::parse_ranges(&text).unwrap_or_else(|e| {
        tracing::warn!("{ALLOWED_CIDRS}: {e}; no range is allowed");
        Vec::new()
    });
    let master = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(&state.db)
        .await?;
    let exceptions = master
        .map(|n| {
            UrlValidation::of_node(&n.settings).unwrap_or_else(|e| {
                tracing::warn!("master node {e}; no exception applies");
                UrlValidation::default()
            })
        })
        .unwrap_or_default();
    Ok(Guard::new(ranges).with_node(exceptions))
}

/// The folder of part files.
pub async fn part_dir(state: &AppState) -> Result<PathBuf, DbErr> {
    Ok(state.temp_dir().await?.join("remote_download"))
}

/// The part file of task `id`.
pub async fn part_file(state: &AppState, id: i64) -> Result<PathBuf, DbErr> {
    Ok(part_dir(state).await?.join(format!("{id}.part")))
}

/// aria2's connection (Cloudreve's node settings `aria2`).
#[derive(Clone, Debug, Default)]
pub struct Aria2Settings {
    /// JSON-RPC URL, e.g. `http://127.0.0.1:6800/jsonrpc`.
    pub server: String,
    /// The RPC secret (`--rpc-secret`).
    pub token: String,
    /// Extra options given with every download.
    pub options: Map<String, Value>,
    /// aria2's download folder (as aria2 sees it; Stratus reads the files from it).
    pub temp_path: String,
}

impl Aria2Settings {
    /// The `aria2` member of a node's `settings`.
    pub fn of_node(settings: &Value) -> Self {
        let a = settings.get("aria2").unwrap_or(&Value::Null);
        let text = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        Self {
            server: text("server"),
            token: text("token"),
            options: a
                .get("options")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            temp_path: text("temp_path"),
        }
    }
}

/// The master node's aria2 settings.
pub async fn aria2(state: &AppState) -> Result<Aria2Settings, DbErr> {
    let row = node::Entity::find()
        .filter(node::Column::Type.eq(node::kind::MASTER))
        .one(&state.db)
        .await?;
    Ok(Aria2Settings::of_node(
        row.as_ref().map_or(&Value::Null, |n| &n.settings),
    ))
}

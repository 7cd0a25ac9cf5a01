//! Operator endpoints: `/healthz` for load balancers and `/metrics` for Prometheus. Both are
//! open to anyone, like Cloudreve's: put them behind the proxy's access rules (`deviations §4`).

use std::time::{Duration, Instant};

use chrono::Utc;
use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};
use sea_orm::EntityTrait;
use serde_json::json;
use stratus_entity::{group, task};
use tokio::sync::Mutex;

use crate::{
    auth::{dav_cache, session},
    db, extract, fs_events,
    metrics::{DbGauges, Gauges},
    queue,
    state::AppState,
    stream_places::{self, StreamKind},
    upload, users,
};

/// How long a storage probe's answer is reused: a load balancer asking every second costs
/// one small write to the storage every few seconds, whatever the number of askers.
pub const STORAGE_PROBE_TTL: Duration = Duration::from_secs(3);

/// The last storage probe of `/healthz`. Requests arriving while a probe runs wait for it and
/// share its answer.
#[derive(Default)]
pub struct StorageProbe {
    last: Mutex<Option<(Instant, bool)>>,
}

impl StorageProbe {
    /// The state's probe.
    fn of(state: &AppState) -> std::sync::Arc<Self> {
        state.part(|_| Self::default())
    }

    /// Whether the default storage policy can be written, probed at most once per
    /// [`STORAGE_PROBE_TTL`].
    async fn healthy(&self, state: &AppState) -> bool {
        let mut last = self.last.lock().await;
        if let Some((at, healthy)) = *last
            && at.elapsed() < STORAGE_PROBE_TTL
        {
            return healthy;
        }
        let healthy = match probe_storage(state).await {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(error = %err, "health check: the default storage policy cannot be written");
                false
            }
        };
        *last = Some((Instant::now(), healthy));
        healthy
    }
}

/// Writes, reads back and removes a small object in the storage policy of the group new
/// users join (`default_group`): where new files go. A group without a policy has nothing
/// to probe.
async fn probe_storage(state: &AppState) -> anyhow::Result<()> {
    let group_id = state
        .settings
        .int("default_group", users::USER_GROUP)
        .await?;
    let policy = group::Entity::find_by_id(group_id)
        .one(&state.db)
        .await?
        .and_then(|g| g.storage_policy_id);
    let Some(policy) = policy else {
        return Ok(());
    };
    state.storage.driver(policy).await?.health_check().await?;
    Ok(())
}

/// `GET /healthz`: 200 when the database answers and the default storage policy can be
/// written; 503 otherwise, naming the failing part (`"database": "unreachable"` or
/// `"storage": "unwritable"`).
#[handler]
pub async fn healthz(state: Data<&AppState>) -> Response {
    if let Err(err) = db::ping(&state.db).await {
        tracing::warn!(error = %err, "health check failed");
        return unavailable(json!({"status": "error", "database": "unreachable"}));
    }
    if !StorageProbe::of(&state).healthy(&state).await {
        return unavailable(json!({"status": "error", "database": "ok", "storage": "unwritable"}));
    }
    Json(json!({
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "uptime_seconds": state.started.elapsed().as_secs(),
    }))
    .into_response()
}

fn unavailable(body: serde_json::Value) -> Response {
    let mut resp = Json(body).into_response();
    resp.set_status(StatusCode::SERVICE_UNAVAILABLE);
    resp
}

/// `GET /metrics`: Prometheus text exposition, the request counters and this scrape's
/// gauges.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    let gauges = gauges(&state).await;
    Response::builder()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render(&gauges))
}

/// Reads the gauges from the modules that own them: two aggregate statements for what the
/// database holds (the same on every instance), counters in memory for the rest.
async fn gauges(state: &AppState) -> Gauges {
    let database = match db_gauges(state).await {
        Ok(db) => Some(db),
        Err(err) => {
            tracing::warn!(error = %err, "metrics: the queue and upload gauges could not be read");
            None
        }
    };
    let caches = vec![
        ("settings", state.settings.cache_counts()),
        ("storage_policies", state.storage.cache_counts()),
        ("session_chains", session::Chains::of(state).cache_counts()),
        ("dav_logins", dav_cache::logins(state).cache_counts()),
        ("dav_rows", dav_cache::rows(state).cache_counts()),
        ("archive_listings", extract::list::cache_counts(state)),
    ];
    Gauges {
        database,
        running_tasks: queue::Registry::of(state).busy() as u64,
        file_event_subscribers: fs_events::subscribers(state) as u64,
        task_event_streams: stream_places::open(state, StreamKind::TaskProgress) as u64,
        caches,
    }
}

async fn db_gauges(state: &AppState) -> Result<DbGauges, sea_orm::DbErr> {
    let live = queue::store::live(&state.db).await?;
    let upload_sessions = upload::open_sessions(&state.db).await?;
    let now = Utc::now();
    let mut gauges = DbGauges {
        upload_sessions,
        ..DbGauges::default()
    };
    // Every named queue and live status, zeros included, so a queue that empties shows 0
    // rather than vanishing.
    for name in queue::QUEUES {
        for status in queue::store::LIVE {
            let found = live.iter().find(|l| l.queue == name && l.status == status);
            let tasks = found.map_or(0, |l| l.count);
            gauges
                .queue_tasks
                .push((name.to_owned(), status.to_owned(), tasks));
        }
        let waited = live
            .iter()
            .find(|l| l.queue == name && l.status == task::status::QUEUED)
            .and_then(|l| l.due_since)
            .map_or(0.0, |since| {
                (now - since).num_milliseconds().max(0) as f64 / 1000.0
            });
        gauges.queue_oldest_age.push((name.to_owned(), waited));
    }
    Ok(gauges)
}

//! Each storage policy's health: a small object written, read back and removed through the
//! policy's driver (`health_check`), as `/healthz` does for the default policy. An answer is
//! reused for [`PROBE_TTL`], so a dashboard refreshed by many administrators costs each
//! storage one probe a minute; requests arriving while probes run wait and share them.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use stratus_entity::storage_policy;
use tokio::sync::Mutex;

use crate::state::AppState;

/// How long a probe's answer is reused.
pub const PROBE_TTL: Duration = Duration::from_secs(60);
/// The longest one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// One policy's health as last probed.
#[derive(Clone, Debug)]
pub struct PolicyHealth {
    pub id: i64,
    pub name: String,
    pub r#type: String,
    pub ok: bool,
    /// The driver's words when the probe failed.
    pub error: Option<String>,
    pub checked_at: DateTime<Utc>,
}

/// One probe's answer: when (for its age, and as shown) and the error, if any.
type Answer = (Instant, DateTime<Utc>, Option<String>);

/// The probes' answers of this process, by policy id.
#[derive(Default)]
struct Probes {
    last: Mutex<HashMap<i64, Answer>>,
}

impl Probes {
    fn of(state: &AppState) -> Arc<Self> {
        state.part(|_| Self::default())
    }
}

async fn probe(state: &AppState, id: i64) -> Option<String> {
    let check = async {
        let driver = state.storage.driver(id).await?;
        driver.health_check().await
    };
    match tokio::time::timeout(PROBE_TIMEOUT, check).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    }
}

/// Every storage policy's health, probing those whose answer is older than [`PROBE_TTL`].
pub async fn all(state: &AppState) -> Result<Vec<PolicyHealth>, DbErr> {
    let policies = storage_policy::Entity::find()
        .filter(storage_policy::Column::DeletedAt.is_null())
        .order_by_asc(storage_policy::Column::Id)
        .all(&state.db)
        .await?;
    let probes = Probes::of(state);
    let mut last = probes.last.lock().await;
    last.retain(|id, _| policies.iter().any(|p| p.id == *id));
    let stale: Vec<i64> = policies
        .iter()
        .map(|p| p.id)
        .filter(|id| {
            last.get(id)
                .is_none_or(|(at, ..)| at.elapsed() >= PROBE_TTL)
        })
        .collect();
    let found = join_all(stale.iter().map(|id| probe(state, *id))).await;
    for (id, error) in stale.into_iter().zip(found) {
        last.insert(id, (Instant::now(), Utc::now(), error));
    }
    Ok(policies
        .into_iter()
        .filter_map(|p| {
            let (_, checked_at, error) = last.get(&p.id)?.clone();
            Some(PolicyHealth {
                id: p.id,
                name: p.name,
                r#type: p.r#type,
                ok: error.is_none(),
                error,
                checked_at,
            })
        })
        .collect())
}

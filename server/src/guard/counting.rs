//! The recent destructive changes of each credential, in `guard_changes`. The burst is a sum
//! over the rows of the window, read from the database, so instances sharing one database
//! count the same changes. Rows past the window that no incident names are pruned by the
//! periodic trash job.
//!
//! Reading that sum for every change would cost a scan of the window each time, so each
//! instance keeps an estimate per credential ([`Estimates`]): the last sum it read plus what
//! it recorded since, trusted for a second and only while it stays under half the threshold.
//! Nearer the threshold every change reads the database, and a trip is only ever decided on
//! what was read there. One instance is never late (its estimate holds all its own changes);
//! several instances sharing a credential are late by at most what the others recorded within
//! the second, while each stays under half the threshold.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration as StdDuration, Instant},
};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Func},
};
use stratus_entity::guard_change;

use crate::{caller::Credential, state::AppState};

/// How long an instance trusts its estimate of a credential's window sum.
const ESTIMATE_TTL: StdDuration = StdDuration::from_secs(1);

/// Per-instance estimates of the window sums, by credential kind and id: when read, and the
/// sum then plus what was recorded since.
#[derive(Default)]
pub struct Estimates(Mutex<HashMap<(String, String), (Instant, i64)>>);

fn estimate_key(credential: &Credential) -> (String, String) {
    (credential.kind.name().to_owned(), credential.id.clone())
}

/// Whether `weight` more surely keeps the credential under `limit` by this instance's
/// estimate, which then counts it; false when the database must be asked.
pub fn surely_under(state: &AppState, credential: &Credential, weight: i32, limit: i64) -> bool {
    let estimates = state.part(|_| Estimates::default());
    let mut map = estimates.0.lock().expect("guard estimates");
    match map.get_mut(&estimate_key(credential)) {
        Some((at, sum))
            if at.elapsed() < ESTIMATE_TTL && (*sum + i64::from(weight)) * 2 <= limit =>
        {
            *sum += i64::from(weight);
            true
        }
        _ => false,
    }
}

/// Remembers `sum`, just read from the database (with the change about to be recorded).
pub fn estimate(state: &AppState, credential: &Credential, sum: i64) {
    let estimates = state.part(|_| Estimates::default());
    let mut map = estimates.0.lock().expect("guard estimates");
    map.insert(estimate_key(credential), (Instant::now(), sum));
}

/// One change as recorded.
pub struct Recorded<'a> {
    pub user_id: i64,
    pub credential: &'a Credential,
    pub at: DateTime<Utc>,
    pub weight: i32,
    pub action: &'a str,
    pub file_id: i64,
    pub path: &'a str,
    pub old_name: Option<String>,
    pub previous_entity: Option<i64>,
}

/// The row that stores `change`.
pub fn row(change: Recorded<'_>) -> guard_change::ActiveModel {
    guard_change::ActiveModel {
        user_id: Set(change.user_id),
        cred_kind: Set(change.credential.kind.name().to_owned()),
        cred_id: Set(change.credential.id.clone()),
        cred_name: Set(clip(&change.credential.name)),
        at: Set(change.at),
        weight: Set(change.weight),
        action: Set(change.action.to_owned()),
        file_id: Set(Some(change.file_id)),
        path: Set(change.path.to_owned()),
        old_name: Set(change.old_name),
        previous_entity_id: Set(change.previous_entity),
        incident_id: Set(None),
        created_at: Set(change.at),
        updated_at: Set(change.at),
        ..Default::default()
    }
}

/// A name as the 255-character column keeps it.
pub fn clip(name: &str) -> String {
    name.chars().take(255).collect()
}

fn of_credential(credential: &Credential) -> sea_orm::Condition {
    of_key(credential.kind.name(), &credential.id)
}

/// The changes of the credential of kind `kind` and id `id`.
fn of_key(kind: &str, id: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(guard_change::Column::CredKind.eq(kind))
        .add(guard_change::Column::CredId.eq(id))
}

/// The weighted sum of the credential's changes since `since` that no incident holds yet.
pub async fn window_sum(
    db: &impl ConnectionTrait,
    credential: &Credential,
    since: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let sum: Option<Option<i64>> = guard_change::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::sum(Expr::col(guard_change::Column::Weight))),
            "sum",
        )
        .filter(of_credential(credential))
        .filter(guard_change::Column::At.gt(since))
        .filter(guard_change::Column::IncidentId.is_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(sum.flatten().unwrap_or(0))
}

/// Gives the credential's changes since `since` that no incident holds to `incident`.
pub async fn claim(
    db: &impl ConnectionTrait,
    credential: &Credential,
    since: DateTime<Utc>,
    incident: i64,
) -> Result<(), DbErr> {
    claim_of(db, of_credential(credential), since, incident).await
}

/// [`claim`] for the credential an incident names (`row`'s kind and id), of the changes made
/// from `since` to `until`.
pub async fn claim_for_incident(
    db: &impl ConnectionTrait,
    row: &stratus_entity::guard_incident::Model,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    let of = of_key(&row.cred_kind, &row.cred_id).add(guard_change::Column::At.lte(until));
    claim_of(db, of, since, row.id).await
}

async fn claim_of(
    db: &impl ConnectionTrait,
    of: sea_orm::Condition,
    since: DateTime<Utc>,
    incident: i64,
) -> Result<(), DbErr> {
    guard_change::Entity::update_many()
        .col_expr(guard_change::Column::IncidentId, Expr::value(incident))
        .filter(of)
        .filter(guard_change::Column::At.gt(since))
        .filter(guard_change::Column::IncidentId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The changes `incident` holds, oldest first.
pub async fn of_incident(
    db: &impl ConnectionTrait,
    incident: i64,
) -> Result<Vec<guard_change::Model>, DbErr> {
    use sea_orm::QueryOrder;
    guard_change::Entity::find()
        .filter(guard_change::Column::IncidentId.eq(incident))
        .order_by_asc(guard_change::Column::At)
        .order_by_asc(guard_change::Column::Id)
        .all(db)
        .await
}

/// Deletes the changes older than `keep` that no incident holds.
pub async fn prune(db: &impl ConnectionTrait, keep: Duration) -> Result<u64, DbErr> {
    let done = guard_change::Entity::delete_many()
        .filter(guard_change::Column::At.lt(Utc::now() - keep))
        .filter(guard_change::Column::IncidentId.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

//! The dashboard summary (spec §14.1): files, users and shares created on each of the last
//! [`DAYS`] days and the totals. Counting reads whole tables, so it is done when asked for
//! (`generate`) and kept in the database (`kv`), where every instance reads the same copy. A
//! kept copy older than [`MAX_AGE`] is counted again when read, so the dashboard never shows
//! counts from long ago (a first visit's "0 stored blobs" beside today's storage).

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::AdminError;
use crate::{fs::sql::Sql, kv, state::AppState};

/// Days the daily counts cover, today included.
pub const DAYS: usize = 12;
/// Where the last summary is kept.
pub const KV_KEY: &str = "admin:metrics_summary";
pub const KV_KIND: &str = "admin_summary";
/// How old a kept summary may be before a read counts again.
pub const MAX_AGE: Duration = Duration::minutes(5);

/// Counts of one summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Metrics {
    /// Start (UTC midnight) of each day, oldest first.
    pub dates: Vec<DateTime<Utc>>,
    pub files: Vec<i64>,
    pub users: Vec<i64>,
    pub shares: Vec<i64>,
    pub file_total: i64,
    pub user_total: i64,
    pub share_total: i64,
    pub entities_total: i64,
    pub generated_at: DateTime<Utc>,
}

/// The kept summary; with `generate`, or when the kept one is older than [`MAX_AGE`],
/// counted now and kept first. None when nothing was ever counted and `generate` is false.
pub async fn metrics(state: &AppState, generate: bool) -> Result<Option<Metrics>, AdminError> {
    let kept: Option<Metrics> = kv::get(&state.db, KV_KEY)
        .await?
        .and_then(|text| serde_json::from_str(&text).ok());
    let stale = kept
        .as_ref()
        .is_some_and(|m| Utc::now() - m.generated_at > MAX_AGE);
    if !generate && !stale {
        return Ok(kept);
    }
    let fresh = count(state).await?;
    let text = serde_json::to_string(&fresh).map_err(|e| AdminError::Storage(e.to_string()))?;
    kv::put(&state.db, KV_KIND, KV_KEY, &text, None).await?;
    Ok(Some(fresh))
}

/// The site URLs of the `siteURL` setting, primary first.
pub async fn site_urls(state: &AppState) -> Result<Vec<String>, AdminError> {
    Ok(state
        .settings
        .get("siteURL")
        .await?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

async fn count(state: &AppState) -> Result<Metrics, AdminError> {
    let now = Utc::now();
    let today = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let dates: Vec<DateTime<Utc>> = (0..DAYS)
        .rev()
        .map(|back| today - Duration::days(back as i64))
        .collect();
    let db = &state.db;
    let (files, file_total) = per_day(db, "files", "", &dates).await?;
    let (users, user_total) = per_day(db, "users", "", &dates).await?;
    let (shares, share_total) = per_day(db, "shares", "deleted_at IS NULL", &dates).await?;
    let (_, entities_total) = per_day(db, "entities", "", &[]).await?;
    Ok(Metrics {
        dates,
        files,
        users,
        shares,
        file_total,
        user_total,
        share_total,
        entities_total,
        generated_at: now,
    })
}

/// Rows of `table` (matching `filter` when not empty) created on each day starting at
/// `days`, and in all: one scan of the table.
async fn per_day(
    db: &impl ConnectionTrait,
    table: &str,
    filter: &str,
    days: &[DateTime<Utc>],
) -> Result<(Vec<i64>, i64), AdminError> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT COUNT(*)");
    for day in days {
        sql.push(", CAST(COALESCE(SUM(CASE WHEN created_at >= ")
            .bind(*day)
            .push(" AND created_at < ")
            .bind(*day + Duration::days(1))
            .push(" THEN 1 ELSE 0 END), 0) AS BIGINT)");
    }
    sql.push(" FROM ").push(table);
    if !filter.is_empty() {
        sql.push(" WHERE ").push(filter);
    }
    let row = db
        .query_one_raw(sql.statement())
        .await?
        .ok_or_else(|| AdminError::Storage(format!("counting {table} returned nothing")))?;
    let total: i64 = row.try_get_by_index(0)?;
    let mut counts = Vec::with_capacity(days.len());
    for i in 0..days.len() {
        counts.push(row.try_get_by_index::<i64>(i + 1)?);
    }
    Ok((counts, total))
}

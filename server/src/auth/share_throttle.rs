//! Throttling of share password guesses: after [`MAX_FAILURES`] wrong passwords in the window
//! for one share or from one address, further attempts are refused with HTTP 429 until the
//! window slides. Failures are the audit log's own `SHARE_PASSWORD_FAILED` rows, so every
//! instance agrees. Sign-in guesses have their own throttle, `auth::sign_in_throttle`.

use std::collections::HashSet;

use chrono::Duration;
use sea_orm::{ConnectionTrait, DbErr};

pub use super::sign_in_throttle::{MAX_FAILURES, WINDOW_SECS};
use crate::events::{self, Client};

fn window() -> Duration {
    Duration::seconds(WINDOW_SECS)
}

fn share_content(share_id: i64) -> serde_json::Value {
    serde_json::json!({ "share_id": share_id })
}

/// Whether the share, or the address, has seen too many wrong passwords lately.
pub async fn share_exceeded(
    db: &impl ConnectionTrait,
    share_id: i64,
    client: &Client,
) -> Result<bool, DbErr> {
    let (by_share, by_ip) = events::count_recent_about(
        db,
        events::kind::SHARE_PASSWORD_FAILED,
        share_content(share_id),
        client.ip.as_deref(),
        window(),
    )
    .await?;
    Ok(by_share >= MAX_FAILURES || by_ip >= MAX_FAILURES)
}

/// [`share_exceeded`] for several shares at once (two statements): the ids of those refused.
pub async fn shares_exceeded(
    db: &impl ConnectionTrait,
    share_ids: &[i64],
    client: &Client,
) -> Result<HashSet<i64>, DbErr> {
    if share_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let (by_share, by_ip) = events::count_recent_about_each(
        db,
        events::kind::SHARE_PASSWORD_FAILED,
        share_ids.iter().map(|id| share_content(*id)).collect(),
        client.ip.as_deref(),
        window(),
    )
    .await?;
    if by_ip >= MAX_FAILURES {
        return Ok(share_ids.iter().copied().collect());
    }
    Ok(by_share
        .into_iter()
        .filter(|(_, n)| *n >= MAX_FAILURES)
        .filter_map(|(content, _)| content.get("share_id")?.as_i64())
        .collect())
}

/// Records a wrong share password (never the password itself).
pub async fn share_fail(
    db: &impl ConnectionTrait,
    share_id: i64,
    user_id: Option<i64>,
    client: &Client,
) {
    events::record(
        db,
        events::kind::SHARE_PASSWORD_FAILED,
        user_id,
        client,
        Some(share_content(share_id)),
    )
    .await;
}

//! Throttling of password guesses: after [`MAX_FAILURES`] failed sign-ins in the window for
//! one account or from one address, further attempts are refused with HTTP 429 until the
//! window slides; share passwords likewise per share and per address. Failures are the audit
//! log's own `USER_LOGIN_FAILED` / `SHARE_PASSWORD_FAILED` rows, so every instance agrees.

use std::collections::HashSet;

use chrono::Duration;
use sea_orm::{ConnectionTrait, DbErr};

use super::error::AuthError;
use crate::events::{self, Client};

/// Failures allowed inside the window.
pub const MAX_FAILURES: u64 = 10;
/// The sliding window.
pub const WINDOW_SECS: i64 = 600;

fn window() -> Duration {
    Duration::seconds(WINDOW_SECS)
}

/// Refuses the attempt when the account or the address has failed too often.
pub async fn check(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    client: &Client,
) -> Result<(), AuthError> {
    let (by_user, by_ip) = events::count_recent(
        db,
        events::kind::USER_LOGIN_FAILED,
        user_id,
        client.ip.as_deref(),
        window(),
    )
    .await?;
    if by_user >= MAX_FAILURES || by_ip >= MAX_FAILURES {
        return Err(AuthError::Throttled {
            retry_after: WINDOW_SECS,
        });
    }
    Ok(())
}

/// Records a failed attempt (`method`: password, 2fa, passkey).
pub async fn fail(db: &impl ConnectionTrait, user_id: Option<i64>, client: &Client, method: &str) {
    events::record(
        db,
        events::kind::USER_LOGIN_FAILED,
        user_id,
        client,
        Some(serde_json::json!({ "method": method })),
    )
    .await;
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

//! The Nextcloud login flows (v2: a poll token for the client, a login page for the browser;
//! v1: the login page redirects to `nc://login/…`): a signed-in user approves a device in the
//! web UI, which makes it an app password (`auth::app_password`).
//!
//! A flow lives in `kv` for [`FLOW_TTL`], so any instance can serve any step:
//! - `ncflow:login:<login token>`: the device, the digest of the poll token, v1 or v2, the
//!   expiry. Approving or cancelling takes it (once).
//! - `ncflow:poll:<digest of the poll token>`: `pending`, then the credentials once approved,
//!   taken by the first poll that sees them. Only the digest of the poll token is a key, so
//!   the table does not hold what a client polls with.
//!
//! Both tokens are 64 random characters; an unknown, spent or expired one is simply absent.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::{Rng, TryRngCore, distr::Alphanumeric, rngs::OsRng};
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};

use super::app_password;
use crate::{caller::SignedIn, kv, state::AppState};

/// How long a flow waits for its approval and its poll.
pub const FLOW_TTL: Duration = Duration::from_secs(20 * 60);

const KIND: &str = "login_flow";
const TOKEN_LEN: usize = 64;

fn login_key(token: &str) -> String {
    format!("ncflow:login:{token}")
}

fn poll_key(token: &str) -> String {
    format!("ncflow:poll:{}", app_password::digest(token))
}

fn new_token() -> String {
    OsRng
        .unwrap_err()
        .sample_iter(Alphanumeric)
        .take(TOKEN_LEN)
        .map(char::from)
        .collect()
}

/// Which flow a login page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// The client polls for the credentials.
    V2,
    /// The page hands the credentials to the client with an `nc://login/` redirect.
    V1,
}

/// What the login page shows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    /// The device's name, from its `User-Agent`.
    pub device: String,
    pub version: Version,
    /// The digest of the v2 poll token (`None` for v1).
    poll: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// The credentials a client signs in with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    /// The site's address.
    pub server: String,
    /// The login name: the user's e-mail.
    pub login_name: String,
    pub app_password: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
enum PollState {
    Pending,
    Approved(Credentials),
}

/// What an approval made.
pub struct Approved {
    pub version: Version,
    pub credentials: Credentials,
    pub app_password: app_password::AppPassword,
}

/// A new flow's tokens: the poll token (v2 only) and the login page's.
pub struct Started {
    pub poll_token: Option<String>,
    pub login_token: String,
}

fn json_err(e: serde_json::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

/// The device name of a client's `User-Agent`: the Nextcloud and ownCloud apps by name (with
/// the desktop's system), anything else as it came (cut to the name limit).
pub fn device_from_agent(agent: &str) -> String {
    let lower = agent.to_ascii_lowercase();
    let os = [
        ("windows", "Windows"),
        ("macintosh", "macOS"),
        ("mac os", "macOS"),
        ("macos", "macOS"),
        ("linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, name)| name);
    let name = if lower.contains("nextcloud-android") {
        "Nextcloud Android".to_owned()
    } else if lower.contains("nextcloud-ios") {
        "Nextcloud iOS".to_owned()
    } else if lower.contains("mirall") || lower.contains("nextcloud") || lower.contains("owncloud")
    {
        let app = if lower.contains("owncloud") && !lower.contains("nextcloud") {
            "ownCloud desktop"
        } else {
            "Nextcloud desktop"
        };
        match os {
            Some(os) => format!("{app} ({os})"),
            None => app.to_owned(),
        }
    } else {
        agent.to_owned()
    };
    app_password::device_name(&name)
}

/// Starts a flow for the device `agent` names.
pub async fn start(state: &AppState, agent: &str, version: Version) -> Result<Started, DbErr> {
    let login_token = new_token();
    let poll_token = (version == Version::V2).then(new_token);
    let pending = Pending {
        device: device_from_agent(agent),
        version,
        poll: poll_token.as_deref().map(app_password::digest),
        expires_at: Utc::now() + chrono::Duration::from_std(FLOW_TTL).unwrap_or_default(),
    };
    if let Some(poll) = &poll_token {
        let value = serde_json::to_string(&PollState::Pending).map_err(json_err)?;
        kv::put(&state.db, KIND, &poll_key(poll), &value, Some(FLOW_TTL)).await?;
    }
    let value = serde_json::to_string(&pending).map_err(json_err)?;
    kv::put(
        &state.db,
        KIND,
        &login_key(&login_token),
        &value,
        Some(FLOW_TTL),
    )
    .await?;
    Ok(Started {
        poll_token,
        login_token,
    })
}

/// The flow waiting on the login page `login_token`, if it is live.
pub async fn pending(state: &AppState, login_token: &str) -> Result<Option<Pending>, DbErr> {
    let Some(value) = kv::get(&state.db, &login_key(login_token)).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str(&value).ok())
}

/// `me` approves the device of `login_token` (once): a new app password of theirs, and the
/// credentials (for v2 also left for the client's next poll). `None`: no such live flow.
pub async fn approve(
    state: &AppState,
    me: &SignedIn,
    login_token: &str,
    server: &str,
) -> Result<Option<Approved>, DbErr> {
    let Some(value) = kv::take(&state.db, &login_key(login_token)).await? else {
        return Ok(None);
    };
    let Ok(flow) = serde_json::from_str::<Pending>(&value) else {
        return Ok(None);
    };
    let left = (flow.expires_at - Utc::now()).to_std().unwrap_or_default();
    if left.is_zero() {
        return Ok(None);
    }
    let (row, secret) = app_password::create(&state.db, me.user.id, &flow.device).await?;
    let credentials = Credentials {
        server: server.to_owned(),
        login_name: me.user.email.clone(),
        app_password: secret,
    };
    if let Some(poll) = &flow.poll {
        let value =
            serde_json::to_string(&PollState::Approved(credentials.clone())).map_err(json_err)?;
        kv::put(
            &state.db,
            KIND,
            &format!("ncflow:poll:{poll}"),
            &value,
            Some(left),
        )
        .await?;
    }
    Ok(Some(Approved {
        version: flow.version,
        credentials,
        app_password: row,
    }))
}

/// Cancels the flow of `login_token`: its page and its poll are gone. `false`: no such flow.
pub async fn cancel(state: &AppState, login_token: &str) -> Result<bool, DbErr> {
    let Some(value) = kv::take(&state.db, &login_key(login_token)).await? else {
        return Ok(false);
    };
    if let Some(poll) = serde_json::from_str::<Pending>(&value)
        .ok()
        .and_then(|f| f.poll)
    {
        kv::delete(&state.db, &format!("ncflow:poll:{poll}")).await?;
    }
    Ok(true)
}

/// The credentials for `poll_token`, once, after the approval; `None` before it, after the
/// first successful poll, and for an unknown or expired token.
pub async fn poll(state: &AppState, poll_token: &str) -> Result<Option<Credentials>, DbErr> {
    let key = poll_key(poll_token);
    let Some(value) = kv::get(&state.db, &key).await? else {
        return Ok(None);
    };
    if !matches!(serde_json::from_str(&value), Ok(PollState::Approved(_))) {
        return Ok(None);
    }
    // Of two polls racing here, one takes the row.
    let Some(value) = kv::take(&state.db, &key).await? else {
        return Ok(None);
    };
    match serde_json::from_str(&value) {
        Ok(PollState::Approved(credentials)) => Ok(Some(credentials)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_become_device_names() {
        assert_eq!(
            device_from_agent(
                "Mozilla/5.0 (Linux) mirall/3.7.3 (Nextcloud, debian-6.1 ClientArchitecture: x86_64 OsArchitecture: x86_64)"
            ),
            "Nextcloud desktop (Linux)"
        );
        assert_eq!(
            device_from_agent("Mozilla/5.0 (Android) Nextcloud-android/3.26.0"),
            "Nextcloud Android"
        );
        assert_eq!(device_from_agent(""), "Unknown device");
        assert_eq!(device_from_agent("curl/8.0"), "curl/8.0");
    }
}

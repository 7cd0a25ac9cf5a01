//! A webhook: the event as a JSON POST `{event, title, message, details, sent_at, site}`,
//! signed in `X-Stratus-Signature: sha256=<hex HMAC-SHA256 of the body>` with the channel's
//! secret, its name in `X-Stratus-Event`. The URL goes through the SSRF guard: loopback and
//! private addresses are refused unless `notification_allowed_cidrs` holds them, and the
//! refusal names that setting and where it is edited. No redirect is followed (a POST is not
//! replayed elsewhere), and the whole request has a time limit. A channel without a secret is
//! refused before anything is sent: an unsigned body could not be told from a forged one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::{Event, NotifyError};
use crate::{
    mail::primary_site_url,
    net::guard::{Guard, GuardError, error_chain},
    state::AppState,
};

/// The setting listing the ranges a webhook may reach besides public addresses.
pub const ALLOWED_CIDRS: &str = "notification_allowed_cidrs";
/// The refusal of a webhook without a secret, on saving, testing and sending.
pub const SECRET_REQUIRED: &str = "settings.secret: required, to sign what the webhook receives";
/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Stratus-Signature";
/// The header naming the event.
pub const EVENT_HEADER: &str = "X-Stratus-Event";
/// The longest one delivery may take, connecting included.
const TIMEOUT: Duration = Duration::from_secs(15);
/// What is kept of a refusing receiver's answer in the error.
const ANSWER_SHOWN: usize = 200;

/// `sha256=<hex HMAC-SHA256 of body with secret>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The guard with the administrator's allowed ranges. An unreadable list allows nothing.
async fn guard(state: &AppState) -> Result<Guard, NotifyError> {
    let text = state.settings.get(ALLOWED_CIDRS).await?;
    let ranges = Guard::parse_ranges(&text).unwrap_or_else(|e| {
        tracing::warn!("{ALLOWED_CIDRS}: {e}; no range is allowed");
        Vec::new()
    });
    Ok(Guard::new(ranges))
}

/// The guard's refusal in words an administrator can act on: an internal address names the
/// setting that lets webhooks reach it, with the range to add.
fn refused(err: GuardError) -> NotifyError {
    match err {
        GuardError::Internal { addr, .. } => {
            let range = if addr.is_ipv4() {
                format!("{addr}/32")
            } else {
                format!("{addr}/128")
            };
            NotifyError::Delivery(format!(
                "{err}. To let webhooks reach it, add {range} to the setting \
                 \"Notification webhooks: allowed address ranges\" ({ALLOWED_CIDRS}), on the \
                 Notifications page of the admin console."
            ))
        }
        other => NotifyError::Delivery(other.to_string()),
    }
}

/// The body sent for `event`.
async fn body(
    state: &AppState,
    event: &Event,
    sent_at: DateTime<Utc>,
) -> Result<Value, NotifyError> {
    let all = state.settings.all().await?;
    let get = |k: &str| all.get(k).cloned().unwrap_or_default();
    Ok(json!({
        "event": event.kind.name(),
        "title": event.title,
        "message": event.message,
        "details": event.details,
        "sent_at": sent_at,
        "site": {"name": get("siteName"), "url": primary_site_url(&get("siteURL"))},
    }))
}

/// POSTs `event` to the webhook of `settings` (`{url, secret}`).
pub async fn send(
    state: &AppState,
    settings: &Value,
    event: &Event,
    sent_at: DateTime<Utc>,
) -> Result<(), NotifyError> {
    let text = |k: &str| settings.get(k).and_then(Value::as_str).unwrap_or_default();
    let url = url::Url::parse(text("url"))
        .map_err(|e| NotifyError::Invalid(format!("settings.url: {e}")))?;
    let secret = text("secret").trim();
    if secret.is_empty() {
        return Err(NotifyError::Invalid(SECRET_REQUIRED.into()));
    }
    let body = serde_json::to_vec(&body(state, event, sent_at).await?)
        .map_err(|e| NotifyError::Delivery(e.to_string()))?;
    let checked = guard(state).await?.check(&url).await.map_err(refused)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let failed = |e: reqwest::Error| {
        NotifyError::Delivery(format!("request to {host} failed: {}", error_chain(&e)))
    };
    let client = checked.client().map_err(failed)?;
    let request = client
        .post(url.clone())
        .timeout(TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "Stratus-Webhook")
        .header(SIGNATURE_HEADER, signature(secret, &body))
        .header(EVENT_HEADER, event.kind.name())
        .body(body);
    let response = request.send().await.map_err(failed)?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let answer = response.text().await.unwrap_or_default();
    let answer: String = answer.chars().take(ANSWER_SHOWN).collect();
    Err(NotifyError::Delivery(format!(
        "{host} answered HTTP {}: {}",
        status.as_u16(),
        answer.trim()
    )))
}

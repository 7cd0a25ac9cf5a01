//! An e-mail channel: the event mailed to each address of `settings.to` through the site's
//! SMTP settings, the details as indented JSON.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Event, NotifyError};
use crate::{
    mail::{Mailer, escape_html},
    state::AppState,
};

/// The addresses of `settings` (`{to: [..]}`).
pub fn recipients(settings: &Value) -> Vec<String> {
    settings
        .get("to")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Mails `event` to every address; the first failure ends the send with the SMTP words.
pub async fn send(
    state: &AppState,
    settings: &Value,
    event: &Event,
    sent_at: DateTime<Utc>,
) -> Result<(), NotifyError> {
    let to = recipients(settings);
    if to.is_empty() {
        return Err(NotifyError::Invalid("settings.to: no address".into()));
    }
    let mailer = Mailer::from_settings(&state.settings)
        .await
        .map_err(|e| NotifyError::Delivery(e.to_string()))?;
    let site = state.settings.get("siteName").await?;
    let subject = format!("[{site}] {}", event.title);
    let details = serde_json::to_string_pretty(&event.details).unwrap_or_default();
    let html = format!(
        "<p>{}</p><p>{}</p><pre>{}</pre><p><small>{} · {}</small></p>",
        escape_html(&event.title),
        escape_html(&event.message),
        escape_html(&details),
        escape_html(event.kind.name()),
        sent_at.to_rfc3339(),
    );
    for address in &to {
        mailer
            .send(address, &subject, &html)
            .await
            .map_err(|e| NotifyError::Delivery(format!("{address}: {e}")))?;
    }
    Ok(())
}

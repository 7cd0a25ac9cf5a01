//! Administrator tools: a test mail with SMTP settings not yet saved, and clearing the cached
//! storage clients behind entity URLs.

use std::collections::BTreeMap;

use super::{AdminError, settings_schema};
use crate::{mail::Mailer, state::AppState};

/// Settings a test mail may try out.
const MAIL_KEYS: &[&str] = &[
    "fromName",
    "fromAdress",
    "smtpHost",
    "smtpPort",
    "smtpUser",
    "smtpPass",
    "smtpEncryption",
    "replyTo",
    "mail_keepalive",
];

/// Sends a test mail to `to` with the saved settings overlaid by `overrides` (a password left
/// out is the saved one, as the read route never shows it). A failure carries the SMTP
/// server's own words.
pub async fn send_test_mail(
    state: &AppState,
    overrides: &BTreeMap<String, String>,
    to: &str,
) -> Result<(), AdminError> {
    let mut values = (*state.settings.all().await?).clone();
    for (key, value) in overrides {
        if !MAIL_KEYS.contains(&key.as_str()) {
            return Err(AdminError::invalid(format!(
                "settings: {key} is not a mail setting (known: {})",
                MAIL_KEYS.join(", ")
            )));
        }
        settings_schema::check(key, value).map_err(AdminError::Invalid)?;
        values.insert(key.clone(), value.clone());
    }
    if to.trim().parse::<lettre::Address>().is_err() {
        return Err(AdminError::invalid(format!(
            "to: {to:?} is not an e-mail address"
        )));
    }
    let mailer = Mailer::from_values(&values).map_err(|e| AdminError::Mail(e.to_string()))?;
    let site = values.get("siteName").cloned().unwrap_or_default();
    let body = format!(
        "<p>This is a test mail from {}. The mail settings work.</p>",
        crate::mail::escape_html(&site)
    );
    mailer
        .send(to.trim(), "Test mail", &body)
        .await
        .map_err(|e| AdminError::Mail(e.to_string()))
}

/// Forgets every cached storage policy row and driver: the next URL of every entity is made
/// by a freshly built driver from the policy as it is now.
pub fn clear_entity_url_cache(state: &AppState) {
    state.storage.invalidate_all();
}

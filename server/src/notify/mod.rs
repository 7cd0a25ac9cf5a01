//! Notifications to administrators: a backup failed or completed, a storage target failed
//! its test, a node stopped answering or answers again.
//!
//! [`publish`] is the one entry point other services call: it queues one `notify` task per
//! enabled channel taking the event, so delivery is retried with the queue's back-off and
//! never holds up the caller.
//!
//! - `event.rs`: [`Event`] and the event names.
//! - `channels.rs`: the channels administrators keep (`/admin/notification`).
//! - `deliver.rs`: the `notify` task, and sending one event through one channel.
//! - `webhook.rs`: the signed JSON POST, through the SSRF guard.
//! - `email.rs`: the mail, through the site's SMTP settings.
//! - `error.rs`: [`NotifyError`].

pub mod channels;
pub mod deliver;
pub mod email;
pub mod error;
pub mod event;
pub mod webhook;

use chrono::Utc;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use stratus_entity::notification_channel;

pub use error::NotifyError;
pub use event::{Event, EventKind};

use crate::{queue::store, state::AppState};
use deliver::{Delivery, Notify};

/// Queues `event` for every enabled channel that takes it. Failures are logged, never
/// returned: a notification must not break what it reports on.
pub async fn publish(state: &AppState, event: Event) {
    match queue_deliveries(state, &event).await {
        Ok(n) => tracing::debug!(
            event = event.kind.name(),
            channels = n,
            "notification queued"
        ),
        Err(e) => tracing::warn!(
            event = event.kind.name(),
            error = %e,
            "cannot queue the notification"
        ),
    }
}

/// Queues one delivery per channel taking `event`; answers how many.
async fn queue_deliveries(state: &AppState, event: &Event) -> Result<usize, DbErr> {
    let channels = notification_channel::Entity::find()
        .filter(notification_channel::Column::Enabled.eq(true))
        .all(&state.db)
        .await?;
    let sent_at = Utc::now();
    let mut queued = 0;
    for channel in channels.iter().filter(|c| channels::takes(c, event.kind)) {
        let delivery = Delivery {
            channel_id: channel.id,
            event: event.clone(),
            sent_at,
        };
        let private = serde_json::to_string(&delivery).unwrap_or_default();
        let summary = json!({
            "phase": "",
            "props": {"channel_id": channel.id, "event": event.kind.name()},
        });
        store::submit(state, &Notify, None, private, summary, None).await?;
        queued += 1;
    }
    Ok(queued)
}

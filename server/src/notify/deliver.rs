//! The `notify` task: one event sent through one channel. It runs on the `notify` queue,
//! whose retries (30 s, then twice as long each time) cover a receiver that is down for a
//! while; a channel deleted or disabled meanwhile ends the task quietly.

use chrono::{DateTime, Utc};
use futures_util::{FutureExt, future::BoxFuture};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use stratus_entity::notification_channel::{self, kind};

use super::{Event, NotifyError, channels, email, webhook};
use crate::{
    queue::{self, LogLine, TaskCtx, TaskError, TaskKind},
    state::AppState,
};

/// The task's stored state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Delivery {
    pub channel_id: i64,
    pub event: Event,
    /// When the event was published: the same in every retry.
    pub sent_at: DateTime<Utc>,
}

pub struct Notify;

impl Notify {
    pub const NAME: &'static str = queue::kinds::NOTIFY_TASK;
}

impl TaskKind for Notify {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn run<'a>(&'a self, ctx: &'a TaskCtx) -> BoxFuture<'a, Result<(), TaskError>> {
        run(ctx).boxed()
    }
}

async fn run(ctx: &TaskCtx) -> Result<(), TaskError> {
    let d: Delivery = ctx.required_state()?;
    let channel = notification_channel::Entity::find_by_id(d.channel_id)
        .one(&ctx.state.db)
        .await
        .map_err(|e| TaskError::Retry(e.to_string()))?;
    let Some(channel) = channel.filter(|c| c.enabled && channels::takes(c, d.event.kind)) else {
        ctx.log(LogLine::new("notify.channelGone"));
        return Ok(());
    };
    send(&ctx.state, &channel, &d.event, d.sent_at)
        .await
        .map_err(|e| match e {
            NotifyError::Invalid(m) => TaskError::Fatal(m),
            other => TaskError::Retry(other.to_string()),
        })?;
    ctx.log(
        LogLine::new("notify.sent")
            .arg("event", d.event.kind.name())
            .arg("channel", channel.name),
    );
    Ok(())
}

/// Sends `event` through `channel` now.
pub async fn send(
    state: &AppState,
    channel: &notification_channel::Model,
    event: &Event,
    sent_at: DateTime<Utc>,
) -> Result<(), NotifyError> {
    match channel.r#type.as_str() {
        kind::WEBHOOK => webhook::send(state, &channel.settings, event, sent_at).await,
        kind::EMAIL => email::send(state, &channel.settings, event, sent_at).await,
        other => Err(NotifyError::Invalid(format!(
            "unknown channel type {other:?}"
        ))),
    }
}

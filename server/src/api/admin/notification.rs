//! `/admin/notification`: the channels notifications go through (e-mail or webhook), and
//! their test. A webhook's secret is write-only.

use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path};
use serde_json::Value;
use stratus_entity::notification_channel;

use super::dto::{AdminListRequest, pagination};
use crate::{
    admin::Actor,
    api::{
        ApiTags,
        dto::file::Pagination,
        envelope::{ApiError, ApiResult, done, ok},
        json::ApiJson,
    },
    notify::channels::{self, ChannelInput},
    state::AppState,
};

/// A notification channel; a webhook's `settings.secret` is never shown.
#[derive(Debug, Clone, Object)]
#[oai(rename = "AdminNotificationChannel")]
pub struct ChannelRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub name: String,
    /// `email` or `webhook`.
    pub r#type: String,
    /// `email`: `{to: [addresses]}`; `webhook`: `{url}`.
    pub settings: Value,
    /// Event names: `backup_failed`, `backup_completed`, `target_test_failed`, `node_down`,
    /// `node_up`.
    pub events: Vec<String>,
    pub enabled: bool,
}

impl ChannelRow {
    fn of(c: &notification_channel::Model) -> Self {
        Self {
            id: c.id,
            created_at: c.created_at,
            updated_at: c.updated_at,
            name: c.name.clone(),
            r#type: c.r#type.clone(),
            settings: channels::shown_settings(&c.settings),
            events: c
                .events
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|e| e.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            enabled: c.enabled,
        }
    }
}

/// A channel as sent to create, edit or test it.
#[derive(Debug, Object)]
#[oai(rename = "AdminNotificationChannelInput")]
pub struct ChannelFields {
    /// 0 or absent for a new channel.
    pub id: Option<i64>,
    pub name: String,
    /// `email` or `webhook`; a channel keeps its type.
    pub r#type: String,
    /// `email`: `{to: [addresses]}`; `webhook`: `{url, secret}`, the secret write-only:
    /// absent or empty keeps the stored one (required for a new webhook).
    pub settings: Value,
    /// Event names; absent for a new channel: every event but `backup_completed`.
    pub events: Option<Vec<String>>,
    /// Absent: true for a new channel, unchanged for an edit.
    pub enabled: Option<bool>,
}

impl ChannelFields {
    fn input(self) -> ChannelInput {
        ChannelInput {
            name: self.name,
            r#type: self.r#type,
            settings: self.settings,
            events: self.events,
            enabled: self.enabled,
        }
    }
}

/// `PUT /admin/notification[/:id]`, `POST /admin/notification/test`
#[derive(Debug, Object)]
#[oai(rename = "AdminUpsertNotificationChannel")]
pub struct UpsertChannel {
    pub channel: ChannelFields,
}

/// `POST /admin/notification`
#[derive(Debug, Object)]
#[oai(rename = "AdminNotificationChannelList")]
pub struct ChannelList {
    pub channels: Vec<ChannelRow>,
    pub pagination: Pagination,
}

fn invalid(msg: &str) -> ApiError {
    crate::notify::NotifyError::Invalid(msg.to_owned()).into()
}

pub struct AdminNotificationApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminNotificationApi {
    /// Lists notification channels. Conditions: `type`, `enabled`; search: `name`.
    #[oai(
        path = "/admin/notification",
        method = "post",
        operation_id = "list_notification_channels"
    )]
    async fn list_channels(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<AdminListRequest>,
    ) -> ApiResult<ChannelList> {
        let q = body.query()?;
        let page = channels::list(&state, &q).await?;
        ok(ChannelList {
            channels: page.rows.iter().map(ChannelRow::of).collect(),
            pagination: pagination(&q, page.total),
        })
    }

    /// One channel.
    #[oai(
        path = "/admin/notification/:id",
        method = "get",
        operation_id = "get_notification_channel"
    )]
    async fn get_channel(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<ChannelRow> {
        ok(ChannelRow::of(&channels::find(&state, id.0).await?))
    }

    /// Creates a channel.
    #[oai(
        path = "/admin/notification",
        method = "put",
        operation_id = "create_notification_channel"
    )]
    async fn create_channel(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        body: ApiJson<UpsertChannel>,
    ) -> ApiResult<ChannelRow> {
        if body.channel.id.is_some_and(|id| id != 0) {
            return Err(invalid("channel.id: must be 0 for a new channel"));
        }
        ok(ChannelRow::of(
            &channels::create(&state, &actor, body.0.channel.input()).await?,
        ))
    }

    /// Changes a channel; a webhook secret left out keeps the stored one.
    #[oai(
        path = "/admin/notification/:id",
        method = "put",
        operation_id = "update_notification_channel"
    )]
    async fn update_channel(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
        body: ApiJson<UpsertChannel>,
    ) -> ApiResult<ChannelRow> {
        if body
            .channel
            .id
            .is_some_and(|given| given != 0 && given != id.0)
        {
            return Err(invalid("channel.id: differs from the id in the path"));
        }
        ok(ChannelRow::of(
            &channels::update(&state, &actor, id.0, body.0.channel.input()).await?,
        ))
    }

    /// Deletes a channel.
    #[oai(
        path = "/admin/notification/:id",
        method = "delete",
        operation_id = "delete_notification_channel"
    )]
    async fn delete_channel(
        &self,
        state: Data<&AppState>,
        actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        channels::delete(&state, &actor, id.0).await?;
        done()
    }

    /// Sends a test event through a channel not saved yet (an edit of channel `id` may leave
    /// the secret out); a failure is 40001 with the delivery error verbatim.
    #[oai(
        path = "/admin/notification/test",
        method = "post",
        operation_id = "test_notification_channel"
    )]
    async fn test_channel(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        body: ApiJson<UpsertChannel>,
    ) -> ApiResult<String> {
        let id = body.channel.id;
        channels::test_pending(&state, id, body.0.channel.input()).await?;
        done()
    }

    /// Sends a test event through a saved channel; a failure is 40001 with the delivery
    /// error verbatim.
    #[oai(
        path = "/admin/notification/:id/test",
        method = "post",
        operation_id = "test_saved_notification_channel"
    )]
    async fn test_saved_channel(
        &self,
        state: Data<&AppState>,
        _actor: Data<&Actor>,
        id: Path<i64>,
    ) -> ApiResult<String> {
        channels::test_saved(&state, id.0).await?;
        done()
    }
}

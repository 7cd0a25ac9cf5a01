//! The channels administrators keep (`/admin/notification`): list, read, create, edit,
//! delete, and test a pending or a saved channel. A webhook's secret is write-only: an edit
//! without one keeps the stored secret, and no answer shows it. Every change is audited with
//! the secret masked.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::{Value, json};
use stratus_entity::notification_channel::{self, kind};

use super::{Event, EventKind, NotifyError, deliver, email};
use crate::{
    admin::{
        Actor, audit,
        list::{self, ListQuery, Page},
    },
    state::AppState,
};

/// Columns a channel list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["name", "type", "enabled", "created_at", "updated_at"];
/// The longest name.
const MAX_NAME: usize = 255;
/// Addresses one e-mail channel may list.
const MAX_RECIPIENTS: usize = 50;

/// What a create or an edit sets.
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub name: String,
    /// `email` or `webhook`.
    pub r#type: String,
    /// `{to: [..]}` or `{url, secret}`; a secret absent or empty keeps the stored one.
    pub settings: Value,
    /// Event names; `None`: every event on by default.
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// Whether `channel` takes events of `kind`.
pub fn takes(channel: &notification_channel::Model, kind: EventKind) -> bool {
    kind == EventKind::Test
        || channel
            .events
            .as_array()
            .is_some_and(|list| list.iter().any(|e| e.as_str() == Some(kind.name())))
}

/// The settings as shown: everything but the secret.
pub fn shown_settings(settings: &Value) -> Value {
    let mut shown = settings.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("secret");
    }
    shown
}

/// One page of channels. Conditions: `type`, `enabled`; search: `name`.
pub async fn list(
    state: &AppState,
    q: &ListQuery,
) -> Result<Page<notification_channel::Model>, NotifyError> {
    q.allow(&["type", "enabled"], &["name"])?;
    let mut filter = Condition::all();
    if let Some(t) = q.text("type") {
        filter = filter.add(notification_channel::Column::Type.eq(t));
    }
    if let Some(e) = q.text("enabled") {
        filter = filter.add(notification_channel::Column::Enabled.eq(matches!(e, "1" | "true")));
    }
    if let Some(name) = q.searches.get("name").filter(|s| !s.is_empty()) {
        filter = filter.add(list::contains::<notification_channel::Entity>(
            notification_channel::Column::Name,
            name,
        ));
    }
    let select = notification_channel::Entity::find().filter(filter);
    Ok(list::fetch(&state.db, select, q, SORTABLE).await?)
}

/// Channel `id`.
pub async fn find(state: &AppState, id: i64) -> Result<notification_channel::Model, NotifyError> {
    notification_channel::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(NotifyError::NotFound)
}

/// Checks and saves a new channel.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: ChannelInput,
) -> Result<notification_channel::Model, NotifyError> {
    let row = apply(blank(), input)?;
    let stored = notification_channel::ActiveModel {
        id: sea_orm::ActiveValue::NotSet,
        ..row.into_active_model()
    }
    .insert(&state.db)
    .await?;
    audit::record(
        state,
        actor,
        "notification",
        Some(stored.id),
        "create",
        audit::masked(&audited(&stored)),
    )
    .await;
    Ok(stored)
}

/// Checks and saves a change of channel `id`.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: ChannelInput,
) -> Result<notification_channel::Model, NotifyError> {
    let before = find(state, id).await?;
    let mut row = apply(before.clone(), input)?;
    row.updated_at = Utc::now();
    let stored = row
        .into_active_model()
        .reset_all()
        .update(&state.db)
        .await?;
    audit::record_update(
        state,
        actor,
        "notification",
        id,
        &audited(&before),
        &audited(&stored),
    )
    .await;
    Ok(stored)
}

/// Deletes channel `id`.
pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> Result<(), NotifyError> {
    let row = find(state, id).await?;
    notification_channel::Entity::delete_by_id(id)
        .exec(&state.db)
        .await?;
    audit::record(
        state,
        actor,
        "notification",
        Some(id),
        "delete",
        audit::masked(&audited(&row)),
    )
    .await;
    Ok(())
}

/// Sends a test event through a channel not saved yet (on top of channel `id` when given,
/// whose secret a pending edit may keep); the delivery error verbatim.
pub async fn test_pending(
    state: &AppState,
    id: Option<i64>,
    input: ChannelInput,
) -> Result<(), NotifyError> {
    let base = match id.filter(|id| *id != 0) {
        Some(id) => find(state, id).await?,
        None => blank(),
    };
    let row = apply(base, input)?;
    send_test(state, &row).await
}

/// Sends a test event through saved channel `id`; the delivery error verbatim.
pub async fn test_saved(state: &AppState, id: i64) -> Result<(), NotifyError> {
    let row = find(state, id).await?;
    send_test(state, &row).await
}

async fn send_test(state: &AppState, row: &notification_channel::Model) -> Result<(), NotifyError> {
    let event = Event::new(
        EventKind::Test,
        format!("Test notification for \"{}\"", row.name),
        "This is a test of a notification channel. It works.",
        json!({"channel": row.name}),
    );
    deliver::send(state, row, &event, Utc::now()).await
}

fn blank() -> notification_channel::Model {
    let now = Utc::now();
    notification_channel::Model {
        id: 0,
        created_at: now,
        updated_at: now,
        name: String::new(),
        r#type: String::new(),
        settings: json!({}),
        events: json!([]),
        enabled: true,
    }
}

/// A row as audited: the secret named under `secret` so that the audit log masks it.
fn audited(row: &notification_channel::Model) -> Value {
    json!({
        "name": row.name,
        "type": row.r#type,
        "settings": row.settings,
        "events": row.events,
        "enabled": row.enabled,
    })
}

/// `row` with `input` applied and checked.
fn apply(
    mut row: notification_channel::Model,
    input: ChannelInput,
) -> Result<notification_channel::Model, NotifyError> {
    let invalid = |m: String| NotifyError::Invalid(m);
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(invalid(format!("name: 1 to {MAX_NAME} characters")));
    }
    let ty = input.r#type.trim();
    if row.id != 0 && ty != row.r#type {
        return Err(invalid("type: a channel keeps its type".into()));
    }
    row.settings = match ty {
        kind::EMAIL => email_settings(&input.settings)?,
        kind::WEBHOOK => webhook_settings(&input.settings, &row.settings)?,
        other => {
            return Err(invalid(format!(
                "type: {other:?} is not a channel type (email, webhook)"
            )));
        }
    };
    row.events = match input.events {
        Some(names) => {
            let mut kinds = Vec::new();
            for name in &names {
                let kind = EventKind::parse(name.trim()).ok_or_else(|| {
                    invalid(format!(
                        "events: {name:?} is not an event ({})",
                        EventKind::CHOOSABLE.map(EventKind::name).join(", ")
                    ))
                })?;
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            json!(kinds.iter().map(|k| k.name()).collect::<Vec<_>>())
        }
        None if row.id == 0 => json!(
            EventKind::CHOOSABLE
                .into_iter()
                .filter(|k| k.on_by_default())
                .map(EventKind::name)
                .collect::<Vec<_>>()
        ),
        None => row.events,
    };
    row.name = name.to_owned();
    row.r#type = ty.to_owned();
    if let Some(enabled) = input.enabled {
        row.enabled = enabled;
    }
    Ok(row)
}

fn email_settings(settings: &Value) -> Result<Value, NotifyError> {
    if settings.get("to").is_some_and(|to| !to.is_array()) {
        return Err(NotifyError::Invalid(
            "settings.to: a list of addresses".into(),
        ));
    }
    let to = email::recipients(settings);
    if to.is_empty() || to.len() > MAX_RECIPIENTS {
        return Err(NotifyError::Invalid(format!(
            "settings.to: 1 to {MAX_RECIPIENTS} addresses"
        )));
    }
    if let Some(bad) = to.iter().find(|a| a.parse::<lettre::Address>().is_err()) {
        return Err(NotifyError::Invalid(format!(
            "settings.to: {bad:?} is not an e-mail address"
        )));
    }
    Ok(json!({"to": to}))
}

fn webhook_settings(settings: &Value, stored: &Value) -> Result<Value, NotifyError> {
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let url = text(settings, "url");
    let parsed = url::Url::parse(&url)
        .map_err(|e| NotifyError::Invalid(format!("settings.url: {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(NotifyError::Invalid(
            "settings.url: an http or https URL".into(),
        ));
    }
    let mut secret = text(settings, "secret");
    if secret.is_empty() {
        secret = text(stored, "secret");
    }
    if secret.is_empty() {
        return Err(NotifyError::Invalid(super::webhook::SECRET_REQUIRED.into()));
    }
    Ok(json!({"url": url, "secret": secret}))
}

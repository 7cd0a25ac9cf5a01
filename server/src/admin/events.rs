//! The audit log, read and pruned by administrators: list with filters, read one, delete.
//! Deleting events is itself recorded.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use stratus_entity::{event, user};

use super::{
    Actor, AdminError, audit,
    list::{self, ListQuery, Page},
};
use crate::state::AppState;

/// Columns an event list may be sorted by (besides `id`).
const SORTABLE: &[&str] = &["type", "user_id", "ip", "created_at"];

/// An event with the user it names.
#[derive(Debug, Clone)]
pub struct EventView {
    pub event: event::Model,
    pub user: Option<user::Model>,
}

/// One page of events. Conditions: `event_type`, `event_user_id`, `event_ip`,
/// `event_created_from` and `event_created_to` (RFC 3339 or unix seconds, inclusive); also
/// `event_correlation_id`.
pub async fn list(state: &AppState, q: &ListQuery) -> Result<Page<EventView>, AdminError> {
    q.allow(
        &[
            "event_type",
            "event_user_id",
            "event_ip",
            "event_created_from",
            "event_created_to",
            "event_correlation_id",
        ],
        &["event_ip"],
    )?;
    let mut filter = Condition::all();
    if let Some(t) = q.int("event_type")? {
        filter = filter.add(event::Column::Type.eq(t));
    }
    if let Some(u) = q.int("event_user_id")? {
        filter = filter.add(event::Column::UserId.eq(u));
    }
    if let Some(ip) = q.conditions.get("event_ip") {
        filter = filter.add(event::Column::Ip.eq(ip.as_str()));
    } else if let Some(ip) = q.searches.get("event_ip") {
        filter = filter.add(list::contains::<event::Entity>(event::Column::Ip, ip));
    }
    if let Some(id) = q.text("event_correlation_id") {
        filter = filter.add(event::Column::CorrelationId.eq(id));
    }
    if let Some(from) = q.text("event_created_from") {
        filter = filter.add(event::Column::CreatedAt.gte(instant("event_created_from", from)?));
    }
    if let Some(to) = q.text("event_created_to") {
        filter = filter.add(event::Column::CreatedAt.lte(instant("event_created_to", to)?));
    }
    let page = list::fetch(&state.db, event::Entity::find().filter(filter), q, SORTABLE).await?;
    let mut ids: Vec<i64> = page.rows.iter().filter_map(|e| e.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    Ok(page.map(|e| EventView {
        user: users.iter().find(|u| Some(u.id) == e.user_id).cloned(),
        event: e,
    }))
}

/// An instant written as RFC 3339 or as unix seconds.
fn instant(key: &str, value: &str) -> Result<DateTime<Utc>, AdminError> {
    if let Ok(secs) = value.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| AdminError::invalid(format!("{key}: {secs} is out of range")));
    }
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AdminError::invalid(format!(
                "{key}: {value:?} is neither RFC 3339 nor unix seconds"
            ))
        })
}

/// Event `id` with its user.
pub async fn get(state: &AppState, id: i64) -> Result<EventView, AdminError> {
    let row = event::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AdminError::EventNotFound)?;
    let user = match row.user_id {
        Some(u) => user::Entity::find_by_id(u).one(&state.db).await?,
        None => None,
    };
    Ok(EventView { event: row, user })
}

/// Deletes the events of `ids`; the deletion is recorded as a new event.
pub async fn delete_many(state: &AppState, actor: &Actor, ids: &[i64]) -> Result<u64, AdminError> {
    if ids.is_empty() {
        return Err(AdminError::invalid("ids: nothing to delete"));
    }
    let mut deleted = 0;
    for chunk in ids.chunks(500) {
        deleted += event::Entity::delete_many()
            .filter(event::Column::Id.is_in(chunk.to_vec()))
            .exec(&state.db)
            .await?
            .rows_affected;
    }
    audit::record(
        state,
        actor,
        "event",
        None,
        "delete",
        serde_json::json!({ "ids": ids, "deleted": deleted }),
    )
    .await;
    Ok(deleted)
}
